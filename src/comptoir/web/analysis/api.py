"""JSON API of the prescription analysis: analyse a case, record a decision, the deferred-check queue."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query
from pydantic import Field

from comptoir.domain.interventions import Intervention
from comptoir.domain.operators import Permission
from comptoir.services.analysis import decisions as pharmaceutical_decisions
from comptoir.services.analysis import deferred_check
from comptoir.services.analysis.analyse import analyse_prescription
from comptoir.services.analysis.decisions import DecisionRequest, FindingRef
from comptoir.services.platform.operators import CurrentOperator
from comptoir.web.bounds import ApiModel, Note, OptionalBodyRecordId, RecordId, RecordIdQuery, ShortText
from comptoir.web.deps import RuntimeDep, UowDep, require

router = APIRouter(prefix="/api", tags=["analyse"])
Reader = Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]
Pharmacist = Annotated[CurrentOperator, Depends(require(Permission.PHARMACIST_ACT))]


@router.post("/analysis")
def analyse_case(runtime: RuntimeDep, uow: UowDep, operator: Reader,
                 case: Annotated[dict[str, Any], Body(examples=[{
                     "today": "2026-02-19", "patient": {"birth_date": "1969-03-20", "sex": "M"},
                     "lines": [{"drug": "ATARAX 25 mg", "posology": "1 cp le soir"}],
                     "history": [{"drug": "SINTROM 4 mg", "date": "2025-09-20"}]}])],
                 patient_id: RecordIdQuery = None) -> dict[str, object]:
    """Analyse a prescription (DESIGN.md case): findings ordered by level, each with its source (audited)."""
    return analyse_prescription(case, uow=uow, operator=operator, analysis_reference=runtime.analysis_reference,
                                now=runtime.clock(), patient_id=patient_id).contract()


class FindingIn(ApiModel):
    kind: ShortText
    level: Literal["CI", "ASDEC", "PE", "APEC"]
    drugs: list[ShortText] = Field(default=[], max_length=50)
    substances: list[ShortText] = Field(default=[], max_length=50)
    message: Note


class DecisionIn(ApiModel):
    finding: FindingIn
    decision: Literal["intervention", "refus", "securisee", "temporaire", "refusee"]
    comment: Note = ""
    problem: str | None = Field(default=None, max_length=10, description="Code problème SFPC, ex. 6.4")
    intervention: str | None = Field(default=None, max_length=10, description="Type d'intervention SFPC, ex. 2 (arrêt)")
    outcome: str | None = Field(default=None, max_length=10, description="Devenir : 1 acceptée, 2 non acceptée")
    patient_id: OptionalBodyRecordId = None
    dispensation_id: OptionalBodyRecordId = None


@router.post("/analysis/decisions", status_code=201)
def record_decision(body: DecisionIn, runtime: RuntimeDep, uow: UowDep, operator: Pharmacist) -> dict[str, object]:
    """Record a pharmaceutical intervention (SFPC codes) or the dismissal of an alert with its reason."""
    code = Intervention(body.problem, body.intervention, body.outcome) \
        if body.decision == "intervention" and body.problem and body.intervention else None
    finding = FindingRef(body.finding.kind, body.finding.level, tuple(body.finding.drugs),
                         tuple(body.finding.substances), body.finding.message)
    request = DecisionRequest(finding, body.decision, body.comment, code, body.patient_id, body.dispensation_id)
    row = pharmaceutical_decisions.record_decision(request, uow=uow, operator=operator, now=runtime.clock())
    return {"id": row.id, "decision": row.decision, "problem": row.problem_code,
            "intervention": row.intervention_code}


@router.get("/checks")
def check_queue(runtime: RuntimeDep, uow: UowDep, operator: Reader,
                status: Annotated[Literal["a_controler", "controlee", "a_revoir"], Query()] = "a_revoir",
                ) -> list[dict[str, object]]:
    """The deferred double check's queue: "à contrôler", "contrôlée" or "à revoir" (audited)."""
    rows = deferred_check.queue(status, uow=uow, operator=operator, now=runtime.clock())
    return [{"id": d.id, "dispensed_at": d.dispensed_at.isoformat(), "patient_id": d.patient_id,
             "level": d.check_level, "status": d.check_status, "lines": [line.drug for line in lines]}
            for d, lines, _ in rows]


class CheckIn(ApiModel):
    note: Note = ""


@router.post("/checks/{dispensation_id}")
def mark_checked(dispensation_id: RecordId, body: CheckIn, runtime: RuntimeDep, uow: UowDep,
                 operator: Pharmacist) -> dict[str, object]:
    """A pharmacist marks a dispensation of the queue as checked."""
    row = deferred_check.mark_checked(dispensation_id, uow=uow, operator=operator, note=body.note,
                                      now=runtime.clock())
    return {"id": row.id, "status": row.check_status, "checked_by": row.checked_by}
