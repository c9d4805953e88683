"""JSON API of the ordonnance numérique: the prescriber's ONs (create, list, PDF, QR, deliveries seen),
the counter's scan, control and dispensing, the pharmacy's dashboard, QR decoding. Thin: parse, call
one service, render."""

from __future__ import annotations

import base64
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import Field

from comptoir.domain import bounds
from comptoir.domain.eprescription import prescription as rx
from comptoir.domain.eprescription.prescribing import LinesRefused
from comptoir.domain.operators import Permission
from comptoir.errors import FieldErrors, RuleViolation
from comptoir.national.eprescription import mapping
from comptoir.national.eprescription.client import EPrescriptionClient
from comptoir.national.eprescription.port import EPrescriptionBase
from comptoir.national.http import HttpPolicy
from comptoir.reading.prescription_qr import read_qr
from comptoir.services.eprescription import dashboard as eprescription_dashboard
from comptoir.services.eprescription import dispense as eprescription_dispense
from comptoir.services.eprescription import prescriber as eprescription_prescriber
from comptoir.services.eprescription import scan as scanning
from comptoir.services.eprescription.dispense import DispenseRequest, LineChoice
from comptoir.services.eprescription.document import qr_png
from comptoir.services.eprescription.prescriber import LineInput, NewPatient, PrescriptionForm
from comptoir.services.platform.operators import CurrentOperator
from comptoir.web.bounds import (
    ApiModel,
    BodyRecordId,
    ImageBase64,
    Note,
    OptionalBodyRecordId,
    Posology,
    PrescriptionId,
    RecordId,
    ScannedText,
    ShortText,
)
from comptoir.web.deps import RuntimeDep, UowDep, require

router = APIRouter(prefix="/api", tags=["ordonnance numérique"])
Prescriber = Annotated[CurrentOperator, Depends(require(Permission.PRESCRIBE))]
Reader = Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]
Pharmacist = Annotated[CurrentOperator, Depends(require(Permission.PHARMACIST_ACT))]


def get_on_base(request: Request, runtime: RuntimeDep) -> EPrescriptionBase:
    """The counter's ON base client (the pharmacy's credential)."""
    return _base_client(request, runtime, "on_base", runtime.settings.eprescription_token)


def get_prescriber_base(request: Request, runtime: RuntimeDep) -> EPrescriptionBase:
    """The prescriber module's ON base client (the prescriber's credential)."""
    return _base_client(request, runtime, "on_base_prescriber", runtime.settings.eprescription_prescriber_token)


def _base_client(request: Request, runtime: RuntimeDep, name: str, token: str) -> EPrescriptionBase:
    # One client per credential and per app (one connection pool), built on first use.
    client: EPrescriptionBase | None = getattr(request.app.state, name, None)
    if client is None:
        settings = runtime.settings
        client = EPrescriptionClient.at(settings.eprescription_url,
                                        HttpPolicy(timeout_s=settings.eprescription_timeout_s), token=token)
        setattr(request.app.state, name, client)
    return client


BaseDep = Annotated[EPrescriptionBase, Depends(get_on_base)]
PrescriberBaseDep = Annotated[EPrescriptionBase, Depends(get_prescriber_base)]


class LineIn(ApiModel):
    text: ShortText = Field(min_length=1, description="Médicament, dispositif ou préparation (nom, DCI, CIP13)")
    posology: Posology = ""
    duration_days: int | None = Field(default=None, ge=1, le=366)
    renewals: int = Field(default=0, ge=0, le=12)
    kind: Literal["medicament", "dispositif", "preparation"] = "medicament"
    substitutable: bool = True
    reason: Literal["MTE", "EFG", "CIF"] | None = None
    ald: bool = False
    outside_on: bool = Field(default=False, description="Produit hors ordonnance numérique (imprimé à part)")


class NewPatientIn(ApiModel):
    last_name: str = Field(min_length=1, max_length=100)
    first_name: str = Field(min_length=1, max_length=100)
    birth_date: date
    sex: str = Field(pattern="^[FM]$")


class PrescriptionIn(ApiModel):
    patient_id: BodyRecordId | None = Field(default=None, description="Un patient de vos ordonnances précédentes")
    patient: NewPatientIn | None = Field(default=None, description="Ou l'identité d'un nouveau patient")
    lines: list[LineIn] = Field(min_length=1, max_length=bounds.LINES_MAX)
    consent: bool | None = Field(default=None, description="Consentement ; absent : celui du dossier")
    comment: Note = ""


