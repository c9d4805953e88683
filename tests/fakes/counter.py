"""Fake repository of the counter's basket: baskets, their lines and decisions in lists."""

from __future__ import annotations

from datetime import datetime

from comptoir.store.counter import OPEN_STATUSES, Basket, BasketDecision, BasketLine


class FakeBasketRepository:
    def __init__(self) -> None:
        self.baskets: dict[int, Basket] = {}
        self.basket_lines: list[BasketLine] = []
        self.basket_decisions: list[BasketDecision] = []

    def add(self, basket: Basket) -> Basket:
        basket.id = max(self.baskets, default=0) + 1
        self.baskets[basket.id] = basket
        return basket

    def get(self, basket_id: int) -> Basket | None:
        return self.baskets.get(basket_id)

    locked = get

    def lines(self, basket_id: int) -> list[BasketLine]:
        return sorted((line for line in self.basket_lines if line.basket_id == basket_id), key=lambda x: x.position)

    def add_line(self, line: BasketLine) -> None:
        line.id = len(self.basket_lines) + 1000
        self.basket_lines.append(line)

    def remove_line(self, line: BasketLine) -> None:
        self.basket_lines.remove(line)

    def decisions(self, basket_id: int) -> list[BasketDecision]:
        return sorted((d for d in self.basket_decisions if d.basket_id == basket_id), key=lambda d: d.at)

    def add_decision(self, decision: BasketDecision) -> None:
        decision.id = len(self.basket_decisions) + 1
        self.basket_decisions.append(decision)

    def waiting(self, *, limit: int = 50) -> list[Basket]:
        found = [b for b in self.baskets.values() if b.status == "en_attente"]
        return sorted(found, key=lambda b: b.handed_over_at or b.created_at)[:limit]

    def stale(self, *, updated_before: datetime, limit: int = 500) -> list[Basket]:
        found = [b for b in self.baskets.values() if b.status in OPEN_STATUSES and b.updated_at < updated_before]
        return sorted(found, key=lambda b: b.updated_at)[:limit]

    def move_patient(self, from_id: int, to_id: int) -> int:
        moved = [b for b in self.baskets.values() if b.patient_id == from_id]
        for row in moved:
            row.patient_id = to_id
        return len(moved)

    def open_ids(self) -> list[int]:
        return [b.id for b in self.baskets.values() if b.status in OPEN_STATUSES]

    def line_counts(self, basket_ids: list[int]) -> dict[int, int]:
        return {i: len(self.lines(i)) for i in basket_ids if self.lines(i)}
