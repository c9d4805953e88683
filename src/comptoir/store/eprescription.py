"""Tables of the ordonnance numérique on our side: the prescriber's profile and the ONs he issued, the
patient's consent, the ONs the pharmacy consulted and the state of each line's deliveries.

The base itself (national/eprescription/emulator.py) keeps its own tables elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from comptoir.store import models as m
from comptoir.store.identity import like_escaped
from comptoir.store.models import Base
from comptoir.store.outbox import OutboxMessage


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
    """The ONs the pharmacy consulted and the state of each line's periods."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def consulted(self, prescription_id: str) -> PrescriptionRecord | None:
        return self.session.get(PrescriptionRecord, prescription_id)

    def move_patient(self, from_id: int, to_id: int) -> int:
        """An identitovigilance merge: the ONs consulted for the merged record go to the kept one; how many."""
        moved = self.session.execute(update(PrescriptionRecord).where(PrescriptionRecord.patient_id == from_id)
                                     .values(patient_id=to_id))
        return int(getattr(moved, "rowcount", 0) or 0)

    def add_consulted(self, record: PrescriptionRecord) -> PrescriptionRecord:
        """The new record, or the one another counter wrote meanwhile (two scans of a new ON at once)."""
        if self._inserted(record):
            return record
        found = self.session.get(PrescriptionRecord, record.prescription_id, with_for_update=True)
        assert found is not None  # the unique key refused ours: theirs is committed
        return found

    def _inserted(self, row: object) -> bool:
        # A savepoint: a clash on the unique key undoes only this insert, the transaction goes on.
        try:
            with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            return False
        return True

    def recently_consulted(self, limit: int) -> list[PrescriptionRecord]:
        return list(self.session.scalars(select(PrescriptionRecord)
                                         .order_by(PrescriptionRecord.last_consulted_at.desc()).limit(limit)))

    def boxes_delivered_here(self, prescription_id: str, line_number: int, renewal: int) -> int:
        return self.session.scalar(select(LineDelivery.boxes).where(*_period(prescription_id, line_number, renewal))) \
            or 0

    def periods_of(self, prescription_id: str) -> list[LineDelivery]:
        """Every line period of this ON delivered (or begun) here."""
        return list(self.session.scalars(select(LineDelivery).where(LineDelivery.prescription_id == prescription_id)
                                         .order_by(LineDelivery.line_number, LineDelivery.renewal)))

    def locked_period(self, prescription_id: str, line_number: int, renewal: int) -> LineDelivery | None:
        """The line's period, locked: the second of two counters waits for the first to commit."""
        return self.session.scalar(select(LineDelivery).where(*_period(prescription_id, line_number, renewal))
                                   .with_for_update())

    def claim_period(self, period: LineDelivery) -> bool:
        """Written at once; False when another counter created the same period meanwhile (its unique key)."""
        return self._inserted(period)

    # Reads of other capabilities' tables the ON needs (the pharmacy, operators, patients, the drug
    # reference, the outbox): kept here until their own repositories offer them.

    def pharmacy(self) -> m.Pharmacy | None:
        return self.session.scalars(select(m.Pharmacy).order_by(m.Pharmacy.id).limit(1)).first()

    def rpps_of(self, operator_id: int) -> str | None:
        row = self.session.get(m.Operator, operator_id)
        return row.rpps if row else None

    def patient(self, patient_id: int) -> m.Patient | None:
        return self.session.get(m.Patient, patient_id)

    def patients_to_choose(self, limit: int = 300) -> list[m.Patient]:
        return list(self.session.scalars(select(m.Patient).where(m.Patient.merged_into_id.is_(None))
                                         .order_by(m.Patient.last_name, m.Patient.first_name).limit(limit)))

    def patients_among(self, ids: set[int]) -> list[m.Patient]:
        return list(self.session.scalars(select(m.Patient).where(m.Patient.id.in_(ids))
                                         .order_by(m.Patient.last_name, m.Patient.first_name))) if ids else []

    def presentation(self, cip13: str) -> m.Presentation | None:
        return self.session.get(m.Presentation, cip13)

    def presentations_among(self, cip13s: list[str]) -> dict[str, m.Presentation]:
        """CIP13 -> presentation, for the boxes of a basket, in one query."""
        if not cip13s:
            return {}
        return {row.cip13: row for row in self.session.scalars(select(m.Presentation)
                                                                .where(m.Presentation.cip13.in_(set(cip13s))))}

    def presentations_of(self, cis: str) -> list[m.Presentation]:
        return list(self.session.scalars(select(m.Presentation).where(m.Presentation.cis == cis)
                                         .order_by(m.Presentation.cip13)))

    def specialty(self, cis: str) -> m.Specialty | None:
        return self.session.get(m.Specialty, cis)

    def generic_group_of(self, cis: str, *, kinds: tuple[int, ...]) -> set[str]:
        groups = select(m.GenericMember.group_id).where(m.GenericMember.cis == cis)
        return set(self.session.scalars(select(m.GenericMember.cis).where(m.GenericMember.group_id.in_(groups),
                                                                          m.GenericMember.kind.in_(kinds))))

    def generic_group_kinds(self, cis: str, *, kinds: tuple[int, ...]) -> dict[str, int]:
        """CIS -> kind of the members of `cis`'s generic group(s) among `kinds`, `cis` included when a member."""
        groups = select(m.GenericMember.group_id).where(m.GenericMember.cis == cis)
        rows = self.session.execute(select(m.GenericMember.cis, m.GenericMember.kind).where(
            m.GenericMember.group_id.in_(groups), m.GenericMember.kind.in_(kinds)))
        return {member: kind for member, kind in rows}

    def marketed_names(self, cises: set[str]) -> list[tuple[str, str]]:
        """(CIS, name) of the marketed specialties among `cises`, by name."""
        rows = self.session.execute(select(m.Specialty.cis, m.Specialty.name).where(
            m.Specialty.cis.in_(cises), m.Specialty.marketing_status == "Commercialisée").order_by(m.Specialty.name))
        return [(cis, name) for cis, name in rows]

    def outbox_statuses(self, keys: list[str]) -> dict[str, str]:
        """Idempotency key -> status of the outbox messages among `keys`."""
        rows = self.session.execute(select(OutboxMessage.idempotency_key, OutboxMessage.status)
                                    .where(OutboxMessage.idempotency_key.in_(keys)))
        return {key: status for key, status in rows}


