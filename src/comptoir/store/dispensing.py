"""Tables of dispensations (what left the pharmacy, line by line), of the pharmacist's decisions on
analysis findings (interventions, dismissals), and of the deferred double check's queue.

Kept apart from `models.py` so each capability's tables live in their own module; all share `Base`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, false, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from comptoir.store.models import Base

CHECK_STATUSES = ("a_controler", "controlee", "a_revoir")


class Dispensation(Base):
    __tablename__ = "dispensation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispensed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    operator_code: Mapped[str] = mapped_column(String(40))
    workstation: Mapped[str] = mapped_column(String(80), default="")
    kind: Mapped[str] = mapped_column(String(20), default="ordonnance")
    prescriber_rpps: Mapped[str | None] = mapped_column(String(11))
    check_status: Mapped[str] = mapped_column(String(12), default="a_controler", index=True)
    check_level: Mapped[str | None] = mapped_column(String(5))
    """The most severe level the last analysis found (None: nothing found)."""
    checked_by: Mapped[str | None] = mapped_column(String(40))
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    check_note: Mapped[str] = mapped_column(Text, default="")
    # Ordonnance numérique (SPEC §4.6): which ON, which period, the key its execution is sent with.
    prescription_id: Mapped[str | None] = mapped_column(String(18), index=True)
    renewal: Mapped[int | None] = mapped_column(Integer)
    execution_key: Mapped[str | None] = mapped_column(String(80))


class DispensedLine(Base):
    __tablename__ = "dispensed_line"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispensation_id: Mapped[int] = mapped_column(ForeignKey("dispensation.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    drug: Mapped[str] = mapped_column(Text)
    cis: Mapped[str | None] = mapped_column(String(8))
    cip13: Mapped[str | None] = mapped_column(String(13))
    boxes: Mapped[int] = mapped_column(Integer, default=1)
    posology: Mapped[str] = mapped_column(Text, default="")
    duration_days: Mapped[int | None] = mapped_column(Integer)
    # Against the prescribed line (ON): what was asked, what differs, the intervention made.
    prescription_line: Mapped[int | None] = mapped_column(Integer)
    prescribed_drug: Mapped[str | None] = mapped_column(Text)
    prescribed_boxes: Mapped[int | None] = mapped_column(Integer)
    substitution: Mapped[str | None] = mapped_column(String(3))
    partial: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    intervention: Mapped[dict[str, str] | None] = mapped_column(JSON)


class AnalysisDecision(Base):
    """What the pharmacist did with a finding: a pharmaceutical intervention (SFPC codes) or a dismissal."""

    __tablename__ = "analysis_decision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    operator_code: Mapped[str] = mapped_column(String(40))
    workstation: Mapped[str] = mapped_column(String(80), default="")
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    dispensation_id: Mapped[int | None] = mapped_column(ForeignKey("dispensation.id"))
    decision: Mapped[str] = mapped_column(String(12))
    finding_kind: Mapped[str] = mapped_column(String(20))
    finding_level: Mapped[str] = mapped_column(String(5))
    drugs: Mapped[list[str]] = mapped_column(JSON)
    substances: Mapped[list[str]] = mapped_column(JSON)
    message: Mapped[str] = mapped_column(Text)
    problem_code: Mapped[str | None] = mapped_column(String(6))
    intervention_code: Mapped[str | None] = mapped_column(String(3))
    outcome_code: Mapped[str | None] = mapped_column(String(3))
    comment: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_analysis_decision_patient", "patient_id", "at"),)


class DispensationRepository:
    """Every query on these tables lives here."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- ordonnance numérique (services/eprescription) ---

    def by_id(self, dispensation_id: int) -> Dispensation | None:
        return self.session.get(Dispensation, dispensation_id)

    def add_with_lines(self, dispensation: Dispensation, lines: list[DispensedLine]) -> None:
        """The dispensation and its lines, written at once (the lines need its id)."""
        self.session.add(dispensation)
        self.session.flush()
        for line in lines:
            line.dispensation_id = dispensation.id
        self.session.add_all(lines)
        self.session.flush()

    def of_prescription(self, prescription_id: str) -> list[Dispensation]:
        return list(self.session.scalars(select(Dispensation).where(Dispensation.prescription_id == prescription_id)
                                         .order_by(Dispensation.dispensed_at)))

    def lines_of(self, dispensation_id: int) -> list[DispensedLine]:
        return list(self.session.scalars(select(DispensedLine).where(DispensedLine.dispensation_id == dispensation_id)))

    def recent_lines_of_patient(self, patient_id: int, *, since: datetime,
                                limit: int) -> list[tuple[datetime, str | None, str]]:
        """(date, CIP13, drug) of the patient's dispensed lines since `since`, latest first."""
        rows = self.session.execute(select(Dispensation.dispensed_at, DispensedLine.cip13, DispensedLine.drug)
                                    .join(DispensedLine, DispensedLine.dispensation_id == Dispensation.id)
                                    .where(Dispensation.patient_id == patient_id, Dispensation.dispensed_at >= since)
                                    .order_by(Dispensation.dispensed_at.desc()).limit(limit))
        return [(when, cip13, drug) for when, cip13, drug in rows]
