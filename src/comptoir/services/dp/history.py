"""The DP's lines from other pharmacies in the real-time analysis: those the counter's last consultation kept,
while it is fresh (the DP is asked once when the counter opens the patient, not at each change of the basket)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from comptoir.services.dp.record import aware
from comptoir.store.dispensing import HistoryLine

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

FRESH = timedelta(hours=12)
"""A consultation older than this is no longer the patient's DP of the visit: the analysis leaves it out."""


def dp_history(uow: UnitOfWork, patient_id: int, *, now: datetime) -> list[HistoryLine]:
    record = uow.dp.get(patient_id)
    if record is None or record.status != "ouvert" or record.consulted_at is None:
        return []
    if now - aware(record.consulted_at) > FRESH:
        return []
    return [HistoryLine(datetime.combine(date.fromisoformat(str(x["date"])), time(12), tzinfo=UTC), None,
                        str(x["cip13"]), str(x["label"]), None) for x in record.lines]
