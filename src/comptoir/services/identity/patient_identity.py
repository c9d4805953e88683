"""A patient's identity as the counter sees it (the INS panel), its traits and attributes, and the
rule later capabilities call before sharing the INS (DMP, MSSanté)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from comptoir.domain import bounds
from comptoir.domain.identity.ins import InsIdentity, InsOid, InsTraits, ins_text
from comptoir.domain.identity.nir import NirCheck, check_nir, format_nir
from comptoir.domain.identity.qualification import sharing_refusal
from comptoir.domain.identity.status import (
    BLOCKING_ATTRIBUTES,
    CollectionMethod,
    IdentityAttribute,
    IdentityStatus,
    TrustDocument,
)
from comptoir.domain.operators import Permission
from comptoir.errors import NotFound, RuleViolation
from comptoir.services.identity.history import change_identity
from comptoir.services.identity.patients import actor_of
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class IdentityPanel:
    """What the INS panel shows for one record."""

    status: IdentityStatus
    attributes: tuple[IdentityAttribute, ...]
    method: CollectionMethod
    document: TrustDocument | None
    nir: NirCheck | None
    nir_printed: str
    oid: InsOid | None
    traits: InsTraits
    sharing_refusal: str
    ask_for_document: bool

    @property
    def qualified(self) -> bool:
        return self.status is IdentityStatus.QUALIFIED


def status_of(patient: m.Patient) -> IdentityStatus:
    return IdentityStatus(patient.identity_status)


def traits_of(patient: m.Patient) -> InsTraits:
    """The record's traits INS (birth ones; the used names stand in while the birth ones are unknown)."""
    return InsTraits(patient.birth_name or patient.last_name, patient.birth_given_names or patient.first_name,
                     patient.birth_date, patient.sex, patient.birth_place or "")


def ins_of(patient: m.Patient) -> InsIdentity | None:
    if not patient.nir:
        return None
    return InsIdentity(patient.nir, InsOid(patient.nir_oid or InsOid.NIR.value), traits_of(patient))


def panel(patient: m.Patient, *, today: date) -> IdentityPanel:
    status = status_of(patient)
    return IdentityPanel(
        status=status, attributes=tuple(IdentityAttribute(a) for a in patient.identity_attributes),
        method=CollectionMethod(patient.collection_method),
        document=TrustDocument(patient.trust_document) if patient.trust_document else None,
        nir=check_nir(patient.nir, today=today) if patient.nir else None,
        nir_printed=format_nir(patient.nir) if patient.nir else "",
        oid=InsOid(patient.nir_oid) if patient.nir_oid else None, traits=traits_of(patient),
        sharing_refusal=sharing_refusal(status, patient.nir, patient.identity_attributes),
        ask_for_document=status in (IdentityStatus.PROVISIONAL, IdentityStatus.RETRIEVED)
        and patient.last_prompt_on == today)


def require_qualified_ins(patient: m.Patient) -> InsIdentity:
    """The patient's INS if it may feed the DMP or go in an MSSanté message; else `RuleViolation` saying why."""
    reason = sharing_refusal(status_of(patient), patient.nir, patient.identity_attributes)
    identity = ins_of(patient)
    if reason or identity is None:
        raise RuleViolation(reason)
    return identity


def load_for_change(uow: UnitOfWork, patient_id: int) -> m.Patient:
    """The record, locked, if it may still change: a merged record is changed through the kept one."""
    patient = uow.patients.for_change(patient_id)
    if patient is None:
        raise NotFound(f"Aucun patient n° {patient_id}.")
    if patient.merged_into_id is not None:
        raise RuleViolation(f"Ce dossier a été fusionné dans le dossier n° {patient.merged_into_id} : "
                            "modifiez celui-ci.")
    return patient


def set_attribute(patient_id: int, attribute: IdentityAttribute, *, present: bool, reason: str, uow: UnitOfWork,
                  operator: CurrentOperator, now: datetime) -> m.Patient:
    """Add or remove an RNIV attribute; a doubtful, fictitious or usurped identity goes back to provisional."""
    operator.require(Permission.QUALIFY_IDENTITY)
    if not reason.strip():
        raise RuleViolation("Indiquez le motif du changement d'attribut.")
    with uow:
        patient = load_for_change(uow, patient_id)
        change_identity(uow, patient, actor_of(operator), kind="attribut", reason=reason.strip(),
                        values=_attribute_values(patient, attribute, present), now=now)
        uow.commit()
    return patient


def _attribute_values(patient: m.Patient, attribute: IdentityAttribute, present: bool) -> dict[str, object]:
    attributes = [a for a in patient.identity_attributes if a != attribute.value] + ([attribute.value] if present
                                                                                      else [])
    values: dict[str, object] = {"identity_attributes": attributes}
    if present and attribute in BLOCKING_ATTRIBUTES:
        values["identity_status"] = IdentityStatus.PROVISIONAL.value
    return values


def update_traits(patient_id: int, traits: InsTraits, *, reason: str, uow: UnitOfWork, operator: CurrentOperator,
                  now: datetime) -> m.Patient:
    """Correct the traits by hand. RNIV [U]: a changed trait makes the identity provisional again."""
    operator.require(Permission.QUALIFY_IDENTITY)
    if not reason.strip():
        raise RuleViolation("Indiquez le motif de la modification de l'identité.")
    check_traits(traits, today=now.date())
    with uow:
        patient = load_for_change(uow, patient_id)
        change_identity(uow, patient, actor_of(operator), kind="traits", reason=reason.strip(),
                        values=_traits_values(patient, traits), now=now)
        uow.commit()
    return patient


def check_traits(traits: InsTraits, *, today: date) -> None:
    """Typed traits a person can have: names of letters (100 at most), a birth date in the past."""
    bounds.check_name(traits.birth_name, "Nom de naissance")
    bounds.check_name(traits.birth_given_names, "Prénoms de naissance")
    bounds.check_birth_date(traits.birth_date, today=today)
    if traits.sex not in ("F", "M"):
        raise RuleViolation("Sexe : F ou M.")


def _traits_values(patient: m.Patient, traits: InsTraits) -> dict[str, object]:
    new = traits.normalised()
    values: dict[str, object] = {"birth_name": new.birth_name, "birth_given_names": new.birth_given_names,
                                 "birth_date": new.birth_date, "sex": new.sex, "birth_place": new.birth_place or None}
    if traits_of(patient).normalised() != new:
        values |= {"identity_status": IdentityStatus.PROVISIONAL.value, "trust_document": None}
    return values


def register_visit(patient: m.Patient, *, today: date) -> bool:
    """A new visit at the counter: True when the document must be asked for again (once a day at most)."""
    if patient.document_prompts_left <= 0 or patient.last_prompt_on == today:
        return False
    if status_of(patient) in (IdentityStatus.VALIDATED, IdentityStatus.QUALIFIED):
        patient.document_prompts_left = 0
        return False
    patient.document_prompts_left -= 1
    patient.last_prompt_on = today
    return True


def used_names(patient: m.Patient) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for n in (ins_text(patient.birth_name or ""), ins_text(patient.last_name)) if n))
