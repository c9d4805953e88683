"""Pages of the analysis: the prescription form and its findings panel (decisions by HTMX), and the
deferred double check's queue."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from comptoir.domain.interventions import (
    INTERVENTIONS,
    OUTCOMES,
    PROBLEMS,
    Intervention,
    suggested_intervention,
    suggested_problem,
)
from comptoir.domain.operators import Permission
from comptoir.errors import RuleViolation
from comptoir.services.analysis import decisions as pharmaceutical_decisions
from comptoir.services.analysis import deferred_check
from comptoir.services.analysis.analyse import (
    InvalidField,
    PatientForAnalysis,
    analyse_prescription,
    patient_for_analysis,
)
from comptoir.services.analysis.decisions import DecisionRequest, FindingRef
from comptoir.services.platform.operators import CurrentOperator
from comptoir.web import labels
from comptoir.web.bounds import FormNote, FormShortText, RecordId, RecordIdQuery, record_id_of
from comptoir.web.deps import RuntimeDep, UowDep, require
from comptoir.web.rendering import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]
Pharmacist = Annotated[CurrentOperator, Depends(require(Permission.PHARMACIST_ACT))]
LINES = 8


@router.get("/analyse", response_class=HTMLResponse)
def analysis_form(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Reader,
                  patient: RecordIdQuery = None) -> HTMLResponse:
    form: dict[str, Any] = {"today": runtime.clock().date().isoformat(), "lines": [("", "")] * LINES}
    if patient is not None:
        form |= _patient_form(patient_for_analysis(patient, uow=uow, operator=operator, now=runtime.clock()), patient)
    return render(request, "analysis.html", form=form, result=None, problems=PROBLEMS,
                  interventions=INTERVENTIONS, outcomes=OUTCOMES)


def _patient_form(patient: PatientForAnalysis, patient_id: int) -> dict[str, Any]:
    profile = patient.profile
    return {"patient_id": patient_id, "patient_name": patient.name, "birth_date": patient.birth_date.isoformat(),
            "sex": patient.sex, "allergies": ", ".join(profile.allergies),
            "pregnant": "on" if profile.pregnant else "", "breastfeeding": "on" if profile.breastfeeding else "",
            "pregnancy_weeks": "" if profile.pregnancy_weeks is None else str(profile.pregnancy_weeks),
            "weight_kg": _french(profile.weight_kg), "egfr": _french(profile.egfr),
            "history": "\n".join(f"{when:%Y-%m-%d} ; {drug}" for when, drug in patient.history)}


def _french(number: float | None) -> str:
    """52.5 → "52,5" (what the operator would type; the analysis reads both)."""
    return "" if number is None else f"{number:g}".replace(".", ",")


async def posted_fields(request: Request) -> dict[str, str]:
    """The posted form, read on the event loop, so that the route that analyses it (database work) can stay
    synchronous and run in the thread pool."""
    return {k: str(v) for k, v in (await request.form()).items()}


@router.post("/analyse", response_class=HTMLResponse)
def analyse_page(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Reader,
                 fields: Annotated[dict[str, str], Depends(posted_fields)]) -> HTMLResponse:
    patient_id = int(fields["patient_id"]) if fields.get("patient_id", "").isdigit() else None
    typed = [(fields.get(f"drug_{n}", ""), fields.get(f"posology_{n}", "")) for n in range(LINES)]
    try:
        case = case_from_form(fields)
        analysis = analyse_prescription(case, uow=uow, operator=operator,
                                        analysis_reference=runtime.analysis_reference, now=runtime.clock(),
                                        patient_id=patient_id)
    except RuleViolation as exc:
        return render(request, "analysis.html", status_code=422, form={**fields, "lines": typed}, result=None,
                      error=_said_in_the_form(exc), problems=PROBLEMS, interventions=INTERVENTIONS,
                      outcomes=OUTCOMES)
    lines = [(line["drug"], line["posology"]) for line in case["lines"]]
    form = {**fields, "lines": lines + [("", "")] * (LINES - len(lines))}
    return render(request, "analysis.html", form=form, result=analysis, suggested=suggested_problem,
                  suggested_intervention=suggested_intervention, mentions=pharmaceutical_decisions.REINFORCED_CHECK,
                  problems=PROBLEMS, interventions=INTERVENTIONS, outcomes=OUTCOMES, patient_id=patient_id)


def _said_in_the_form(error: RuleViolation) -> str:
    """The case's own field names (weight_kg...) are the API's words: the page names the field as its form does."""
    if isinstance(error, InvalidField):
        return f"{labels.label(error.field, 'field')} : {error.expected}."
    return str(error)


def case_from_form(fields: dict[str, str]) -> dict[str, Any]:
    lines = [{"drug": fields.get(f"drug_{n}", "").strip(), "posology": fields.get(f"posology_{n}", "").strip()}
             for n in range(LINES)]
    return {
        "today": fields.get("today") or date.today().isoformat(),
        "patient": _profile(fields),
        "lines": [line for line in lines if line["drug"]],
        "history": _history(fields.get("history", "")),
    }


def _profile(fields: dict[str, str]) -> dict[str, Any]:
    names = ("birth_date", "sex", "pregnancy_weeks", "weight_kg", "egfr")
    optional = {name: fields.get(name) or None for name in names}
    for name in ("pregnancy_weeks", "weight_kg", "egfr"):  # typed the French way: "52,5"
        optional[name] = (optional[name] or "").replace(",", ".").strip() or None
    flags = {name: fields.get(name) == "on" for name in ("pregnant", "breastfeeding")}
    return {**optional, **flags,
            "allergies": [a.strip() for a in fields.get("allergies", "").split(",") if a.strip()]}


def _history(text: str) -> list[dict[str, str]]:
    items = []
    for raw in text.splitlines():
        day, _, drug = raw.partition(";")
        if raw.strip() and not drug.strip():
            raise RuleViolation(f"Historique : « {raw.strip()} » — attendu « AAAA-MM-JJ ; médicament ».")
        if drug.strip():
            items.append({"date": day.strip(), "drug": drug.strip()})
    return items


@router.post("/analyse/decision", response_class=HTMLResponse)
def decision(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Pharmacist,
             kind: FormShortText, level: FormShortText, message: FormNote, decision: FormShortText,
             drugs: FormNote = "", substances: FormNote = "", comment: FormNote = "", problem: FormShortText = "",
             intervention: FormShortText = "", outcome: FormShortText = "",
             patient_id: FormShortText = "") -> HTMLResponse:
    finding = FindingRef(kind, level, tuple(d for d in drugs.split("|") if d), tuple(s for s in substances.split("|")
                                                                                     if s), message)
    code = Intervention(problem, intervention, outcome or None) if decision == "intervention" else None
    request_ = DecisionRequest(finding, decision, comment, code, record_id_of(patient_id))
    row = pharmaceutical_decisions.record_decision(request_, uow=uow, operator=operator, now=runtime.clock())
    return render(request, "_decision_done.html", row=row, problems=PROBLEMS, interventions=INTERVENTIONS,
                  mentions=pharmaceutical_decisions.REINFORCED_CHECK)


@router.get("/controle", response_class=HTMLResponse)
def check_page(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Reader,
               file: str = "a_revoir") -> HTMLResponse:
    rows = deferred_check.queue(file, uow=uow, operator=operator, now=runtime.clock())
    return render(request, "checks.html", rows=rows, current=file, labels=labels.CHECK_QUEUES)


@router.post("/controle/{dispensation_id}", response_class=HTMLResponse)
def check_done(request: Request, dispensation_id: RecordId, runtime: RuntimeDep, uow: UowDep,
               operator: Pharmacist, note: FormNote = "") -> HTMLResponse:
    row = deferred_check.mark_checked(dispensation_id, uow=uow, operator=operator, note=note, now=runtime.clock())
    return render(request, "_check_done.html", row=row)
