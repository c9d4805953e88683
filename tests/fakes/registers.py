"""Fake repositories of the ordonnancier and of the dispensations' documents, in memory."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime

from comptoir.store.documents import DispensationDocument
from comptoir.store.registers import DELIVERY, RegisterEntry, RegisterQuery


class FakeRegisterRepository:
    def __init__(self) -> None:
        self.entries: list[RegisterEntry] = []
        self.last_number = 0

    def move_patient(self, from_id: int, to_id: int) -> int:
        moved = [e for e in self.entries if e.patient_id == from_id]
        for row in moved:
            row.patient_id = to_id
        return len(moved)

    def take_numbers(self, count: int) -> range:
        first = self.last_number + 1
        self.last_number += count
        return range(first, first + count)

    def append(self, entries: Sequence[RegisterEntry]) -> None:
        self.entries += entries

    def deliveries_of(self, dispensation_id: int) -> list[RegisterEntry]:
        return [e for e in self.entries if e.dispensation_id == dispensation_id and e.kind == DELIVERY]

    def cancelled_among(self, numbers: Sequence[int]) -> set[int]:
        return {e.cancels_number for e in self.entries if e.cancels_number in numbers} - {None}  # type: ignore[misc]

    def cancelled_between(self, first: int, last: int) -> set[int]:
        return {n for e in self.entries if (n := e.cancels_number) is not None and first <= n <= last}

    def page(self, query: RegisterQuery, *, offset: int, limit: int) -> tuple[list[RegisterEntry], int]:
        chosen = list(self.matching(query))
        return chosen[offset:offset + limit], len(chosen)

    def matching(self, query: RegisterQuery) -> Iterator[RegisterEntry]:
        return iter(sorted((e for e in self.entries if _matches(e, query)), key=lambda e: e.number))


def _matches(entry: RegisterEntry, query: RegisterQuery) -> bool:
    return ((query.listing is None or entry.listing == query.listing)
            and query.product.strip().lower() in entry.product.lower()
            and query.patient.strip().lower() in entry.patient_name.lower()
            and (query.patient_id is None or entry.patient_id == query.patient_id)
            and (query.start is None or entry.recorded_at >= query.start)
            and (query.end is None or entry.recorded_at < query.end))


class FakeDocumentRepository:
    def __init__(self) -> None:
        self.documents: list[DispensationDocument] = []

    def add(self, document: DispensationDocument) -> None:
        document.id = len(self.documents) + 1
        self.documents.append(document)

    def attach(self, basket_ref: str, dispensation_id: int) -> list[int]:
        waiting = self.pending_of(basket_ref)
        for document in waiting:
            document.dispensation_id = dispensation_id
        return [d.id for d in waiting]

    def of_dispensation(self, dispensation_id: int) -> list[DispensationDocument]:
        return [d for d in self.documents if d.dispensation_id == dispensation_id]

    def with_content(self, document_id: int) -> DispensationDocument | None:
        return next((d for d in self.documents if d.id == document_id), None)

    def pending_of(self, basket_ref: str) -> list[DispensationDocument]:
        return [d for d in self.documents if d.basket_ref == basket_ref and d.dispensation_id is None]

    def purge_pending(self, *, taken_before: datetime, keep: Collection[str] = ()) -> int:
        gone = [d for d in self.documents if d.dispensation_id is None and d.taken_at < taken_before
                and d.basket_ref not in keep]
        self.documents = [d for d in self.documents if d not in gone]
        return len(gone)
