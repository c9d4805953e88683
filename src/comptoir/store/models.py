"""SQLAlchemy 2 tables of the pharmacy: drug reference, operators, sessions, audit, patients.

Repositories own the SQL; these classes only describe the tables. Alembic builds every
database from `migrations/`, the test databases included.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# --- drug reference -------------------------------------------------------------------------


class RefdataRelease(Base):
    """One import of one source: where it came from, the date of its data, what it held."""

    __tablename__ = "refdata_release"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(Text)
    data_date: Mapped[date | None] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    counts: Mapped[dict[str, int]] = mapped_column(JSON)
    licence: Mapped[str] = mapped_column(Text, default="")


class Specialty(Base):
    """A BDPM specialty (CIS). Child tables carry the CIS without a foreign key: the BDPM
    itself lists presentations of a few CIS it does not describe, and we keep them."""

    __tablename__ = "specialty"
    cis: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    form: Mapped[str] = mapped_column(Text, default="")
    routes: Mapped[str] = mapped_column(Text, default="")
    amm_status: Mapped[str] = mapped_column(Text, default="")
    amm_procedure: Mapped[str] = mapped_column(Text, default="")
    marketing_status: Mapped[str] = mapped_column(Text, default="")
    amm_date: Mapped[date | None] = mapped_column(Date)
    bdm_status: Mapped[str] = mapped_column(Text, default="")
    holders: Mapped[str] = mapped_column(Text, default="")
    reinforced_monitoring: Mapped[bool] = mapped_column(Boolean, default=False)
    atc_code: Mapped[str | None] = mapped_column(String(8))
    atc_method: Mapped[str | None] = mapped_column(String(40))


class Presentation(Base):
    __tablename__ = "presentation"
    cip13: Mapped[str] = mapped_column(String(13), primary_key=True)
    cip7: Mapped[str] = mapped_column(String(7), index=True)
    cis: Mapped[str] = mapped_column(String(8), index=True)
    label: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, default="")
    marketing_state: Mapped[str] = mapped_column(Text, default="")
    marketing_date: Mapped[date | None] = mapped_column(Date)
    collectivities: Mapped[str] = mapped_column(String(10), default="")
    reimbursement_rate: Mapped[str] = mapped_column(String(40), default="")
    price_eur: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    price_with_fees_eur: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    fees_eur: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    indications: Mapped[str] = mapped_column(Text, default="")


class Substance(Base):
    __tablename__ = "substance"
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class Composition(Base):
    __tablename__ = "composition"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cis: Mapped[str] = mapped_column(String(8), index=True)
    element: Mapped[str] = mapped_column(Text, default="")
    substance_code: Mapped[str] = mapped_column(String(10), index=True)
    substance_name: Mapped[str] = mapped_column(Text)
    dosage: Mapped[str] = mapped_column(Text, default="")
    dosage_reference: Mapped[str] = mapped_column(Text, default="")
    nature: Mapped[str] = mapped_column(String(2))
    link_number: Mapped[int | None] = mapped_column(Integer)


class GenericGroup(Base):
    __tablename__ = "generic_group"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    label: Mapped[str] = mapped_column(Text)


class GenericMember(Base):
    __tablename__ = "generic_member"
    group_id: Mapped[int] = mapped_column(ForeignKey("generic_group.id"), primary_key=True)
    cis: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)
    kind: Mapped[int] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class PrescriptionCondition(Base):
    __tablename__ = "prescription_condition"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cis: Mapped[str] = mapped_column(String(8), index=True)
    condition: Mapped[str] = mapped_column(Text)


class AvailabilityAlert(Base):
    __tablename__ = "availability_alert"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cis: Mapped[str] = mapped_column(String(8), index=True)
    cip13: Mapped[str | None] = mapped_column(String(13))
    status_code: Mapped[int] = mapped_column(Integer)
    status_label: Mapped[str] = mapped_column(Text)
    started: Mapped[date | None] = mapped_column(Date)
    updated: Mapped[date | None] = mapped_column(Date)
    back_on: Mapped[date | None] = mapped_column(Date)
    link: Mapped[str] = mapped_column(Text, default="")


class HasOpinion(Base):
    """An opinion of the HAS Transparency Committee: SMR (medical benefit) or ASMR (improvement)."""

    __tablename__ = "has_opinion"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cis: Mapped[str] = mapped_column(String(8), index=True)
    kind: Mapped[str] = mapped_column(String(4))
    dossier: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    opinion_date: Mapped[date | None] = mapped_column(Date)
    value: Mapped[str] = mapped_column(Text, default="")
    label: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")


class ThesaurusProtagonist(Base):
    __tablename__ = "thesaurus_protagonist"
    name: Mapped[str] = mapped_column(String(300), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    see_also: Mapped[list[str]] = mapped_column(JSON)
    header_note: Mapped[str] = mapped_column(Text, default="")
    pdf_page: Mapped[int] = mapped_column(Integer, default=0)


class ThesaurusClassMember(Base):
    __tablename__ = "thesaurus_class_member"
    class_name: Mapped[str] = mapped_column(String(300), primary_key=True)
    substance: Mapped[str] = mapped_column(String(300), primary_key=True)


class ThesaurusInteraction(Base):
    __tablename__ = "thesaurus_interaction"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    protagonist_a: Mapped[str] = mapped_column(String(300), index=True)
    protagonist_b: Mapped[str] = mapped_column(String(300))
    level_raw: Mapped[str] = mapped_column(Text)
    levels: Mapped[str] = mapped_column(String(40))
    max_level: Mapped[str] = mapped_column(String(4))
    risk: Mapped[str] = mapped_column(Text)
    conduct: Mapped[str] = mapped_column(Text)
    pdf_page: Mapped[int] = mapped_column(Integer)
    block: Mapped[str] = mapped_column(String(20))


class ThesaurusSubstanceMap(Base):
    """Which BDPM substances a thesaurus name designates, and how we found out."""

    __tablename__ = "thesaurus_substance_map"
    thesaurus_name: Mapped[str] = mapped_column(String(300), primary_key=True)
    substance_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    method: Mapped[str] = mapped_column(String(20))


# --- operators, sessions, audit ----------------------------------------------------------------


class Operator(Base):
    __tablename__ = "operator"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(Text)
    rpps: Mapped[str | None] = mapped_column(String(11))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Who made the account ("cli" for the machine's owner); an account that would see health data, made by
    # someone who may not confirm it, stays inactive until a titulaire confirms it.
    created_by: Mapped[str | None] = mapped_column(String(40))
    awaiting_confirmation: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class OperatorSession(Base):
    __tablename__ = "operator_session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"), index=True)
    workstation: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Opened by Pro Santé Connect: who PSC says the operator is, and the access token national services check
    # (sealed with a key drawn from the session token, which only the operator's browser holds).
    psc_id_nat: Mapped[str | None] = mapped_column(String(20))
    psc_profession: Mapped[str | None] = mapped_column(String(4))
    psc_structure: Mapped[str | None] = mapped_column(String(20))
    psc_means: Mapped[str | None] = mapped_column(String(10))
    psc_access_token: Mapped[str | None] = mapped_column(Text)
    psc_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    psc_id_token: Mapped[str | None] = mapped_column(Text)


class LoginFailure(Base):
    __tablename__ = "login_failure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    operator_code: Mapped[str] = mapped_column(String(40), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    workstation: Mapped[str] = mapped_column(String(80), default="")
    address: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)
    """The client's network address ("" when unknown): failures are throttled per address too."""


