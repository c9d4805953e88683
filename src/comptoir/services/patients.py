"""Use cases on patient records. Every read and write is written to the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from comptoir.domain.operators import Permission
from comptoir.errors import NotFound, RuleViolation
from comptoir.refdata.search import fold
from comptoir.services.audit_log import Actor, record_access
from comptoir.services.operators import CurrentOperator
from comptoir.store import models as m


@dataclass(frozen=True, slots=True)
class NewPatient:
    last_name: str
    first_name: str
    birth_date: date
    sex: str
    nir: str | None = None
    allergies: tuple[str, ...] = ()


def _actor(operator: CurrentOperator) -> Actor:
    return Actor(operator.code, operator.workstation)


def find_patients(session: Session, operator: CurrentOperator, query: str, *, now: datetime) -> list[m.Patient]:
    operator.require(Permission.READ_PATIENTS)
    pattern = f"%{query.strip()}%"
    rows = list(session.scalars(
        select(m.Patient).where(or_(m.Patient.last_name.ilike(pattern), m.Patient.first_name.ilike(pattern)))
        .order_by(m.Patient.last_name, m.Patient.first_name).limit(50)
    ))
    needle = fold(query.strip())
    rows = rows or [p for p in session.scalars(select(m.Patient)) if needle in fold(f"{p.last_name} {p.first_name}")]
    record_access(session, _actor(operator), action="read", object_type="patient_search", object_id=query[:80],
                  detail=f"{len(rows)} résultat(s): " + ",".join(str(p.id) for p in rows[:50]), now=now)
    return rows


def read_patient(session: Session, operator: CurrentOperator, patient_id: int, *, now: datetime) -> m.Patient:
    operator.require(Permission.READ_PATIENTS)
    patient = session.get(m.Patient, patient_id)
    if patient is None:
        raise NotFound(f"Aucun patient n° {patient_id}.")
    record_access(session, _actor(operator), action="read", object_type="patient", object_id=str(patient_id),
                  now=now)
    return patient


def create_patient(session: Session, operator: CurrentOperator, new: NewPatient, *, now: datetime) -> m.Patient:
    operator.require(Permission.WRITE_PATIENTS)
    if not new.last_name.strip() or not new.first_name.strip() or new.sex not in ("F", "M"):
        raise RuleViolation("Nom, prénom et sexe (F ou M) sont obligatoires.")
    if new.birth_date > now.date():
        raise RuleViolation("La date de naissance est dans le futur.")
    patient = m.Patient(last_name=new.last_name.strip().upper(), first_name=new.first_name.strip(),
                        birth_date=new.birth_date, sex=new.sex, nir=new.nir, allergies=list(new.allergies),
                        created_at=now)
    session.add(patient)
    session.flush()
    record_access(session, _actor(operator), action="write", object_type="patient", object_id=str(patient.id),
                  detail="création", now=now)
    return patient
