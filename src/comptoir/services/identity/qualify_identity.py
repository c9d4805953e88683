"""Qualification at the counter (SPEC §1.3, §15.1): ask the INSi, show its traits beside the record,
let the operator confirm the identity, then record the high-trust document.

Each step is one transaction. A failing INSi (down, slow, several identities, no identity) raises
or answers before anything is written: the status never changes on a half-done step. The INSi is
asked between transactions, so no lock is held while it answers. Its answer is kept (`InsiAnswer`)
so the confirmation uses what the service said, not what a form sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from comptoir.domain.identity.ins import InsIdentity, InsOid, InsTraits, TraitDifference, differences
from comptoir.domain.identity.nir import check_nir
from comptoir.domain.identity.qualification import after_document, after_insi_match
from comptoir.domain.identity.status import CollectionMethod, DocumentOutcome, IdentityAttribute, TrustDocument
from comptoir.domain.operators import Permission
from comptoir.errors import Conflict, NotFound, RuleViolation
from comptoir.national.ins.port import InsTeleservice, SearchAnswer, SearchOutcome, TraitsQuery
from comptoir.services.identity.history import change_identity
from comptoir.services.identity.patient_identity import load_for_change, status_of, traits_of
from comptoir.services.identity.patients import actor_of
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

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


def ask_insi(patient_id: int, *, uow: UnitOfWork, operator: CurrentOperator, insi: InsTeleservice,
             now: datetime) -> InsiProposal:
    """Search the INS by the record's traits and keep the answer."""
    operator.require(Permission.QUALIFY_IDENTITY)
    with uow:
        query = traits_query(load_for_change(uow, patient_id))
    answer = insi.search_by_traits(query)
    with uow:
        proposal = keep_answer(uow, operator, load_for_change(uow, patient_id), answer,
                               method=CollectionMethod.INSI_TRAITS, now=now)
        uow.commit()
    return proposal


def keep_answer(uow: UnitOfWork, operator: CurrentOperator, patient: m.Patient, answer: SearchAnswer, *,
                method: CollectionMethod, now: datetime) -> InsiProposal:
    found = identity_json(answer.identity) if answer.identity else None
    row = m.InsiAnswer(patient_id=patient.id, at=now, operator_code=operator.code, method=method.value,
                       outcome=answer.outcome.value, identity=found)
    uow.patients.add_insi_answer(row)
    return proposal_of(patient, row)


def pending_proposal(uow: UnitOfWork, patient: m.Patient, *, now: datetime) -> InsiProposal | None:
    """The latest INSi answer not yet confirmed, if it is recent enough."""
    row = uow.patients.latest_insi_answer(patient.id)
    if row is None or row.used_at is not None or _age(row, now) > ANSWER_VALIDITY:
        return None
    return proposal_of(patient, row)


def _age(row: m.InsiAnswer, now: datetime) -> timedelta:
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=now.tzinfo)
    return now - at


def accept_insi_identity(patient_id: int, answer_id: int, *, uow: UnitOfWork, operator: CurrentOperator,
                         now: datetime) -> m.Patient:
    """The operator confirms the INSi identity is this patient's: the record takes the INS traits."""
    operator.require(Permission.QUALIFY_IDENTITY)
    with uow:
        patient = load_for_change(uow, patient_id)
        answer = uow.patients.insi_answer(answer_id)
        _take_insi_identity(uow, operator, patient, _usable(patient, answer, now), now)
        assert answer is not None
        answer.used_at = now
        uow.commit()
    return patient


def _take_insi_identity(uow: UnitOfWork, operator: CurrentOperator, patient: m.Patient, proposal: InsiProposal,
                        now: datetime) -> None:
    identity = proposal.identity
    assert identity is not None
    refuse_collision(uow, patient, identity)
    change_identity(uow, patient, actor_of(operator), kind="insi", reason=_insi_reason(proposal),
                    values=ins_values(identity) | {
                        "identity_status": after_insi_match(status_of(patient), patient.identity_attributes).value,
                        "collection_method": proposal.method.value}, now=now)


def _usable(patient: m.Patient, answer: m.InsiAnswer | None, now: datetime) -> InsiProposal:
    if answer is None or answer.patient_id != patient.id:
        raise NotFound("Réponse INSi introuvable pour ce patient : relancez la recherche.")
    if answer.used_at is not None or _age(answer, now) > ANSWER_VALIDITY:
        raise RuleViolation("Cette réponse INSi a déjà servi ou est trop ancienne : relancez la recherche.")
    proposal = proposal_of(patient, answer)
    if proposal.identity is None:
        raise RuleViolation(proposal.message)
    return proposal


def refuse_collision(uow: UnitOfWork, patient: m.Patient, identity: InsIdentity) -> None:
    other = uow.patients.other_with_matricule(identity.matricule, besides=patient.id)
    if other is not None:
        raise Conflict(f"Ce matricule INS est déjà celui du dossier n° {other} : doublon ou collision probable. "
                       "Vérifiez les deux dossiers (identitovigilance) avant de continuer.")


def _insi_reason(proposal: InsiProposal) -> str:
    changed = ", ".join(d.label.lower() for d in proposal.differences)
    return f"{proposal.method.label} ; traits repris de l'INSi" + (f" (différences : {changed})" if changed else "")


def ins_values(identity: InsIdentity) -> dict[str, object]:
    t = identity.traits.normalised()
    return {"nir": identity.matricule, "nir_oid": identity.oid.value, "birth_name": t.birth_name,
            "birth_given_names": t.birth_given_names, "birth_date": t.birth_date, "sex": t.sex,
            "birth_place": t.birth_place}


def record_document(patient_id: int, outcome: DocumentOutcome, *, document: TrustDocument | None, prompts: int,
                    uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> m.Patient:
    """The document step: checked (which one), different, none presented (ask again), refused."""
    operator.require(Permission.QUALIFY_IDENTITY)
    if outcome is DocumentOutcome.CHECKED and document is None:
        raise RuleViolation("Choisissez la pièce d'identité à haut niveau de confiance présentée.")
    with uow:
        patient = load_for_change(uow, patient_id)
        values = _document_values(patient, outcome, document, prompts)
        label = f"{outcome.label}" + (f" : {document.label}" if document and outcome is DocumentOutcome.CHECKED
                                      else "")
        change_identity(uow, patient, actor_of(operator), kind="piece", reason=label, values=values, now=now)
        uow.commit()
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
