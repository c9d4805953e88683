"""Tables of dispensations (what left the pharmacy, line by line), of the pharmacist's decisions on
analysis findings (interventions, dismissals), and of the deferred double check's queue.

Kept apart from `models.py` so each capability's tables live in their own module; all share `Base`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    Row,
    String,
    Text,
    UniqueConstraint,
    false,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from comptoir.store.models import Base, Patient

CHECK_STATUSES = ("a_controler", "controlee", "a_revoir")
PeriodLine = Row[int, datetime, int | None, str | None, str | None, str | None, str, str, int | None]


class HistoryLine(NamedTuple):
    dispensed_at: datetime
    cis: str | None
    cip13: str | None
    drug: str
    duration_days: int | None


class EarlierLine(NamedTuple):
    """A line dispensed to a patient, with what tells the days it covers (services/dispensing/overlap.py)."""

    dispensed_at: datetime
    prescription_id: str | None
    cis: str | None
    cip13: str | None
    drug: str
    boxes: int
    posology: str
    duration_days: int | None


class Dispensation(Base):
    __tablename__ = "dispensation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispensed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    operator_code: Mapped[str] = mapped_column(String(40))
    workstation: Mapped[str] = mapped_column(String(80), default="")
    kind: Mapped[str] = mapped_column(String(20), default="ordonnance")
    prescriber_rpps: Mapped[str | None] = mapped_column(String(11), index=True)
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
    # Cancelled the same day (services/dispensing/cancel.py): kept, never deleted, and out of the history.
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_by: Mapped[str | None] = mapped_column(String(40))
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")


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
    # The pack given (GS1 DataMatrix when scanned, SPEC §9.2), its price and the product's listing.
    lot: Mapped[str | None] = mapped_column(String(20))
    serial: Mapped[str | None] = mapped_column(String(20))
    expiry: Mapped[date | None] = mapped_column(Date)
    packs: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    """Every pack scanned for the line ({"cip13", "serial", "lot", "expiry"}); lot/serial/expiry are the first's."""
    price_eur: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    """Public price of one box."""
    reimbursement_rate: Mapped[int | None] = mapped_column(Integer)
    """Percent (65, 100...); None: not reimbursed."""
    listing: Mapped[str | None] = mapped_column(String(12))
    """Liste I, liste II or stupéfiant (domain/dispensing/conditions.Listing), None when not listed."""


