"""Use case: the pharmacist records what was done with a finding — a pharmaceutical intervention
(SFPC codes) or a dismissal with its reason. A pharmacist's act; written to the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.domain.interventions import Intervention
from comptoir.domain.operators import Permission
from comptoir.errors import NotFound, RuleViolation
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store.dispensing import AnalysisDecision

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

REINFORCED_CHECK = {"securisee": "Délivrance sécurisée", "temporaire": "Délivrance temporaire",
                    "refusee": "Refus de délivrance"}
"""The three mentions of the reinforced check of expensive medicines (convention pharmaceutique 2022,
SPEC.md §11.1), written on the prescription; also used when a fraud signal is examined."""


@dataclass(frozen=True, slots=True)
class FindingRef:
    kind: str
    level: str
    drugs: tuple[str, ...]
    substances: tuple[str, ...]
    message: str


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    finding: FindingRef
    decision: str
    """"intervention", "refus" (alert dismissed), or a mention of the reinforced check (REINFORCED_CHECK)."""
    comment: str = ""
    intervention: Intervention | None = None
    patient_id: int | None = None
    dispensation_id: int | None = None


def record_decision(request: DecisionRequest, *, uow: UnitOfWork, operator: CurrentOperator,
                    now: datetime) -> AnalysisDecision:
    operator.require(Permission.PHARMACIST_ACT)
    _check(request)
    with uow:
        _check_references(uow, request)
        row = _decision_row(request, operator, now)
        uow.dispensations.add_decision(row)
        audit(uow, Actor(operator.code, operator.workstation), action="write", object_type="analysis_decision",
              object_id=str(row.id), detail=f"{request.decision} {request.finding.kind} {request.finding.level} "
                                            f"patient={request.patient_id or '-'}", now=now)
        uow.commit()
        return row


def _check_references(uow: UnitOfWork, request: DecisionRequest) -> None:
    """The patient and the dispensation named must exist: a decision is never about nobody."""
    if request.patient_id is not None and uow.dispensations.patient(request.patient_id) is None:
        raise NotFound(f"Aucun patient n° {request.patient_id}.")
    if request.dispensation_id is not None and uow.dispensations.by_id(request.dispensation_id) is None:
        raise NotFound(f"Aucune délivrance n° {request.dispensation_id}.")


def _decision_row(request: DecisionRequest, operator: CurrentOperator, now: datetime) -> AnalysisDecision:
    code = request.intervention
    return AnalysisDecision(
        at=now, operator_code=operator.code, workstation=operator.workstation, patient_id=request.patient_id,
        dispensation_id=request.dispensation_id, decision=request.decision, finding_kind=request.finding.kind,
        finding_level=request.finding.level, drugs=list(request.finding.drugs),
        substances=list(request.finding.substances), message=request.finding.message,
        problem_code=code.problem if code else None, intervention_code=code.intervention if code else None,
        outcome_code=code.outcome if code else None, comment=request.comment.strip(),
    )


def _check(request: DecisionRequest) -> None:
    if request.decision == "intervention" and request.intervention is None:
        raise RuleViolation("Une intervention pharmaceutique demande un code problème et un code intervention SFPC.")
    if request.decision == "refus" and not request.comment.strip():
        raise RuleViolation("Ignorer une alerte demande d'en donner la raison.")
    if request.decision in REINFORCED_CHECK and request.finding.kind not in ("cost", "fraud"):
        raise RuleViolation("Les mentions du contrôle renforcé concernent les alertes de coût ou de fraude.")
    if request.decision not in ("intervention", "refus", *REINFORCED_CHECK):
        raise RuleViolation(f"Décision inconnue : {request.decision}.")


def decisions_for_patient(patient_id: int, *, uow: UnitOfWork) -> list[AnalysisDecision]:
    with uow:
        decisions = uow.dispensations.decisions_of(patient_id)
        uow.commit()  # a rollback would expire the rows the caller is about to read
        return decisions