def form_of(body: PrescriptionIn) -> PrescriptionForm:
    lines = tuple(LineInput(x.text, x.posology, x.duration_days, x.renewals, rx.LineKind(x.kind), x.substitutable,
                            x.reason, x.ald, x.outside_on) for x in body.lines)
    typed = NewPatient(body.patient.last_name, body.patient.first_name, body.patient.birth_date,
                       body.patient.sex) if body.patient else None
    return PrescriptionForm(body.patient_id, lines, body.consent, body.comment, new_patient=typed)


@router.post("/prescriptions", status_code=201)
def create_prescription(body: PrescriptionIn, runtime: RuntimeDep, uow: UowDep, operator: Prescriber,
                        base: PrescriberBaseDep) -> dict[str, object]:
    """Compose and record an ON; without the base's record, no id and no QR (the PDF says so). A line the
    counter would reject answers 422, a French message per line's field (`lines.<n>.<field>`, n from 0); a
    text naming several products lists them with their CIS, to send instead."""
    try:
        issued = eprescription_prescriber.create_prescription(
            form_of(body), uow=uow, operator=operator, base=base, references=runtime.analysis_reference,
            now=runtime.clock())
    except LinesRefused as refused:
        raise FieldErrors(refused.messages(lambda p: f"lines.{p.position}.{p.field}", with_candidates=True)) from None
    return {"id": issued.id, "prescription_id": issued.prescription_id, "recorded": issued.recorded,
            "failure": issued.failure, "qr_payload": issued.qr_payload, "secure": issued.secure,
            "lines": issued.lines, "outside_lines": issued.outside_lines,
            "pdf": f"/api/prescriptions/{issued.id}/pdf"}


@router.get("/prescriptions")
def prescriber_dashboard(runtime: RuntimeDep, uow: UowDep, operator: Prescriber,
                         base: PrescriberBaseDep) -> dict[str, object]:
    """The prescriber's ONs and what the base says of each (consultations, deliveries)."""
    found = eprescription_prescriber.dashboard(uow=uow, operator=operator, base=base, now=runtime.clock())
    return {"problem": found.problem, "prescriptions": [
        {"id": r.issued.id, "prescription_id": r.issued.prescription_id, "recorded": r.issued.recorded,
         "created_at": r.issued.created_at.isoformat(), "patient": r.issued.patient,
         "status": r.summary.status if r.summary else None,
         "consultations": r.summary.consultations if r.summary else None,
         "executions": r.summary.executions if r.summary else None} for r in found.rows]}


