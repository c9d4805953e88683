"""Pages of the prescriber module: the dashboard of his ONs, the form that composes one, and an ON's
page (QR code, PDF, what was delivered when the patient agreed)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from comptoir.domain import bounds
from comptoir.domain.eprescription.prescription import NON_SUBSTITUTION_REASONS, LineKind
from comptoir.domain.operators import Permission
from comptoir.errors import ExternalServiceError, RuleViolation
from comptoir.services.eprescription import prescriber as prescribing
from comptoir.services.eprescription.document import qr_png
from comptoir.services.eprescription.prescriber import LineInput, NewPatient, PrescriptionForm
from comptoir.services.platform.operators import CurrentOperator
from comptoir.web.bounds import RecordId, RecordIdQuery, record_id_of, small_number_of
from comptoir.web.deps import RuntimeDep, UowDep, require
from comptoir.web.eprescription.api import PrescriberBaseDep
from comptoir.web.eprescription.pages import Fields, texts
from comptoir.web.rendering import render

router = APIRouter(include_in_schema=False)
Prescriber = Annotated[CurrentOperator, Depends(require(Permission.PRESCRIBE))]
LINES = 6


@router.get("/prescripteur", response_class=HTMLResponse)
def dashboard(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Prescriber,
              base: PrescriberBaseDep) -> HTMLResponse:
    found = prescribing.dashboard(uow=uow, operator=operator, base=base, now=runtime.clock())
    return render(request, "prescriber_dashboard.html", rows=found.rows, problem=found.problem, profile=found.profile)


@router.get("/prescripteur/nouvelle", response_class=HTMLResponse)
def new_form(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Prescriber,
             patient: RecordIdQuery = None) -> HTMLResponse:
    return _form(request, runtime, uow, operator, {"patient_id": str(patient or "")})


def _form(request: Request, runtime: RuntimeDep, uow: UowDep, operator: CurrentOperator, fields: dict[str, str],
          error: str = "", status_code: int = 200) -> HTMLResponse:
    chosen = record_id_of(fields.get("patient_id", ""))
    context = prescribing.form_context(chosen, uow=uow, operator=operator, now=runtime.clock())
    consent = context.consent
    return render(request, "prescriber_form.html", status_code=status_code, patients=context.patients, fields=fields,
                  lines=range(LINES), reasons=NON_SUBSTITUTION_REASONS, kinds=list(LineKind), consent=consent,
                  consent_value=fields.get("consent") or ("" if consent is None else "oui" if consent else "non"),
                  error=error, profile=context.profile)


@router.post("/prescripteur/nouvelle", response_model=None)
def create(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Prescriber, base: PrescriberBaseDep,
           form: Fields) -> Response:
    fields = texts(form)
    try:
        composed = form_from_fields(fields)
        issued = prescribing.create_prescription(composed, uow=uow, operator=operator, base=base,
                                                 references=runtime.analysis_reference, now=runtime.clock())
    except RuleViolation as exc:
        return _form(request, runtime, uow, operator, fields, error=str(exc), status_code=422)
    return RedirectResponse(f"/prescripteur/ordonnances/{issued.id}", status_code=303)


def form_from_fields(fields: dict[str, str]) -> PrescriptionForm:
    chosen = record_id_of(fields.get("patient_id", ""))
    typed = _typed_patient(fields) if chosen is None else None
    if chosen is None and typed is None:
        raise RuleViolation("Choisissez un de vos patients ou saisissez l'identité d'un nouveau patient.")
    consent = {"oui": True, "non": False}.get(fields.get("consent", ""))
    lines = tuple(_line(fields, n) for n in range(LINES) if fields.get(f"text_{n}", "").strip())
    if not lines:
        raise RuleViolation("Saisissez au moins une ligne.")
    return PrescriptionForm(chosen, lines, consent, fields.get("comment", ""), new_patient=typed)


def _typed_patient(fields: dict[str, str]) -> NewPatient | None:
    names = [fields.get(k, "").strip() for k in ("new_last_name", "new_first_name", "new_birth_date", "new_sex")]
    if not any(names):
        return None
    try:
        born = date.fromisoformat(names[2])
    except ValueError:
        raise RuleViolation("Date de naissance du nouveau patient invalide (AAAA-MM-JJ).") from None
    return NewPatient(names[0], names[1], born, names[3])


def _line(fields: dict[str, str], n: int) -> LineInput:
    duration = small_number_of(fields.get(f"duration_{n}", ""), at_most=bounds.DURATION_DAYS_MAX,
                               what=f"Ligne {n + 1}, durée en jours")
    renewals = small_number_of(fields.get(f"renewals_{n}", ""), at_most=bounds.RENEWALS_MAX,
                               what=f"Ligne {n + 1}, renouvellements")
    return LineInput(text=fields[f"text_{n}"].strip(), posology=fields.get(f"posology_{n}", "").strip(),
                     duration_days=duration or None, renewals=renewals,
                     kind=_kind(fields.get(f"kind_{n}") or LineKind.MEDICINE.value, n),
                     substitutable=fields.get(f"ns_{n}") != "on", reason=fields.get(f"reason_{n}") or None,
                     ald=fields.get(f"ald_{n}") == "on", outside_on=fields.get(f"outside_{n}") == "on")


def _kind(value: str, n: int) -> LineKind:
    if value not in {k.value for k in LineKind}:
        raise RuleViolation(f"Ligne {n + 1} : type de produit inconnu ({value[:40]}).")
    return LineKind(value)


@router.get("/prescripteur/ordonnances/{issued_id}", response_class=HTMLResponse)
def issued_page(request: Request, issued_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Prescriber,
                base: PrescriberBaseDep) -> HTMLResponse:
    issued = prescribing.issued_one(issued_id, uow=uow, operator=operator, now=runtime.clock())
    try:
        view = prescribing.deliveries_seen(issued, uow=uow, operator=operator, base=base, now=runtime.clock())
        problem = ""
    except ExternalServiceError as exc:
        view, problem = None, str(exc)
    return render(request, "prescriber_issued.html", issued=issued, view=view, problem=problem)


@router.get("/prescripteur/ordonnances/{issued_id}/ordonnance.pdf", response_class=Response)
def issued_pdf(issued_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Prescriber) -> Response:
    document = prescribing.issued_pdf(issued_id, uow=uow, operator=operator, now=runtime.clock())
    return Response(document, media_type="application/pdf")


@router.get("/prescripteur/ordonnances/{issued_id}/qr.png", response_class=Response)
def issued_qr(issued_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Prescriber) -> Response:
    issued = prescribing.issued_one(issued_id, uow=uow, operator=operator, now=runtime.clock())
    return Response(qr_png(issued.qr_payload), media_type="image/png") if issued.qr_payload else Response(
        status_code=404)
