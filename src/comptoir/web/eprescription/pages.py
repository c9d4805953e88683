"""Pages of the ordonnance numérique at the counter (F3): scan, the prescription beside its dispensing
lines and the analysis, the control window of differences, the pharmacist's validation; and the
pharmacy's dashboard of ONs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from comptoir.domain import bounds
from comptoir.domain.eprescription import prescription as rx
from comptoir.domain.interventions import INTERVENTIONS, PROBLEMS
from comptoir.domain.operators import Permission
from comptoir.errors import ComptoirError, RuleViolation
from comptoir.services.eprescription import counter as eprescription_counter
from comptoir.services.eprescription import dashboard as eprescription_dashboard
from comptoir.services.eprescription import dispense as eprescription_dispense
from comptoir.services.eprescription import scan as scanning
from comptoir.services.eprescription.dispense import DispenseRequest, LineChoice
from comptoir.services.platform.operators import CurrentOperator
from comptoir.web.bounds import (
    MAX_IMAGE_BYTES,
    PrescriptionId,
    RecordId,
    RecordIdQuery,
    Renewal,
    record_id_of,
    small_number_of,
    upload_too_large,
)
from comptoir.web.deps import RuntimeDep, UowDep, require
from comptoir.web.eprescription.api import BaseDep
from comptoir.web.rendering import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]
Pharmacist = Annotated[CurrentOperator, Depends(require(Permission.PHARMACIST_ACT))]


async def form_fields(request: Request) -> dict[str, str | bytes]:
    """The posted form, files read: the routes stay synchronous (run in the thread pool) because they call
    the ON base over HTTP, which may be this very server (its mounted emulator).

    `request.form()` gives Starlette's UploadFile, of which FastAPI's is a subclass: checked against
    FastAPI's, a photo was never one and reached the scan as its repr."""
    fields: dict[str, str | bytes] = {}
    for key, value in (await request.form()).multi_items():
        fields[key] = await _bounded(value) if isinstance(value, UploadFile) else _text(str(value))
    return fields


def _text(value: str) -> str:
    if len(value) > bounds.SCANNED_TEXT_MAX:
        raise RuleViolation(f"Champ trop long : {bounds.SCANNED_TEXT_MAX} caractères au plus.")
    return value


async def _bounded(file: UploadFile) -> bytes:
    content = await file.read(MAX_IMAGE_BYTES + 1)
    if len(content) > MAX_IMAGE_BYTES:
        raise upload_too_large(MAX_IMAGE_BYTES)
    return content


Fields = Annotated[dict[str, str | bytes], Depends(form_fields)]


def texts(fields: dict[str, str | bytes]) -> dict[str, str]:
    return {k: v for k, v in fields.items() if isinstance(v, str)}


@router.get("/ordonnance-numerique", response_class=HTMLResponse)
def scan_form(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Reader,
              patient: RecordIdQuery = None) -> HTMLResponse:
    patients = scanning.patients_to_choose(uow=uow, operator=operator, now=runtime.clock())
    return render(request, "on_scan.html", patients=patients, patient_id=patient,
                  error="")


@router.post("/ordonnance-numerique", response_model=None)
def scan(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Reader, base: BaseDep,
         form: Fields) -> Response:
    patient = str(form.get("patient_id") or "")
    image = form.get("image")
    try:
        text = str(form.get("code") or "")
        if not text.strip() and isinstance(image, bytes) and image:
            text = scanning.decode_image(image)
        found = scanning.scan(text, uow=uow, operator=operator, base=base,
                              patient_id=record_id_of(patient), now=runtime.clock())
    except ComptoirError as exc:
        patients = scanning.patients_to_choose(uow=uow, operator=operator, now=runtime.clock())
        return render(request, "on_scan.html", status_code=422, patients=patients,
                      patient_id=record_id_of(patient), error=str(exc))
    return RedirectResponse(f"/ordonnance-numerique/{found.prescription.id}?patient={patient}", status_code=303)


