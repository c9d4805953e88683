"""Pages of the ordonnance numérique at the counter (F3): scan, the prescription beside its dispensing
lines and the analysis, the control window of differences, the pharmacist's validation; and the
pharmacy's dashboard of ONs."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from comptoir.domain.eprescription import prescription as rx
from comptoir.domain.interventions import INTERVENTIONS, PROBLEMS
from comptoir.domain.operators import Permission
from comptoir.errors import ComptoirError, RuleViolation
from comptoir.services.analysis.analyse import analyse_for
from comptoir.services.eprescription import counter as eprescription_counter
from comptoir.services.eprescription import dashboard as eprescription_dashboard
from comptoir.services.eprescription import dispense as eprescription_dispense
from comptoir.services.eprescription import scan as scanning
from comptoir.services.eprescription.dispense import DispenseRequest, LineChoice
from comptoir.services.eprescription.lines import fitting_pack, packs
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation, DispensedLine
from comptoir.web.deps import RuntimeDep, SessionDep, require
from comptoir.web.eprescription.api import BaseDep
from comptoir.web.rendering import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]
Pharmacist = Annotated[CurrentOperator, Depends(require(Permission.PHARMACIST_ACT))]


async def form_fields(request: Request) -> dict[str, str | bytes]:
    """The posted form, files read: the routes stay synchronous (run in the thread pool) because they call
    the ON base over HTTP, which may be this very server (its mounted emulator)."""
    fields: dict[str, str | bytes] = {}
    for key, value in (await request.form()).multi_items():
        fields[key] = await value.read() if isinstance(value, UploadFile) else str(value)
    return fields


Fields = Annotated[dict[str, str | bytes], Depends(form_fields)]


def texts(fields: dict[str, str | bytes]) -> dict[str, str]:
    return {k: v for k, v in fields.items() if isinstance(v, str)}


def _patients(session: Session) -> list[m.Patient]:
    return list(session.scalars(select(m.Patient).where(m.Patient.merged_into_id.is_(None))
                                .order_by(m.Patient.last_name, m.Patient.first_name).limit(300)))


@router.get("/ordonnance-numerique", response_class=HTMLResponse)
def scan_form(request: Request, session: SessionDep, _: Reader, patient: int | None = None) -> HTMLResponse:
    return render(request, "on_scan.html", patients=_patients(session), patient_id=patient, error="")


@router.post("/ordonnance-numerique", response_model=None)
def scan(request: Request, runtime: RuntimeDep, session: SessionDep, operator: Reader, base: BaseDep,
         form: Fields) -> Response:
    patient = str(form.get("patient_id") or "")
    image = form.get("image")
    try:
        text = str(form.get("code") or "")
        if not text.strip() and isinstance(image, bytes) and image:
            text = scanning.decode_image(image)
        found = scanning.scan(session, operator, text, base=base, patient_id=int(patient) if patient.isdigit()
                              else None, now=runtime.clock())
    except ComptoirError as exc:
        return render(request, "on_scan.html", status_code=422, patients=_patients(session),
                      patient_id=int(patient) if patient.isdigit() else None, error=str(exc))
    return RedirectResponse(f"/ordonnance-numerique/{found.prescription.id}?patient={patient}", status_code=303)


@router.get("/ordonnance-numerique/{prescription_id}", response_class=HTMLResponse)
def dispensing_page(request: Request, prescription_id: str, runtime: RuntimeDep, session: SessionDep,
                    operator: Reader, patient: str = "", renouvellement: int = 0, produits: str = "") -> HTMLResponse:
    record, prescription = scanning.kept(session, prescription_id)
    patient_id = int(patient) if patient.isdigit() else record.patient_id
    counter = session.get(m.Patient, patient_id) if patient_id else None
    mismatch = scanning.patient_mismatch(counter, prescription) if counter else ""
    lines = eprescription_counter.plan(session, prescription, renouvellement)
    reference = runtime.analysis_reference.get(session)
    matched = eprescription_counter.match_products(session, reference, prescription, produits.splitlines())
    analysis = analyse_for(session, operator, _case(session, runtime, prescription, counter), reference,
                           now=runtime.clock(), patient_id=patient_id)
    return render(request, "on_dispense.html", prescription=prescription, record=record, lines=lines,
                  status=prescription.status(runtime.clock().date()), patient=counter, mismatch=mismatch,
                  renewal=renouvellement, matched=_matched_packs(session, matched), typed=produits,
                  analysis=analysis, problems=PROBLEMS, interventions=INTERVENTIONS,
                  renewals=range(max(line.renewals for line in prescription.lines) + 1))


def _matched_packs(session: Session, matched: dict[int, str]) -> dict[int, tuple[str, str, str]]:
    """Line number -> (CIS, name, CIP13 of a box) for the products recognised among those typed."""
    found = {}
    for number, cis in matched.items():
        specialty, pack = session.get(m.Specialty, cis), fitting_pack(packs(session, cis), None)
        if specialty and pack:
            found[number] = (cis, specialty.name, pack.cip13)
    return found


def _case(session: Session, runtime: Runtime, prescription: rx.Prescription,
          patient: m.Patient | None) -> dict[str, Any]:
    lines = [{"drug": line.cip13 or line.text, "posology": line.posology} for line in prescription.lines]
    case: dict[str, Any] = {"today": runtime.clock().date().isoformat(), "lines": lines, "history": [],
                            "prescriber": {"rpps": prescription.prescriber.rpps}}
    if patient is None:
        return case | {"patient": {"birth_date": prescription.patient.birth_date.isoformat()}}
    since = runtime.clock() - timedelta(days=365)
    history = session.execute(select(Dispensation.dispensed_at, DispensedLine.cip13, DispensedLine.drug)
                              .join(DispensedLine, DispensedLine.dispensation_id == Dispensation.id)
                              .where(Dispensation.patient_id == patient.id, Dispensation.dispensed_at >= since)
                              .order_by(Dispensation.dispensed_at.desc()).limit(60))
    return case | {"patient": {"birth_date": patient.birth_date.isoformat(), "sex": patient.sex,
                               "allergies": list(patient.allergies or [])},
                   "history": [{"drug": cip or drug, "date": when.date().isoformat()} for when, cip, drug in history]}


def request_from_fields(prescription_id: str, fields: dict[str, str]) -> DispenseRequest:
    numbers = sorted(int(k.split("_")[1]) for k in fields if k.startswith("quantity_") and k[9:].isdigit())
    if not fields.get("patient_id", "").isdigit():
        raise RuleViolation("Choisissez le patient du comptoir avant de délivrer.")
    return DispenseRequest(prescription_id.upper(), int(fields["patient_id"]), int(fields.get("renewal") or 0),
                           tuple(_choice(fields, n) for n in numbers))


def _choice(fields: dict[str, str], n: int) -> LineChoice:
    quantity = fields.get(f"quantity_{n}", "0").strip() or "0"
    if not quantity.isdigit():
        raise RuleViolation(f"Ligne {n} : quantité en nombre entier de boîtes.")
    problem, intervention = fields.get(f"problem_{n}", ""), fields.get(f"intervention_{n}", "")
    act = rx.Intervention(problem, intervention, None, fields.get(f"comment_{n}", "")) if problem and intervention \
        else None
    return LineChoice(n, fields.get(f"cip13_{n}") or None, int(quantity) if fields.get(f"cip13_{n}") else 0,
                      fields.get(f"posology_{n}", "").strip(), act)


@router.post("/ordonnance-numerique/{prescription_id}/controle", response_class=HTMLResponse)
def control_window(request: Request, prescription_id: str, runtime: RuntimeDep, session: SessionDep, _: Reader,
                   form: Fields) -> HTMLResponse:
    fields = texts(form)
    dispense_request = request_from_fields(prescription_id, fields)
    prescription, checked = eprescription_dispense.check(session, dispense_request, now=runtime.clock())
    return render(request, "on_control.html", prescription=prescription, checked=checked, fields=fields,
                  renewal=dispense_request.renewal)


@router.post("/ordonnance-numerique/{prescription_id}/delivrer", response_class=HTMLResponse)
def validate(request: Request, prescription_id: str, runtime: RuntimeDep, session: SessionDep,
             operator: Pharmacist, form: Fields) -> HTMLResponse:
    fields = texts(form)
    row = eprescription_dispense.dispense(session, operator, request_from_fields(prescription_id, fields),
                                          now=runtime.clock())
    lines = list(session.scalars(select(DispensedLine).where(DispensedLine.dispensation_id == row.id)))
    return render(request, "on_done.html", dispensation=row, lines=lines)


@router.get("/ordonnances-numeriques", response_class=HTMLResponse)
def pharmacy_dashboard(request: Request, runtime: RuntimeDep, session: SessionDep, operator: Reader) -> HTMLResponse:
    rows = eprescription_dashboard.dashboard(session, operator, now=runtime.clock())
    return render(request, "on_dashboard.html", rows=rows)


@router.post("/ordonnances-numeriques/facturation/{dispensation_id}", response_class=HTMLResponse)
def send_billing(request: Request, dispensation_id: int, runtime: RuntimeDep, session: SessionDep,
                 operator: Pharmacist) -> HTMLResponse:
    message = eprescription_dashboard.send_billing(session, operator, dispensation_id, now=runtime.clock())
    return HTMLResponse(f'<span role="status">Complément de facturation mis en file ({message.label}).</span>')