class DispensedPack(Base):
    """A serialised pack handed out here (SPEC §9.4). Its product code and serial are unique: two counters
    validating the same pack at once end with one delivery and one refusal. The pack of a cancelled dispensation
    may be handed out again: its row then names the new dispensation."""

    __tablename__ = "dispensed_pack"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cip13: Mapped[str] = mapped_column(String(13))
    serial: Mapped[str] = mapped_column(String(20))
    dispensation_id: Mapped[int] = mapped_column(ForeignKey("dispensation.id"), index=True)

    __table_args__ = (UniqueConstraint("cip13", "serial", name="uq_dispensed_pack"),)


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

    def move_patient(self, from_id: int, to_id: int) -> int:
        """An identitovigilance merge: the merged record's dispensations and decisions go to the kept one; how
        many dispensations moved."""
        moved = self.session.execute(update(Dispensation).where(Dispensation.patient_id == from_id)
                                     .values(patient_id=to_id))
        self.session.execute(update(AnalysisDecision).where(AnalysisDecision.patient_id == from_id)
                             .values(patient_id=to_id))
        return int(getattr(moved, "rowcount", 0) or 0)

    # The deferred double check and its queue

    def by_id(self, dispensation_id: int) -> Dispensation | None:
        return self.session.get(Dispensation, dispensation_id)

    def lines_between(self, start: datetime, end: datetime) -> Sequence[PeriodLine]:
        """Every dispensed line of the period with its dispensation, in order: id, dispensed_at, patient_id,
        prescriber_rpps, cip13, cis, drug, posology, duration_days."""
        return self.session.execute(
            select(Dispensation.id, Dispensation.dispensed_at, Dispensation.patient_id, Dispensation.prescriber_rpps,
                   DispensedLine.cip13, DispensedLine.cis, DispensedLine.drug, DispensedLine.posology,
                   DispensedLine.duration_days)
            .join(DispensedLine, DispensedLine.dispensation_id == Dispensation.id)
            .where(Dispensation.dispensed_at >= start, Dispensation.dispensed_at < end,
                   Dispensation.cancelled_at.is_(None))
            .order_by(Dispensation.dispensed_at, Dispensation.id, DispensedLine.position)).all()

    def patients_among(self, patient_ids: Iterable[int]) -> list[Patient]:
        return [p for chunk in _chunks(sorted(patient_ids))
                for p in self.session.scalars(select(Patient).where(Patient.id.in_(chunk)))]

    def record_check(self, ids: list[int], *, status: str, level: str | None) -> None:
        """The deferred check's verdict, only on dispensations not checked yet."""
        for chunk in _chunks(ids):
            self.session.execute(update(Dispensation).where(Dispensation.id.in_(chunk),
                                                            Dispensation.check_status == "a_controler")
                                 .values(check_status=status, check_level=level, checked_by="analyse différée"))

    def in_queue(self, status: str, *, limit: int) -> list[Dispensation]:
        return list(self.session.scalars(select(Dispensation).where(Dispensation.check_status == status)
                                         .order_by(Dispensation.dispensed_at.desc()).limit(limit)))

    def lines_of(self, dispensation_ids: list[int]) -> dict[int, list[DispensedLine]]:
        query = select(DispensedLine).where(DispensedLine.dispensation_id.in_(dispensation_ids))
        lines: dict[int, list[DispensedLine]] = defaultdict(list)
        for line in self.session.scalars(query.order_by(DispensedLine.position)):
            lines[line.dispensation_id].append(line)
        return lines

    def patient(self, patient_id: int) -> Patient | None:
        return self.session.get(Patient, patient_id)

    def history_of(self, patient_id: int, *, since: datetime, limit: int) -> list[tuple[datetime, str]]:
        """(when, drug) of the patient's dispensed lines since `since`, latest first."""
        rows = self.session.execute(
            select(Dispensation.dispensed_at, DispensedLine.drug)
            .join(DispensedLine, DispensedLine.dispensation_id == Dispensation.id)
            .where(Dispensation.patient_id == patient_id, Dispensation.dispensed_at >= since,
                   Dispensation.cancelled_at.is_(None))
            .order_by(Dispensation.dispensed_at.desc()).limit(limit))
        return [(when, drug) for when, drug in rows]

    def history_lines(self, patient_id: int, *, since: datetime, limit: int) -> list[HistoryLine]:
        """The patient's dispensed lines since `since` (cancelled dispensations left out), latest first: what
        the counter's analysis reads, one query per change of the basket."""
        rows = self.session.execute(
            select(Dispensation.dispensed_at, DispensedLine.cis, DispensedLine.cip13, DispensedLine.drug,
                   DispensedLine.duration_days)
            .join(DispensedLine, DispensedLine.dispensation_id == Dispensation.id)
            .where(Dispensation.patient_id == patient_id, Dispensation.dispensed_at >= since,
                   Dispensation.cancelled_at.is_(None))
            .order_by(Dispensation.dispensed_at.desc()).limit(limit))
        return [HistoryLine(when, cis, cip13, drug, days) for when, cis, cip13, drug, days in rows]

    def earlier_lines(self, patient_id: int, *, since: datetime, limit: int = 500) -> list[EarlierLine]:
        """The patient's dispensed lines since `since` (cancelled dispensations left out), latest first."""
        rows = self.session.execute(
            select(Dispensation.dispensed_at, Dispensation.prescription_id, DispensedLine.cis, DispensedLine.cip13,
                   DispensedLine.drug, DispensedLine.boxes, DispensedLine.posology, DispensedLine.duration_days)
            .join(DispensedLine, DispensedLine.dispensation_id == Dispensation.id)
            .where(Dispensation.patient_id == patient_id, Dispensation.dispensed_at >= since,
                   Dispensation.cancelled_at.is_(None))
            .order_by(Dispensation.dispensed_at.desc()).limit(limit))
        return [EarlierLine(*row) for row in rows]

    def locked(self, dispensation_id: int) -> Dispensation | None:
        """The dispensation, locked until the transaction ends (a cancellation racing another waits)."""
        return self.session.get(Dispensation, dispensation_id, with_for_update=True, populate_existing=True)

    def dispensed_lines_of(self, patient_id: int, *, since: datetime,
                           limit: int) -> list[tuple[int, datetime, str, int, str]]:
        """(dispensation id, when, drug, boxes, posology) of the patient's lines since `since`: newest first, the
        lines of one dispensation in their order."""
        rows = self.session.execute(
            select(Dispensation.id, Dispensation.dispensed_at, DispensedLine.drug, DispensedLine.boxes,
                   DispensedLine.posology)
            .join(DispensedLine, DispensedLine.dispensation_id == Dispensation.id)
            .where(Dispensation.patient_id == patient_id, Dispensation.dispensed_at >= since,
                   Dispensation.cancelled_at.is_(None))
            .order_by(Dispensation.dispensed_at.desc(), Dispensation.id.desc(), DispensedLine.position).limit(limit))
        return [(dispensation_id, when, drug, boxes, posology) for dispensation_id, when, drug, boxes, posology in rows]

    # The pharmacist's decisions on findings

    def add_decision(self, decision: AnalysisDecision) -> None:
        self.session.add(decision)
        self.session.flush()

    def decisions_of(self, patient_id: int) -> list[AnalysisDecision]:
        return list(self.session.scalars(select(AnalysisDecision).where(AnalysisDecision.patient_id == patient_id)
                                         .order_by(AnalysisDecision.at.desc())))

    def decisions_of_dispensation(self, dispensation_id: int) -> list[AnalysisDecision]:
        """The decisions recorded for one dispensation, in the order they were made (the avis lists them so)."""
        return list(self.session.scalars(select(AnalysisDecision)
                                         .where(AnalysisDecision.dispensation_id == dispensation_id)
                                         .order_by(AnalysisDecision.at, AnalysisDecision.id)))

    # The ordonnance numérique's dispensations (services/eprescription)

    def add_with_lines(self, dispensation: Dispensation, lines: list[DispensedLine]) -> None:
        """The dispensation and its lines, written at once (the lines need its id)."""
        self.session.add(dispensation)
        self.session.flush()
        for line in lines:
            line.dispensation_id = dispensation.id
        self.session.add_all(lines)
        self.session.flush()

    def add_lines(self, dispensation: Dispensation, lines: list[DispensedLine]) -> None:
        """More lines of a dispensation already written."""
        for line in lines:
            line.dispensation_id = dispensation.id
        self.session.add_all(lines)
        self.session.flush()

    def claim_pack(self, cip13: str, serial: str, dispensation_id: int) -> Dispensation | None:
        """The pack given by this dispensation; the other dispensation, not cancelled, that already gave it (then
        nothing is written). The second of two counters waits on the unique key, then sees the first's row."""
        try:
            with self.session.begin_nested():
                self.session.add(DispensedPack(cip13=cip13, serial=serial, dispensation_id=dispensation_id))
            return None
        except IntegrityError:
            pass
        held = self.session.scalars(select(DispensedPack).where(DispensedPack.cip13 == cip13,
                                                                DispensedPack.serial == serial)
                                    .with_for_update().execution_options(populate_existing=True)).one()
        holder = self.session.get(Dispensation, held.dispensation_id, populate_existing=True)
        if holder is not None and holder.cancelled_at is None:
            return holder
        held.dispensation_id = dispensation_id
        self.session.flush()
        return None

    def of_prescription(self, prescription_id: str) -> list[Dispensation]:
        return list(self.session.scalars(select(Dispensation).where(Dispensation.prescription_id == prescription_id)
                                         .order_by(Dispensation.dispensed_at)))

    def recent_lines_of_patient(self, patient_id: int, *, since: datetime,
                                limit: int) -> list[tuple[datetime, str | None, str]]:
        """(date, CIP13, drug) of the patient's dispensed lines since `since`, latest first."""
        rows = self.session.execute(select(Dispensation.dispensed_at, DispensedLine.cip13, DispensedLine.drug)
                                    .join(DispensedLine, DispensedLine.dispensation_id == Dispensation.id)
                                    .where(Dispensation.patient_id == patient_id, Dispensation.dispensed_at >= since,
                                           Dispensation.cancelled_at.is_(None))
                                    .order_by(Dispensation.dispensed_at.desc()).limit(limit))
        return [(when, cip13, drug) for when, cip13, drug in rows]


def _chunks(ids: Sequence[int], size: int = 900) -> Iterator[Sequence[int]]:
    """Small enough for an IN clause: SQLite allows 999 parameters."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
