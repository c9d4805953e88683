"""Tables of the ordonnance numérique on our side: the prescriber's profile and the ONs he issued, the
patient's consent, the ONs the pharmacy consulted and the state of each line's deliveries.

The base itself (national/eprescription/emulator.py) keeps its own tables elsewhere.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, Session, mapped_column

from comptoir.store.models import Base


class PrescriberProfile(Base):
    """What a prescriber's header carries (SPEC §3.1, §15.2): names, RPPS, N° AM or FINESS of the structure."""

    __tablename__ = "prescriber_profile"
    operator_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    rpps: Mapped[str] = mapped_column(String(11))
    am: Mapped[str] = mapped_column(String(9))
    last_name: Mapped[str] = mapped_column(Text)
    first_name: Mapped[str] = mapped_column(Text)
    specialty: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(30), default="")


class PatientConsent(Base):
    """A consent recorded once in the patient's file (ON: the prescriber may see the deliveries)."""

    __tablename__ = "patient_consent"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    kind: Mapped[str] = mapped_column(String(30))
    granted: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    operator_code: Mapped[str] = mapped_column(String(40))

    __table_args__ = (UniqueConstraint("patient_id", "kind", name="uq_patient_consent_kind"),)


class IssuedPrescription(Base):
    """An ON as its prescriber made it: recorded in the base (with its id and QR) or not (PDF without QR)."""

    __tablename__ = "issued_prescription"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prescription_id: Mapped[str | None] = mapped_column(String(18), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    operator_code: Mapped[str] = mapped_column(String(40), index=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    patient: Mapped[dict[str, Any]] = mapped_column(JSON)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    outside_lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """Products outside the ON ("parapharmacie"): printed apart, never sent to the base (SPEC §15.2)."""
    consent: Mapped[bool] = mapped_column(Boolean)
    secure: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded: Mapped[bool] = mapped_column(Boolean)
    failure: Mapped[str] = mapped_column(Text, default="")
    qr_payload: Mapped[str] = mapped_column(Text, default="")
    valid_until: Mapped[date | None] = mapped_column(Date)


class PrescriptionRecord(Base):
    """An ON the pharmacy consulted: the base's last answer, for the dashboard."""

    __tablename__ = "prescription_record"
    prescription_id: Mapped[str] = mapped_column(String(18), primary_key=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    first_consulted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_consulted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    consulted_by: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(30))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)


class LineDelivery(Base):
    """One line and one period (0 = first delivery, n = renewal n) delivered here. The unique key makes
    two counters delivering the same period at once end with one delivery and one "déjà délivrée"."""

    __tablename__ = "line_delivery"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prescription_id: Mapped[str] = mapped_column(String(18))
    line_number: Mapped[int] = mapped_column(Integer)
    renewal: Mapped[int] = mapped_column(Integer)
    boxes: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("prescription_id", "line_number", "renewal",
                                       name="uq_line_delivery_period"),)


class EPrescriptionRepository:
    """Every query on these tables lives here."""

    def __init__(self, session: Session) -> None:
        self.session = session
