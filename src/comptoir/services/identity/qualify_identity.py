"""Qualification at the counter (SPEC §1.3, §15.1): ask the INSi, show its traits beside the record,
let the operator confirm the identity, then record the high-trust document.

Each step is one transaction. A failing INSi (down, slow, several identities, no identity) raises
or answers before anything is written: the status never changes on a half-done step. The INSi's
answer is kept (`InsiAnswer`) so the confirmation uses what the service said, not what a form sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from comptoir.domain.identity.ins import InsIdentity, InsOid, InsTraits, TraitDifference, differences
from comptoir.domain.identity.nir import check_nir
from comptoir.domain.identity.qualification import after_document, after_insi_match
from comptoir.domain.identity.status import CollectionMethod, DocumentOutcome, IdentityAttribute, TrustDocument
from comptoir.domain.operators import Permission
from comptoir.errors import Conflict, NotFound, RuleViolation
from comptoir.national.ins.port import CardQuery, InsTeleservice, SearchAnswer, SearchOutcome, TraitsQuery
from comptoir.services.identity.history import change_identity
from comptoir.services.identity.patient_identity import load_for_change, status_of, traits_of
from comptoir.services.identity.patients import actor_of
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m

ANSWER_VALIDITY = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class InsiProposal:
    """An INSi answer for a patient, ready to be shown beside the record."""

    answer_id: int
    outcome: SearchOutcome
    method: CollectionMethod
    identity: InsIdentity | None
    differences: tuple[TraitDifference, ...]

    @property
    def message(self) -> str:
        return self.outcome.message


def identity_json(identity: InsIdentity) -> dict[str, str]:
    t = identity.traits
    return {"matricule": identity.matricule, "oid": identity.oid.value, "birth_name": t.birth_name,
            "birth_given_names": t.birth_given_names, "birth_date": t.birth_date.isoformat(), "sex": t.sex,
            "birth_place": t.birth_place}


def identity_from_json(data: dict[str, Any]) -> InsIdentity:
    traits = InsTraits(data["birth_name"], data["birth_given_names"], date.fromisoformat(data["birth_date"]),
                       data["sex"], data["birth_place"])
    return InsIdentity(data["matricule"], InsOid(data["oid"]), traits)


def proposal_of(patient: m.Patient, answer: m.InsiAnswer) -> InsiProposal:
    identity = identity_from_json(answer.identity) if answer.identity else None
    found = differences(traits_of(patient), identity.traits) if identity else ()
    return InsiProposal(answer.id, SearchOutcome(answer.outcome), CollectionMethod(answer.method), identity, found)


def traits_query(patient: m.Patient) -> TraitsQuery:
    traits = traits_of(patient)
    if not traits.birth_name.strip() or not traits.birth_given_names.strip():
        raise RuleViolation("Saisissez le nom et les prénoms de naissance avant d'interroger l'INSi.")
    return TraitsQuery(traits.birth_name, traits.birth_given_names, traits.sex, traits.birth_date,
                       traits.birth_place or None)


def ask_insi(session: Session, operator: CurrentOperator, patient_id: int, *, insi: InsTeleservice, now: datetime,
             card: CardQuery | None = None) -> InsiProposal:
    """Search the INS by the record's traits (or by the carte Vitale just read) and keep the answer."""
    operator.require(Permission.QUALIFY_IDENTITY)
    patient = load_for_change(session, patient_id)
    method = CollectionMethod.VITALE_CARD if card else CollectionMethod.INSI_TRAITS
    answer = insi.search_by_card(card) if card else insi.search_by_traits(traits_query(patient))
    return keep_answer(session, operator, patient, answer, method=method, now=now)


def keep_answer(session: Session, operator: CurrentOperator, patient: m.Patient, answer: SearchAnswer, *,
                method: CollectionMethod, now: datetime) -> InsiProposal:
    found = identity_json(answer.identity) if answer.identity else None
    row = m.InsiAnswer(patient_id=patient.id, at=now, operator_code=operator.code, method=method.value,
                       outcome=answer.outcome.value, identity=found)
    session.add(row)
    session.flush()
    return proposal_of(patient, row)


def pending_proposal(session: Session, patient: m.Patient, *, now: datetime) -> InsiProposal | None:
    """The latest INSi answer not yet confirmed, if it is recent enough."""
    row = session.scalars(select(m.InsiAnswer).where(m.InsiAnswer.patient_id == patient.id)
                          .order_by(m.InsiAnswer.id.desc()).limit(1)).first()
    if row is None or row.used_at is not None or _age(row, now) > ANSWER_VALIDITY:
        return None
    return proposal_of(patient, row)


