"""Fake repository of the pharmacy's DP records, in memory."""

from __future__ import annotations

from datetime import datetime

from comptoir.store.dispensing import Dispensation
from comptoir.store.dp import DpRecord


class FakeDpRepository:
    def __init__(self) -> None:
        self.records: dict[int, DpRecord] = {}
        self.keys: set[str] = set()

    def get(self, patient_id: int) -> DpRecord | None:
        return self.records.get(patient_id)

    def get_or_add(self, patient_id: int) -> DpRecord:
        return self.records.setdefault(patient_id, DpRecord(patient_id=patient_id, status="absent", window_months=4,
                                                            lines=[], note=""))

    def message_exists(self, key: str) -> bool:
        return key in self.keys

    def recent_dispensations(self, patient_id: int, *, since: datetime, limit: int = 10) -> list[Dispensation]:
        return []