class AuditEntry(Base):
    """One read or write of health data. `hash` covers the entry and the previous hash."""

    __tablename__ = "audit_entry"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    operator_code: Mapped[str] = mapped_column(String(40))
    workstation: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(10))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(80))
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(12), default="", server_default="")
    """The key that sealed `hash` ("" for entries sealed before keys: plain SHA-256)."""

    __table_args__ = (Index("ix_audit_entry_object", "object_type", "object_id"),)


class AuditHead(Base):
    """The chain's last link. Writers lock this single row, which serialises the chain."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


# --- pharmacy and patients ---------------------------------------------------------------------


class Pharmacy(Base):
    __tablename__ = "pharmacy"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    finess: Mapped[str] = mapped_column(String(9))
    address: Mapped[str] = mapped_column(Text, default="")


class Patient(Base):
    __tablename__ = "patient"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_name: Mapped[str] = mapped_column(Text)
    first_name: Mapped[str] = mapped_column(Text)
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    nir: Mapped[str | None] = mapped_column(String(15))
    allergies: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Identity (SPEC §1.2–1.4). last_name / first_name are the used names; `nir` holds the
    # matricule INS (NIR or NIA, told apart by `nir_oid`). The traits INS are the birth ones.
    birth_name: Mapped[str | None] = mapped_column(Text)
    birth_given_names: Mapped[str | None] = mapped_column(Text)
    birth_place: Mapped[str | None] = mapped_column(String(5))
    nir_oid: Mapped[str | None] = mapped_column(String(30))
    identity_status: Mapped[str] = mapped_column(String(5), default="PROV", server_default="PROV")
    identity_attributes: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    collection_method: Mapped[str] = mapped_column(String(5), default="SM", server_default="SM")
    trust_document: Mapped[str | None] = mapped_column(String(5))
    document_prompts_left: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_prompt_on: Mapped[date | None] = mapped_column(Date)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    # Profile (domain/identity/profile.py): what a prescription is analysed against besides age and sex. The
    # pregnancy keeps the first day of amenorrhoea, not a term, so that the term advances by itself.
    pregnant: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    amenorrhoea_start: Mapped[date | None] = mapped_column(Date)
    breastfeeding: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    weight_on: Mapped[date | None] = mapped_column(Date)
    egfr: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    """Estimated glomerular filtration rate, ml/min/1,73 m²."""
    egfr_on: Mapped[date | None] = mapped_column(Date)


# --- patient identity: history, INSi answers, identitovigilance ----------------------------------


class IdentityEvent(Base):
    """One change of a patient's identity: who, when, why, what changed (RNIV traceability)."""

    __tablename__ = "identity_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    operator_code: Mapped[str] = mapped_column(String(40))
    workstation: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    status_before: Mapped[str] = mapped_column(String(5))
    status_after: Mapped[str] = mapped_column(String(5))
    changes: Mapped[dict[str, list[str | None]]] = mapped_column(JSON, default=dict)


class InsiAnswer(Base):
    """What the INSi answered for a patient, kept until the operator confirms or drops it."""

    __tablename__ = "insi_answer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    operator_code: Mapped[str] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(5))
    outcome: Mapped[str] = mapped_column(String(12))
    identity: Mapped[dict[str, str] | None] = mapped_column(JSON)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DuplicateReview(Base):
    """A pair of records that identitovigilance wants a person to look at."""

    __tablename__ = "duplicate_review"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding: Mapped[str] = mapped_column(String(12))
    first_patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    second_patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(12), default="a_revoir")
    detected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("first_patient_id", "second_patient_id", name="uq_duplicate_review_pair"),)


class PatientMerge(Base):
    """Two records of one person made one: the merged record stays, pointing to the kept one."""

    __tablename__ = "patient_merge"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    operator_code: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    merged_snapshot: Mapped[dict[str, object]] = mapped_column(JSON)