def _age(row: m.InsiAnswer, now: datetime) -> timedelta:
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=now.tzinfo)
    return now - at


def accept_insi_identity(session: Session, operator: CurrentOperator, patient_id: int, answer_id: int, *,
                         now: datetime) -> m.Patient:
    """The operator confirms the INSi identity is this patient's: the record takes the INS traits."""
    operator.require(Permission.QUALIFY_IDENTITY)
    patient = load_for_change(session, patient_id)
    answer = session.get(m.InsiAnswer, answer_id)
    proposal = _usable(patient, answer, now)
    identity = proposal.identity
    assert identity is not None
    _refuse_collision(session, patient, identity)
    change_identity(session, patient, actor_of(operator), kind="insi", reason=_insi_reason(proposal),
                    values=_ins_values(identity) | {
                        "identity_status": after_insi_match(status_of(patient), patient.identity_attributes).value,
                        "collection_method": proposal.method.value}, now=now)
    assert answer is not None
    answer.used_at = now
    return patient


def _usable(patient: m.Patient, answer: m.InsiAnswer | None, now: datetime) -> InsiProposal:
    if answer is None or answer.patient_id != patient.id:
        raise NotFound("Réponse INSi introuvable pour ce patient : relancez la recherche.")
    if answer.used_at is not None or _age(answer, now) > ANSWER_VALIDITY:
        raise RuleViolation("Cette réponse INSi a déjà servi ou est trop ancienne : relancez la recherche.")
    proposal = proposal_of(patient, answer)
    if proposal.identity is None:
        raise RuleViolation(proposal.message)
    return proposal


def _refuse_collision(session: Session, patient: m.Patient, identity: InsIdentity) -> None:
    other = session.scalar(select(m.Patient.id).where(m.Patient.nir == identity.matricule, m.Patient.id != patient.id,
                                                      m.Patient.merged_into_id.is_(None)))
    if other is not None:
        raise Conflict(f"Ce matricule INS est déjà celui du dossier n° {other} : doublon ou collision probable. "
                       "Vérifiez les deux dossiers (identitovigilance) avant de continuer.")


def _insi_reason(proposal: InsiProposal) -> str:
    changed = ", ".join(d.label.lower() for d in proposal.differences)
    return f"{proposal.method.label} ; traits repris de l'INSi" + (f" (différences : {changed})" if changed else "")


def _ins_values(identity: InsIdentity) -> dict[str, object]:
    t = identity.traits.normalised()
    return {"nir": identity.matricule, "nir_oid": identity.oid.value, "birth_name": t.birth_name,
            "birth_given_names": t.birth_given_names, "birth_date": t.birth_date, "sex": t.sex,
            "birth_place": t.birth_place}


def record_document(session: Session, operator: CurrentOperator, patient_id: int, outcome: DocumentOutcome, *,
                    document: TrustDocument | None, prompts: int, now: datetime) -> m.Patient:
    """The document step: checked (which one), different, none presented (ask again), refused."""
    operator.require(Permission.QUALIFY_IDENTITY)
    if outcome is DocumentOutcome.CHECKED and document is None:
        raise RuleViolation("Choisissez la pièce d'identité à haut niveau de confiance présentée.")
    patient = load_for_change(session, patient_id)
    values = _document_values(patient, outcome, document, prompts)
    label = f"{outcome.label}" + (f" : {document.label}" if document and outcome is DocumentOutcome.CHECKED else "")
    change_identity(session, patient, actor_of(operator), kind="piece", reason=label, values=values, now=now)
    return patient


def _document_values(patient: m.Patient, outcome: DocumentOutcome, document: TrustDocument | None,
                     prompts: int) -> dict[str, object]:
    attributes = list(patient.identity_attributes)
    if outcome is DocumentOutcome.DIFFERS and IdentityAttribute.DOUBTFUL.value not in attributes:
        attributes.append(IdentityAttribute.DOUBTFUL.value)
    values: dict[str, object] = {
        "identity_status": after_document(status_of(patient), attributes, outcome).value,
        "identity_attributes": attributes,
        "document_prompts_left": prompts if outcome is DocumentOutcome.NONE_PRESENTED else 0}
    if outcome is DocumentOutcome.CHECKED:
        values["trust_document"] = document.value if document else None
    return values


def check_matricule(identity: InsIdentity, *, now: datetime) -> None:
    check = check_nir(identity.matricule, today=now.date())
    if not check.valid:
        raise RuleViolation(f"Matricule INS du DataMatrix refusé : {check.reason}")