@router.get("/ordonnance-numerique/{prescription_id}", response_class=HTMLResponse)
def dispensing_page(request: Request, prescription_id: PrescriptionId, runtime: RuntimeDep, uow: UowDep,
                    operator: Reader, patient: str = "", renouvellement: Renewal = 0,
                    produits: Annotated[str, Query(max_length=bounds.NOTE_MAX)] = "") -> HTMLResponse:
    screen = eprescription_counter.counter_screen(
        prescription_id, uow=uow, operator=operator, references=runtime.analysis_reference,
        patient_id=record_id_of(patient), renewal=renouvellement, typed=produits.splitlines(),
        now=runtime.clock())
    prescription = screen.prescription
    return render(request, "on_dispense.html", prescription=prescription, record=screen.record, lines=screen.lines,
                  status=prescription.status(runtime.clock().date()), patient=screen.patient, mismatch=screen.mismatch,
                  renewal=renouvellement, matched=screen.matched, typed=produits,
                  analysis=screen.analysis, problems=PROBLEMS, interventions=INTERVENTIONS,
                  renewals=range(max(line.renewals for line in prescription.lines) + 1))


def request_from_fields(prescription_id: str, fields: dict[str, str]) -> DispenseRequest:
    numbers = sorted(int(k.split("_")[1]) for k in fields if k.startswith("quantity_") and k[9:].isdigit())
    patient_id = record_id_of(fields.get("patient_id", ""))
    if patient_id is None:
        raise RuleViolation("Choisissez le patient du comptoir avant de délivrer.")
    renewal = small_number_of(fields.get("renewal", ""), at_most=bounds.RENEWALS_MAX, what="Renouvellement")
    return DispenseRequest(prescription_id.upper(), patient_id, renewal, tuple(_choice(fields, n) for n in numbers))


def _choice(fields: dict[str, str], n: int) -> LineChoice:
    quantity = small_number_of(fields.get(f"quantity_{n}", ""), at_most=bounds.BOXES_MAX, what=f"Ligne {n}, boîtes")
    problem, intervention = fields.get(f"problem_{n}", ""), fields.get(f"intervention_{n}", "")
    act = rx.Intervention(problem, intervention, None, fields.get(f"comment_{n}", "")) if problem and intervention \
        else None
    return LineChoice(n, fields.get(f"cip13_{n}") or None, quantity if fields.get(f"cip13_{n}") else 0,
                      fields.get(f"posology_{n}", "").strip(), act)


@router.post("/ordonnance-numerique/{prescription_id}/controle", response_class=HTMLResponse)
def control_window(request: Request, prescription_id: PrescriptionId, runtime: RuntimeDep, uow: UowDep, _: Reader,
                   form: Fields) -> HTMLResponse:
    fields = texts(form)
    dispense_request = request_from_fields(prescription_id, fields)
    prescription, checked = eprescription_dispense.check(dispense_request, uow=uow, now=runtime.clock())
    return render(request, "on_control.html", prescription=prescription, checked=checked, fields=fields,
                  renewal=dispense_request.renewal)


@router.post("/ordonnance-numerique/{prescription_id}/delivrer", response_class=HTMLResponse)
def validate(request: Request, prescription_id: PrescriptionId, runtime: RuntimeDep, uow: UowDep,
             operator: Pharmacist, form: Fields) -> HTMLResponse:
    fields = texts(form)
    done = eprescription_dispense.dispense(request_from_fields(prescription_id, fields), uow=uow, operator=operator,
                                           now=runtime.clock())
    return render(request, "on_done.html", dispensation=done.dispensation, lines=done.lines)


@router.get("/ordonnances-numeriques", response_class=HTMLResponse)
def pharmacy_dashboard(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Reader) -> HTMLResponse:
    rows = eprescription_dashboard.dashboard(uow=uow, operator=operator, now=runtime.clock())
    return render(request, "on_dashboard.html", rows=rows)


@router.post("/ordonnances-numeriques/facturation/{dispensation_id}", response_class=HTMLResponse)
def send_billing(request: Request, dispensation_id: RecordId, runtime: RuntimeDep, uow: UowDep,
                 operator: Pharmacist) -> HTMLResponse:
    message = eprescription_dashboard.send_billing(dispensation_id, uow=uow, operator=operator, now=runtime.clock())
    return HTMLResponse(f'<span role="status">Complément de facturation mis en file ({message.label}).</span>')