@router.get("/prescriptions/{issued_id}/pdf", response_class=Response)
def prescription_pdf(issued_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Prescriber) -> Response:
    """The PDF of an ON (with its QR code when recorded in the base)."""
    document = eprescription_prescriber.issued_pdf(issued_id, uow=uow, operator=operator, now=runtime.clock())
    return Response(document, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="ordonnance-{issued_id}.pdf"'})


@router.get("/prescriptions/{issued_id}/qr.png", response_class=Response)
def prescription_qr(issued_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Prescriber) -> Response:
    """The ON's QR code as a PNG image (404 when the base did not record it)."""
    issued = eprescription_prescriber.issued_one(issued_id, uow=uow, operator=operator, now=runtime.clock())
    if not issued.qr_payload:
        return Response(status_code=404)
    return Response(qr_png(issued.qr_payload), media_type="image/png")


@router.get("/prescriptions/{issued_id}/deliveries")
def prescriber_deliveries(issued_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Prescriber,
                          base: PrescriberBaseDep) -> dict[str, object]:
    """What was delivered, only when the patient agreed."""
    issued = eprescription_prescriber.issued_one(issued_id, uow=uow, operator=operator, now=runtime.clock())
    view = eprescription_prescriber.deliveries_seen(issued, uow=uow, operator=operator, base=base, now=runtime.clock())
    if view is None:
        return {"consent": issued.consent, "status": None, "executions": []}
    return {"consent": view.consent, "status": view.status,
            "executions": [mapping.execution_wire(e).model_dump(mode="json") for e in view.executions]}


def image_of(encoded: str) -> bytes:
    try:
        return base64.b64decode(encoded, validate=True)
    except ValueError as exc:
        raise RuleViolation("Image mal encodée (base 64 attendu).") from exc


class ScanIn(ApiModel):
    code: ScannedText = Field(default="", description="Texte du QR code (lecteur USB) ou identifiant de 18 caractères")
    image_base64: ImageBase64 = Field(default="", description="Photo ou scan du QR code (PNG, JPEG), en base 64")
    patient_id: OptionalBodyRecordId = None


@router.post("/eprescriptions/scan")
def scan(body: ScanIn, runtime: RuntimeDep, uow: UowDep, operator: Reader, base: BaseDep) -> dict[str, object]:
    """Read the QR (or the typed id), fetch the ON from the base, check it against the QR and the patient."""
    text = scanning.decode_image(image_of(body.image_base64)) if body.image_base64 else body.code
    found = scanning.scan(text, uow=uow, operator=operator, base=base, patient_id=body.patient_id, now=runtime.clock())
    return {"qr": found.content.contract(), "status": found.status.value, "status_label": found.status.label,
            "patient_mismatch": found.patient_mismatch,
            "prescription": mapping.prescription_wire(found.prescription, found.status.value).model_dump(mode="json")}


class ChoiceIn(ApiModel):
    line: int = Field(ge=1, le=bounds.LINES_MAX)
    cip13: str | None = Field(default=None, pattern=r"^\d{13}$")
    quantity: int = Field(ge=0, le=bounds.BOXES_MAX)
    posology: Posology = ""
    problem: ShortText | None = None
    intervention: ShortText | None = None
    comment: Note = ""


class DispenseIn(ApiModel):
    patient_id: BodyRecordId
    renewal: int = Field(default=0, ge=0, le=bounds.RENEWALS_MAX)
    lines: list[ChoiceIn] = Field(min_length=1, max_length=bounds.LINES_MAX)


def request_of(prescription_id: str, body: DispenseIn) -> DispenseRequest:
    choices = tuple(LineChoice(c.line, c.cip13, c.quantity, c.posology,
                               rx.Intervention(c.problem, c.intervention, None, c.comment)
                               if c.problem and c.intervention else None) for c in body.lines)
    return DispenseRequest(prescription_id.upper(), body.patient_id, body.renewal, choices)


@router.post("/eprescriptions/{prescription_id}/control")
def control(prescription_id: PrescriptionId, body: DispenseIn, runtime: RuntimeDep, uow: UowDep,
            operator: Reader) -> dict[str, object]:
    """The control window: every difference between prescribed and dispensed (nothing recorded)."""
    _, checked = eprescription_dispense.check(request_of(prescription_id, body), uow=uow, now=runtime.clock())
    return {"lines": [{"line": c.line.number, "prescribed": c.line.text, "given": c.choice.label,
                       "quantity": c.given.quantity, "needed": c.choice.needed, "partial": c.choice.partial,
                       "differences": list(c.differences)} for c in checked]}


@router.post("/eprescriptions/{prescription_id}/dispense", status_code=201)
def dispense(prescription_id: PrescriptionId, body: DispenseIn, runtime: RuntimeDep, uow: UowDep,
             operator: Pharmacist) -> dict[str, object]:
    """Validate the dispensing (pharmacist): recorded here, its execution queued for the base."""
    row = eprescription_dispense.dispense(request_of(prescription_id, body), uow=uow, operator=operator,
                                          now=runtime.clock()).dispensation
    return {"dispensation_id": row.id, "execution_key": row.execution_key, "prescription_id": row.prescription_id}


@router.get("/eprescriptions")
def pharmacy_dashboard(runtime: RuntimeDep, uow: UowDep, operator: Reader) -> list[dict[str, object]]:
    """The ONs consulted here: status, deliveries here (transmitted?), lines delivered elsewhere with their date."""
    rows = eprescription_dashboard.dashboard(uow=uow, operator=operator, now=runtime.clock())
    return [{"prescription_id": r.record.prescription_id, "status": r.status,
             "here": [{"dispensation_id": h.dispensation.id, "transmission": h.transmission} for h in r.here],
             "elsewhere": [{"line": d.line_number, "date": e.at.isoformat(), "pharmacy": e.pharmacy_name}
                           for e, d in r.elsewhere]} for r in rows]


class QrIn(ApiModel):
    image_base64: ImageBase64 = ""
    text: ScannedText = ""


@router.post("/qr/decode")
def decode_qr(body: QrIn, _: Reader) -> dict[str, object]:
    """Decode an ON QR code (image or text): the contract of `comptoir qr decode --json`."""
    text = scanning.decode_image(image_of(body.image_base64)) if body.image_base64 else body.text
    return read_qr(text).contract()
