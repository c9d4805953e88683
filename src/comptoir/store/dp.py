"""What the pharmacy keeps of its patients' Dossiers Pharmaceutiques: the DP's last answer for each patient.

The status tells the counter whether a validated dispensation feeds the DP (`ouvert`, or `a_ouvrir` while the
opening waits in the outbox); the lines of other pharmacies seen at the last consultation feed the real-time
analysis of the baskets that follow (the DP is asked once, when the counter opens the patient, not at each
change of the basket). A refusal of consultation for the day, and a closure, empty them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from comptoir.store.dispensing import Dispensation
from comptoir.store.models import Base
from comptoir.store.outbox import OutboxMessage


class DpRecord(Base):
    __tablename__ = "dp_record"
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(12))
    """ouvert, a_ouvrir, ferme, absent (the DP's words, and ours while an opening waits)."""
    opening_key: Mapped[str | None] = mapped_column(String(80))
    """The outbox key of the opening the pharmacy asked for: the first feeds are sent after it."""
    consulted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    window_months: Mapped[int] = mapped_column(Integer, default=4)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """Lines of other pharmacies at the last consultation (their date, CIP13, label, quantity, pharmacy)."""
    consultation_refused_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class DpRepository:
    """Every query on the pharmacy's DP records lives here."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, patient_id: int) -> DpRecord | None:
        return self.session.get(DpRecord, patient_id)

    def get_or_add(self, patient_id: int) -> DpRecord:
        record = self.get(patient_id)
        if record is None:
            record = DpRecord(patient_id=patient_id, status="absent", window_months=4, lines=[], note="")
            self.session.add(record)
        return record

    def message_exists(self, key: str) -> bool:
        """Whether a DP message was enqueued under `key` (a cancellation withdraws only lines that were sent)."""
        return self.session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)) is not None

    def recent_dispensations(self, patient_id: int, *, since: datetime, limit: int = 10) -> list[Dispensation]:
        """The patient's dispensations here since `since`, not cancelled, newest first."""
        return list(self.session.scalars(
            select(Dispensation).where(Dispensation.patient_id == patient_id, Dispensation.dispensed_at >= since,
                                       Dispensation.cancelled_at.is_(None))
            .order_by(Dispensation.dispensed_at.desc()).limit(limit)))