def _period(prescription_id: str, line_number: int, renewal: int) -> tuple[ColumnElement[bool], ...]:
    return (LineDelivery.prescription_id == prescription_id, LineDelivery.line_number == line_number,
            LineDelivery.renewal == renewal)


class PrescriberRepository:
    """The prescriber's side: his profile, the ONs he issued, the consents recorded in patients' files."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def profile(self, operator_code: str) -> PrescriberProfile | None:
        return self.session.get(PrescriberProfile, operator_code)

    def add_profile(self, profile: PrescriberProfile) -> None:
        self.session.add(profile)

    def address_of(self, rpps: str) -> str:
        """The address on the profile of the prescriber with this RPPS ("" when none is known here)."""
        found = self.session.scalar(select(PrescriberProfile.address).where(PrescriberProfile.rpps == rpps).limit(1))
        return found or ""

    def consent(self, patient_id: int, kind: str) -> PatientConsent | None:
        return self.session.scalar(select(PatientConsent).where(PatientConsent.patient_id == patient_id,
                                                                PatientConsent.kind == kind))

    def add_consent(self, consent: PatientConsent) -> None:
        self.session.add(consent)

    def consents_of(self, patient_id: int) -> list[PatientConsent]:
        return list(self.session.scalars(select(PatientConsent).where(PatientConsent.patient_id == patient_id)
                                         .order_by(PatientConsent.kind)))

    def move_issued(self, from_id: int, to_id: int) -> int:
        """An identitovigilance merge: the ONs issued for the merged record go to the kept one; how many."""
        moved = self.session.execute(update(IssuedPrescription).where(IssuedPrescription.patient_id == from_id)
                                     .values(patient_id=to_id))
        return int(getattr(moved, "rowcount", 0) or 0)

    def issued(self, issued_id: int) -> IssuedPrescription | None:
        return self.session.get(IssuedPrescription, issued_id)

    def issued_by(self, operator_code: str, *, limit: int = 100) -> list[IssuedPrescription]:
        return list(self.session.scalars(select(IssuedPrescription)
                                         .where(IssuedPrescription.operator_code == operator_code)
                                         .order_by(IssuedPrescription.created_at.desc()).limit(limit)))

    def add_issued(self, issued: IssuedPrescription) -> None:
        self.session.add(issued)
        self.session.flush()

    def patient_ids_of(self, operator_code: str) -> set[int]:
        """The patients of the ONs this prescriber issued: the only records he may see."""
        return {i for i in self.session.scalars(select(IssuedPrescription.patient_id).distinct()
                                                .where(IssuedPrescription.operator_code == operator_code))
                if i is not None}

    def find_own_patients(self, operator_code: str, *, words: Sequence[str], born: date | None,
                          nir_prefix: str | None, limit: int) -> list[m.Patient]:
        """Among this prescriber's patients: each word in a used, first or birth name, the birth date, the
        start of the NIR; by name."""
        mine = select(IssuedPrescription.patient_id).where(IssuedPrescription.operator_code == operator_code)
        query = select(m.Patient).where(m.Patient.id.in_(mine))
        for word in words:
            pattern = f"%{like_escaped(word)}%"
            query = query.where(or_(m.Patient.last_name.ilike(pattern, escape="\\"),
                                    m.Patient.first_name.ilike(pattern, escape="\\"),
                                    m.Patient.birth_name.ilike(pattern, escape="\\")))
        if born is not None:
            query = query.where(m.Patient.birth_date == born)
        if nir_prefix:
            query = query.where(m.Patient.nir.startswith(nir_prefix, autoescape=True))
        return list(self.session.scalars(query.order_by(m.Patient.last_name, m.Patient.first_name, m.Patient.id)
                                         .limit(limit)))

    def add_patient(self, patient: m.Patient) -> None:
        self.session.add(patient)
        self.session.flush()
