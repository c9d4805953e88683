"""Identify a patient from a carte Vitale (then the INSi) or from the appli carte Vitale (qualified at once).

Reading a card is a visit: the "no document presented" reminder counts it (SPEC §15.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from comptoir.domain.identity.ins import InsIdentity, ins_text
from comptoir.domain.identity.qualification import after_vitale_app
from comptoir.domain.identity.status import CollectionMethod, TrustDocument
from comptoir.domain.identity.vitale import VitaleBeneficiary, VitaleCard, VitaleMedium
from comptoir.domain.operators import Permission
from comptoir.errors import NotFound, RuleViolation
from comptoir.national.ins.port import CardQuery, InsTeleservice
from comptoir.services.identity.history import change_identity
from comptoir.services.identity.patient_identity import register_visit
from comptoir.services.identity.patients import NewPatient, actor_of, create_patient
from comptoir.services.identity.qualify_identity import InsiProposal, _ins_values, _refuse_collision, ask_insi
from comptoir.services.platform.audit_log import record_access
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m


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


def find_beneficiary(session: Session, person: VitaleBeneficiary) -> m.Patient | None:
    """A record of this person: by matricule when the app brings it, else same birth date, name and first name."""
    if person.ins is not None:
        found = session.scalars(select(m.Patient).where(m.Patient.nir == person.ins.matricule,
                                                        m.Patient.merged_into_id.is_(None))).first()
        if found is not None:
            return found
    names, first = {ins_text(person.birth_name), ins_text(person.used_name)}, ins_text(person.first_name).split(" ")[0]
    born = session.scalars(select(m.Patient).where(m.Patient.birth_date == person.birth_date,
                                                   m.Patient.merged_into_id.is_(None)).order_by(m.Patient.id))
    return next((p for p in born if names & {ins_text(p.birth_name or ""), ins_text(p.last_name)}
                 and first in ins_text(f"{p.birth_given_names or ''} {p.first_name}").split(" ")), None)


def identify_from_card(session: Session, operator: CurrentOperator, card: VitaleCard, index: int, *,
                       insi: InsTeleservice, now: datetime) -> Identified:
    """Find or create the record, then ask the INSi with the card's data (one transaction)."""
    operator.require(Permission.QUALIFY_IDENTITY)
    if card.medium is not VitaleMedium.CARD:
        raise RuleViolation("Lecture de l'application carte Vitale : utilisez l'identification par l'application.")
    person = beneficiary_of(card, index)
    patient, created = _found_or_created(session, operator, card, person, CollectionMethod.VITALE_CARD, now)
    query = CardQuery(card.holder_nir, person.used_name, person.first_name, person.birth_date, person.birth_rank)
    proposal = ask_insi(session, operator, patient.id, insi=insi, card=query, now=now)
    return Identified(patient, created, register_visit(patient, today=now.date()), proposal)


def identify_from_app(session: Session, operator: CurrentOperator, card: VitaleCard, index: int, *,
                      now: datetime) -> Identified:
    """The appli carte Vitale brings the INS already qualified: no INSi call, no document asked."""
    operator.require(Permission.QUALIFY_IDENTITY)
    person = beneficiary_of(card, index)
    if card.medium is not VitaleMedium.APP or person.ins is None:
        raise RuleViolation("Cette lecture ne vient pas de l'application carte Vitale : l'INS doit être qualifié.")
    patient, created = _found_or_created(session, operator, card, person, CollectionMethod.VITALE_APP, now)
    _take_app_identity(session, operator, patient, person.ins, now)
    return Identified(patient, created, False)


def _take_app_identity(session: Session, operator: CurrentOperator, patient: m.Patient, identity: InsIdentity,
                       now: datetime) -> None:
    _refuse_collision(session, patient, identity)
    values = _ins_values(identity) | {"identity_status": after_vitale_app().value,
                                      "collection_method": CollectionMethod.VITALE_APP.value,
                                      "trust_document": TrustDocument.VITALE_APP.value, "document_prompts_left": 0}
    change_identity(session, patient, actor_of(operator), kind="appli", reason="identité qualifiée portée par "
                    "l'application carte Vitale", values=values, now=now)


def _found_or_created(session: Session, operator: CurrentOperator, card: VitaleCard, person: VitaleBeneficiary,
                      method: CollectionMethod, now: datetime) -> tuple[m.Patient, bool]:
    holder_nir = card.holder_nir
    found = find_beneficiary(session, person)
    if found is not None:
        record_access(session, actor_of(operator), action="read", object_type="patient", object_id=str(found.id),
                      detail=f"identification : {method.label.lower()}", now=now)
        return found, False
    sex = person.ins.traits.sex if person.ins else _sex_from_card(holder_nir, person)
    new = NewPatient(person.used_name, person.first_name, person.birth_date, sex,
                     birth_name=person.birth_name, birth_given_names=person.first_name)
    return create_patient(session, operator, new, now=now, method=method), True


def _sex_from_card(card_holder_nir: str, person: VitaleBeneficiary) -> str:
    # The holder's sex is the first digit of the card's NIR; a beneficiary's comes from the card data.
    if person.sex in ("F", "M"):
        return person.sex
    if person.quality.startswith("assur") and card_holder_nir[:1] in ("1", "2"):
        return "M" if card_holder_nir[0] == "1" else "F"
    raise RuleViolation("La carte ne dit pas le sexe de ce bénéficiaire : créez le dossier à la main.")
