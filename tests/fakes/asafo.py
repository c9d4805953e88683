"""Fake repository of secure supply: the ASAFO list's copy, the declarations, the reinforced checks in memory."""

from __future__ import annotations

from datetime import datetime

from comptoir.store.asafo import SYNC_ROW, AsafoAlert, AsafoDeclaration, AsafoSync, AsafoVisit, ExpensiveCheck
from tests.fakes.analysis import FakeDispensationRepository


class FakeAsafoRepository:
    def __init__(self, dispensations: FakeDispensationRepository) -> None:
        self._dispensations = dispensations
        self.alerts: dict[str, AsafoAlert] = {}
        self.sync: AsafoSync | None = None
        self.visits: dict[str, AsafoVisit] = {}
        self.declared: list[AsafoDeclaration] = []
        self.checks: list[ExpensiveCheck] = []

    def keep_alert(self, alert: AsafoAlert) -> None:
        self.alerts[alert.alert_id] = alert

    def sync_state(self) -> AsafoSync:
        self.sync = self.sync or AsafoSync(id=SYNC_ROW, last_error="")
        return self.sync

    def last_sync(self) -> AsafoSync | None:
        return self.sync

    def newest_alert_at(self) -> datetime | None:
        return max((a.created_at for a in self.alerts.values()), default=None)

    def alerts_naming(self, *, rpps: str | None, nir: str | None, since: datetime) -> list[AsafoAlert]:
        return [a for a in self.alerts.values() if a.created_at >= since
                and ((rpps and a.prescriber_rpps == rpps) or (nir and a.patient_nir == nir))]

    def alerts_since(self, since: datetime, *, region: str | None = None, limit: int = 500) -> list[AsafoAlert]:
        return [a for a in self.alerts.values() if a.created_at >= since and (not region or a.region == region)]

    def last_visit(self, operator_code: str) -> AsafoVisit | None:
        return self.visits.get(operator_code)

    def visit(self, operator_code: str, now: datetime) -> None:
        self.visits[operator_code] = AsafoVisit(operator_code=operator_code, visited_at=now)

    def prescriber_known(self, rpps: str, *, before: datetime) -> bool:
        return any(d.prescriber_rpps == rpps and d.dispensed_at < before and d.cancelled_at is None
                   for d in self._dispensations.dispensations.values())

    def add_declaration(self, row: AsafoDeclaration) -> AsafoDeclaration:
        row.id = len(self.declared) + 1
        self.declared.append(row)
        return row

    def declaration(self, declaration_id: int, *, with_document: bool = False) -> AsafoDeclaration | None:
        return next((d for d in self.declared if d.id == declaration_id), None)

    def declaration_by_key(self, key: str) -> AsafoDeclaration | None:
        return next((d for d in self.declared if d.key == key), None)

    def declarations_of_basket(self, basket_id: int) -> list[AsafoDeclaration]:
        return [d for d in self.declared if d.basket_id == basket_id]

    def declarations(self, *, limit: int = 200) -> list[AsafoDeclaration]:
        return list(reversed(self.declared))[:limit]

    def expensive_check(self, basket_id: int) -> ExpensiveCheck | None:
        return next((c for c in self.checks if c.basket_id == basket_id), None)

    def add_expensive_check(self, row: ExpensiveCheck) -> None:
        self.checks.append(row)

    def expensive_check_of_dispensation(self, dispensation_id: int) -> ExpensiveCheck | None:
        return next((c for c in self.checks if c.dispensation_id == dispensation_id), None)
