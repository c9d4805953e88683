"""Use cases on patient records: search, read, create. Every read and write goes to the audit trail.

A new record is a provisional identity collected by hand (RNIV: status PROV, method SM). Its
typed NIR, if any, must be valid and agree with the declared sex, birth date and place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from comptoir.domain import bounds
from comptoir.domain.identity.ins import InsOid, ins_text
from comptoir.domain.identity.nir import check_nir, compact, contradictions
from comptoir.domain.identity.status import CollectionMethod, IdentityStatus
from comptoir.domain.operators import Permission
from comptoir.errors import FieldErrors, NotFound, RuleViolation, field_refusals
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
    """Refuse, in French and field by field, what cannot be a person's identity: nothing is written then."""
    errors = refusals(new, today=today)
    if errors:
        raise FieldErrors(errors)


def refusals(new: NewPatient, *, today: date, known: Mapping[str, str] | None = None) -> dict[str, str]:
    """{field: message} of what cannot be kept (with the `known` ones, found while reading the form); the NIR is
    compared with the rest of the identity only when the rest is right."""
    errors = _field_refusals(new, today) | dict(known or {})
    if new.nir and not errors:
        errors = field_refusals({"nir": lambda: _check_nir_agrees(new, today)})
    return errors


def _field_refusals(new: NewPatient, today: date) -> dict[str, str]:
    checks: dict[str, Callable[[], object]] = {
        "last_name": lambda: bounds.check_name(new.last_name, "Nom"),
        "first_name": lambda: bounds.check_name(new.first_name, "Prénom"),
        "sex": lambda: _check_sex(new.sex),
        "birth_date": lambda: bounds.check_typed_birth_date(new.birth_date, today=today),
        "birth_place": lambda: _check_place(new.birth_place),
        "allergies": lambda: _check_allergies(new.allergies)}
    if new.birth_name:
        checks["birth_name"] = lambda: bounds.check_name(new.birth_name or "", "Nom de naissance")
    if new.birth_given_names:
        checks["birth_given_names"] = lambda: bounds.check_name(new.birth_given_names or "", "Prénoms de naissance")
    if new.nir:
        checks["nir"] = lambda: _check_nir_valid(new.nir or "", today)
    return field_refusals(checks)


def _check_sex(sex: str) -> None:
    if sex not in ("F", "M"):
        raise RuleViolation("Sexe : F ou M.")


def _check_place(place: str | None) -> None:
    if place and not _PLACE.match(place.strip().upper()):
        raise RuleViolation("Le lieu de naissance est un code INSEE à 5 caractères (commune, 2A/2B, 97xxx ou 99xxx).")


def _check_allergies(allergies: tuple[str, ...]) -> None:
    if len(allergies) > 50 or any(len(a) > bounds.SHORT_TEXT_MAX for a in allergies):
        raise RuleViolation(f"Allergies : 50 au plus, de {bounds.SHORT_TEXT_MAX} caractères au plus chacune.")


def _check_nir_valid(nir: str, today: date) -> None:
    check = check_nir(nir, today=today)
    if not check.valid:
        raise RuleViolation(f"NIR refusé : {check.reason}")


def _check_nir_agrees(new: NewPatient, today: date) -> None:
    check = check_nir(new.nir or "", today=today)
    found = contradictions(check, sex=new.sex, birth_date=new.birth_date, birth_place=new.birth_place)
    if found:
        raise RuleViolation("NIR incohérent avec l'identité saisie : " + " ".join(found))


def typed_new_patient(values: Mapping[str, str], *, today: date) -> NewPatient:
    """The new patient of the creation form, as typed; refused field by field (`FieldErrors`) when it cannot be
    a person's identity."""
    born, problem = _typed_birth_date(values.get("birth_date", ""))
    new = NewPatient(values.get("last_name", ""), values.get("first_name", ""), born or today,
                     values.get("sex", ""), nir=_typed(values, "nir"), birth_name=_typed(values, "birth_name"),
                     birth_given_names=_typed(values, "birth_given_names"),
                     birth_place=_typed(values, "birth_place"))
    errors = refusals(new, today=today, known={"birth_date": problem} if problem else None)
    if errors:
        raise FieldErrors(errors)
    return new


def _typed(values: Mapping[str, str], name: str) -> str | None:
    return values.get(name, "").strip() or None


def _typed_birth_date(text: str) -> tuple[date | None, str]:
    try:
        return bounds.typed_date(text, "Date de naissance"), ""
    except RuleViolation as refused:
        return None, str(refused)


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
