"""Identify a patient from a carte Vitale (then the INSi) or from the appli carte Vitale (qualified at once).

Reading a card is a visit: the "no document presented" reminder counts it (SPEC §15.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.domain.identity.ins import InsIdentity, ins_text
from comptoir.domain.identity.qualification import after_vitale_app
from comptoir.domain.identity.status import CollectionMethod, TrustDocument
from comptoir.domain.identity.vitale import VitaleBeneficiary, VitaleCard, VitaleMedium
from comptoir.domain.operators import Permission
from comptoir.errors import NotFound, RuleViolation
from comptoir.national.ins.port import CardQuery, InsTeleservice
from comptoir.services.identity.history import change_identity
from comptoir.services.identity.patient_identity import load_for_change, register_visit
from comptoir.services.identity.patients import NewPatient, actor_of, add_patient, may_create
from comptoir.services.identity.qualify_identity import InsiProposal, ins_values, keep_answer, refuse_collision
from comptoir.services.platform.audit_log import audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Identified:
    patient: m.Patient
    created: bool
    ask_for_document: bool
    proposal: InsiProposal | None = None


def beneficiary_of(card: VitaleCard, index: int) -> VitaleBeneficiary:
    if not 0 <= index < len(card.beneficiaries):
        raise NotFound(f"La carte ne porte pas de bénéficiaire n° {index + 1}.")
    return card.beneficiary(index)


def find_beneficiary(uow: UnitOfWork, person: VitaleBeneficiary) -> m.Patient | None:
    """A record of this person: by matricule when the app brings it, else same birth date, name and first name."""
    if person.ins is not None:
        found = uow.patients.active_with_matricule(person.ins.matricule)
        if found is not None:
            return found
    names, first = {ins_text(person.birth_name), ins_text(person.used_name)}, ins_text(person.first_name).split(" ")[0]
    return next((p for p in uow.patients.active_born_on(person.birth_date)
                 if names & {ins_text(p.birth_name or ""), ins_text(p.last_name)}
                 and first in ins_text(f"{p.birth_given_names or ''} {p.first_name}").split(" ")), None)


def identify_from_card(card: VitaleCard, index: int, *, uow: UnitOfWork, operator: CurrentOperator,
                       insi: InsTeleservice, now: datetime) -> Identified:
    """Find or create the record, and ask the INSi with the card's data: the record is written only with the
    INSi's answer (one transaction, after the INSi has answered)."""
    operator.require(Permission.QUALIFY_IDENTITY)
    if card.medium is not VitaleMedium.CARD:
        raise RuleViolation("Lecture de l'application carte Vitale : utilisez l'identification par l'application.")
    person = beneficiary_of(card, index)
    with uow:
        _refuse_what_could_not_be_created(uow, operator, card, person, now)
    answer = insi.search_by_card(CardQuery(card.holder_nir, person.used_name, person.first_name, person.birth_date,
                                           person.birth_rank))
    with uow:
        patient, created = _found_or_created(uow, operator, card, person, CollectionMethod.VITALE_CARD, now)
        proposal = keep_answer(uow, operator, load_for_change(uow, patient.id), answer,
                               method=CollectionMethod.VITALE_CARD, now=now)
        found = Identified(patient, created, register_visit(patient, today=now.date()), proposal)
        uow.commit()
    return found


def _refuse_what_could_not_be_created(uow: UnitOfWork, operator: CurrentOperator, card: VitaleCard,
                                      person: VitaleBeneficiary, now: datetime) -> None:
    # Before the INSi is asked, as when the record was created first: a refusal never waits for the INSi.
    if find_beneficiary(uow, person) is None:
        may_create(operator, _new_patient(card, person), now=now)


def identify_from_app(card: VitaleCard, index: int, *, uow: UnitOfWork, operator: CurrentOperator,
                      now: datetime) -> Identified:
    """The appli carte Vitale brings the INS already qualified: no INSi call, no document asked."""
    operator.require(Permission.QUALIFY_IDENTITY)
    person = beneficiary_of(card, index)
    if card.medium is not VitaleMedium.APP or person.ins is None:
        raise RuleViolation("Cette lecture ne vient pas de l'application carte Vitale : l'INS doit être qualifié.")
    with uow:
        patient, created = _found_or_created(uow, operator, card, person, CollectionMethod.VITALE_APP, now)
        _take_app_identity(uow, operator, patient, person.ins, now)
        uow.commit()
    return Identified(patient, created, False)


def _take_app_identity(uow: UnitOfWork, operator: CurrentOperator, patient: m.Patient, identity: InsIdentity,
                       now: datetime) -> None:
    refuse_collision(uow, patient, identity)
    values = ins_values(identity) | {"identity_status": after_vitale_app().value,
                                     "collection_method": CollectionMethod.VITALE_APP.value,
                                     "trust_document": TrustDocument.VITALE_APP.value, "document_prompts_left": 0}
    change_identity(uow, patient, actor_of(operator), kind="appli", reason="identité qualifiée portée par "
                    "l'application carte Vitale", values=values, now=now)


def _found_or_created(uow: UnitOfWork, operator: CurrentOperator, card: VitaleCard, person: VitaleBeneficiary,
                      method: CollectionMethod, now: datetime) -> tuple[m.Patient, bool]:
    found = find_beneficiary(uow, person)
    if found is not None:
        audit(uow, actor_of(operator), action="read", object_type="patient", object_id=str(found.id),
              detail=f"identification : {method.label.lower()}", now=now)
        return found, False
    return add_patient(uow, operator, _new_patient(card, person), now=now, method=method), True


def _new_patient(card: VitaleCard, person: VitaleBeneficiary) -> NewPatient:
    sex = person.ins.traits.sex if person.ins else _sex_from_card(card.holder_nir, person)
    return NewPatient(person.used_name, person.first_name, person.birth_date, sex,
                      birth_name=person.birth_name, birth_given_names=person.first_name)


def _sex_from_card(card_holder_nir: str, person: VitaleBeneficiary) -> str:
    # The holder's sex is the first digit of the card's NIR; a beneficiary's comes from the card data.
    if person.sex in ("F", "M"):
        return person.sex
    if person.quality.startswith("assur") and card_holder_nir[:1] in ("1", "2"):
        return "M" if card_holder_nir[0] == "1" else "F"
    raise RuleViolation("La carte ne dit pas le sexe de ce bénéficiaire : créez le dossier à la main.")
