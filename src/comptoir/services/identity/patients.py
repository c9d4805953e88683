"""Use cases on patient records: search, read, create. Every read and write goes to the audit trail.

A new record is a provisional identity collected by hand (RNIV: status PROV, method SM). Its
typed NIR, if any, must be valid and agree with the declared sex, birth date and place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from comptoir.domain import bounds
from comptoir.domain.identity.ins import InsOid, ins_text
from comptoir.domain.identity.nir import check_nir, compact, contradictions
from comptoir.domain.identity.status import CollectionMethod, IdentityStatus
from comptoir.domain.operators import Permission
from comptoir.errors import NotFound, RuleViolation
from comptoir.refdata.search import fold
from comptoir.services.identity.history import change_identity
from comptoir.services.platform.audit_log import Actor, audit, search_digest
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m

if TYPE_CHECKING:

    from comptoir.services.platform.unit_of_work import UnitOfWork

Patient = m.Patient
"""A patient record, as the use cases hand it to pages (they read it, they do not query)."""

OLDEST_BIRTH = bounds.OLDEST_BIRTH
SEARCH_MIN = 2
"""Letters or digits a search needs: fewer (or only `%`) would list every patient."""
_PLACE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


@dataclass(frozen=True, slots=True)
class NewPatient:
    last_name: str
    first_name: str
    birth_date: date
    sex: str
    nir: str | None = None
    allergies: tuple[str, ...] = ()
    birth_name: str | None = None
    birth_given_names: str | None = None
    birth_place: str | None = None


def actor_of(operator: CurrentOperator) -> Actor:
    return Actor(operator.code, operator.workstation)


def find_patients(query: str, /, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> list[Patient]:
    """By used or birth name, first name, or matricule; merged records are left out. The search is audited."""
    operator.require(Permission.READ_PATIENTS)
    check_search(query)
    with uow:
        rows = _matching(uow, query)
        # The text typed (a name, a NIR) is not kept: its keyed digest lets the titulaire check a given text.
        audit(uow, actor_of(operator), action="read", object_type="patient_search",
              object_id=search_digest(uow, query),
              detail=f"{len(rows)} résultat(s): " + ",".join(str(p.id) for p in rows[:50]), now=now)
        uow.commit()
    return rows


def check_search(query: str) -> None:
    if sum(c.isalnum() for c in query) < SEARCH_MIN or len(query) > bounds.NAME_MAX:
        raise RuleViolation(f"Recherche : au moins {SEARCH_MIN} lettres ou chiffres, {bounds.NAME_MAX} caractères "
                            "au plus.")


def _matching(uow: UnitOfWork, query: str) -> list[Patient]:
    digits = compact(query)
    prefix = digits if len(digits) >= 5 and digits[:5].isdigit() else None
    return uow.patients.find_by_name(query.strip(), matricule_prefix=prefix) or _fuzzy(uow, query)


def _fuzzy(uow: UnitOfWork, query: str) -> list[Patient]:
    needle = fold(query.strip())
    return [p for p in uow.patients.active() if needle in fold(f"{p.last_name} {p.first_name} {p.birth_name or ''}")
            ][:50]


def read_patient(patient_id: int, /, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> Patient:
    """One record (merged ones too: they are kept); the reading is audited."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        patient = read(uow, operator, patient_id, now=now)
        uow.commit()
    return patient


def read(uow: UnitOfWork, operator: CurrentOperator, patient_id: int, *, now: datetime) -> Patient:
    """Inside a use case's unit of work: the record, its reading audited."""
    patient = uow.patients.by_id(patient_id)
    if patient is None:
        raise NotFound(f"Aucun patient n° {patient_id}.")
    audit(uow, actor_of(operator), action="read", object_type="patient", object_id=str(patient_id), now=now)
    return patient


def check_new_patient(new: NewPatient, *, today: date) -> None:
    """Refuse, in French, what cannot be a person's identity: nothing is written then."""
    if not new.last_name.strip() or not new.first_name.strip() or new.sex not in ("F", "M"):
        raise RuleViolation("Nom, prénom et sexe (F ou M) sont obligatoires.")
    _check_names(new)
    bounds.check_birth_date(new.birth_date, today=today)
    if new.birth_place and not _PLACE.match(new.birth_place.strip().upper()):
        raise RuleViolation("Le lieu de naissance est un code INSEE à 5 caractères (commune, 2A/2B, 97xxx ou 99xxx).")
    if new.nir:
        _check_typed_nir(new, today)


def _check_names(new: NewPatient) -> None:
    bounds.check_name(new.last_name, "Nom")
    bounds.check_name(new.first_name, "Prénom")
    if new.birth_name:
        bounds.check_name(new.birth_name, "Nom de naissance")
    if new.birth_given_names:
        bounds.check_name(new.birth_given_names, "Prénoms de naissance")
    if len(new.allergies) > 50 or any(len(a) > bounds.SHORT_TEXT_MAX for a in new.allergies):
        raise RuleViolation(f"Allergies : 50 au plus, de {bounds.SHORT_TEXT_MAX} caractères au plus chacune.")


def _check_typed_nir(new: NewPatient, today: date) -> None:
    check = check_nir(new.nir or "", today=today)
    if not check.valid:
        raise RuleViolation(f"NIR refusé : {check.reason}")
    found = contradictions(check, sex=new.sex, birth_date=new.birth_date, birth_place=new.birth_place)
    if found:
        raise RuleViolation("NIR incohérent avec l'identité saisie : " + " ".join(found))


def create_patient(new: NewPatient, /, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime,
                   method: CollectionMethod = CollectionMethod.MANUAL) -> Patient:
    """A new record, provisional; refused (nothing written) when the identity cannot be a person's."""
    with uow:
        patient = add_patient(uow, operator, new, now=now, method=method)
        uow.commit()
    return patient


def may_create(operator: CurrentOperator, new: NewPatient, *, now: datetime) -> None:
    operator.require(Permission.WRITE_PATIENTS)
    check_new_patient(new, today=now.date())


def add_patient(uow: UnitOfWork, operator: CurrentOperator, new: NewPatient, *, now: datetime,
                method: CollectionMethod) -> Patient:
    """Inside a use case's unit of work: create the record and write its first identity event."""
    may_create(operator, new, now=now)
    patient = m.Patient(last_name=new.last_name.strip().upper(), first_name=new.first_name.strip(),
                        birth_date=new.birth_date, sex=new.sex, allergies=list(new.allergies), created_at=now,
                        identity_status=IdentityStatus.PROVISIONAL.value, identity_attributes=[],
                        collection_method=method.value, document_prompts_left=0)
    uow.patients.add(patient)
    nir = compact(new.nir) if new.nir else None
    change_identity(uow, patient, actor_of(operator), kind="creation", reason=f"création ({method.label.lower()})",
                    values={"birth_name": ins_text(new.birth_name or new.last_name),
                            "birth_given_names": ins_text(new.birth_given_names or new.first_name),
                            "birth_place": (new.birth_place or "").strip().upper() or None,
                            "nir": nir, "nir_oid": InsOid.NIR.value if nir else None}, now=now)
    return patient
