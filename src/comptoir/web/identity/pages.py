"""Pages of patient identity (French): search and creation, the record with its INS panel (INSi
answer beside the record, differences highlighted, the document step), the Vitale reader (F5),
identitovigilance (review, merge, report).

Actions are plain forms (POST, then redirect). A refused action is shown on the page it came from;
its use case rolled its unit of work back: nothing half-written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from comptoir.domain.identity.ins import InsTraits
from comptoir.domain.identity.status import DocumentOutcome, IdentityAttribute, TrustDocument
from comptoir.domain.identity.vitale import VitaleMedium
from comptoir.domain.operators import Permission
from comptoir.errors import ComptoirError, Conflict, ExternalServiceError, NotFound, RuleViolation
from comptoir.services.identity import (
    identitovigilance,
    ins_datamatrix,
    patient_identity,
    patients,
    profile,
    qualify_identity,
)
from comptoir.services.identity.history import EVENT_LABELS
from comptoir.services.identity.identity_sheet import read_identity
from comptoir.services.identity.vitale_reading import identify_from_app, identify_from_card
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.services.platform.unit_of_work import UnitOfWork
from comptoir.web.bounds import (
    MAX_IMAGE_BYTES,
    FormName,
    FormNote,
    FormRecordId,
    FormScannedText,
    RecordId,
    read_upload,
)
from comptoir.web.deps import RuntimeDep, UowDep, require
from comptoir.web.forms import PostedForm, show_form, submit
from comptoir.web.identity.api import READER, InsiDep
from comptoir.web.rendering import is_htmx, render, status_of

router = APIRouter(include_in_schema=False)
Reader = Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]
Writer = Annotated[CurrentOperator, Depends(require(Permission.WRITE_PATIENTS))]
Qualifier = Annotated[CurrentOperator, Depends(require(Permission.QUALIFY_IDENTITY))]
Merger = Annotated[CurrentOperator, Depends(require(Permission.MERGE_PATIENTS))]
REFUSALS = (RuleViolation, Conflict, ExternalServiceError, NotFound)


def attempt(action: Callable[[], Any]) -> tuple[Any, ComptoirError | None]:
    """Run `action`: a refusal (its unit of work rolled back) comes back as the error to show."""
    try:
        return action(), None
    except REFUSALS as exc:
        return None, exc


def see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/patients", response_class=HTMLResponse)
def patient_search(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Reader,
                   q: str = "") -> HTMLResponse:
    found = patients.find_patients(q, uow=uow, operator=operator, now=runtime.clock()) if q.strip() else []
    template = "_patient_results.html" if request.headers.get("hx-request") == "true" else "patients.html"
    return render(request, template, q=q, patients=found)


@router.get("/patients/nouveau", response_class=HTMLResponse)
def new_patient_form(request: Request, _: Writer) -> HTMLResponse:
    # Traits read elsewhere (an ON's QR code at the counter) come prefilled; nothing is saved before the form.
    given = {name: request.query_params[name][:80] for name in PREFILLED if name in request.query_params}
    return show_form(request, "patient_new.html", values=given)


PREFILLED = ("last_name", "first_name", "birth_date", "sex")


@router.post("/patients/nouveau", response_model=None)
def create_patient(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Writer,
                   values: PostedForm) -> Response:
    def create() -> patients.Patient:
        now = runtime.clock()
        new = patients.typed_new_patient(values, today=now.date())
        return patients.create_patient(new, uow=uow, operator=operator, now=now)

    return submit(create, lambda created: see(f"/patients/{created.id}"), request, "patient_new.html", values)


NOTICES = {
    "piece-a-redemander": "Pièce d'identité à redemander (aucune pièce présentée la dernière fois)",
    "dossiers-fusionnes": "Dossiers fusionnés",
    "profil-enregistre": "Profil enregistré",
    "dmp-opposition": "Opposition à l'alimentation du DMP enregistrée",
    "dmp-levee": "Opposition à l'alimentation du DMP levée",
}
"""The only messages `?info=` can show on the patient page: a code in the address, never the text itself
(a crafted link must not print its own words as comptoir's). Unknown codes show nothing."""


def notice_for(code: str) -> str:
    return NOTICES.get(code, "")


def patient_page(request: Request, runtime: Runtime, uow: UnitOfWork, operator: CurrentOperator, patient_id: int,
                 *, error: ComptoirError | None = None, notice: str = "", **extra: Any) -> HTMLResponse:
    context = patient_context(request, runtime, uow, operator, patient_id, error=error, notice=notice)
    return render(request, "patient.html", status_of(error) if error else 200, **(context | extra))


def patient_context(request: Request, runtime: Runtime, uow: UnitOfWork, operator: CurrentOperator,
                    patient_id: int, *, error: ComptoirError | None = None, notice: str = "") -> dict[str, Any]:
    """What the patient page shows: the record with its INS panel, the band and the history."""
    now = runtime.clock()
    sheet = read_identity(patient_id, uow=uow, operator=operator, now=now)
    band = profile.patient_band(patient_id, uow=uow, operator=operator, now=now)
    return {"patient": sheet.patient, "panel": sheet.panel, "proposal": sheet.proposal, "events": sheet.events,
            "event_labels": EVENT_LABELS, "documents": list(TrustDocument), "outcomes": list(DocumentOutcome),
            "attributes": list(IdentityAttribute), "band": band, "editing": False, "values": {}, "errors": {},
            "error": str(error) if error else "",
            "notice": notice or notice_for(request.query_params.get("info", ""))}


@router.get("/patients/{patient_id}", response_class=HTMLResponse)
def show_patient(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep,
                 operator: Reader, profil: Annotated[str, Query(max_length=20)] = "") -> HTMLResponse:
    """The record; `?profil=modifier` opens the profile form in the band (the page without HTMX)."""
    if profil == "modifier" and operator.can(Permission.WRITE_PATIENTS):
        context = patient_context(request, runtime, uow, operator, patient_id)
        return render(request, "patient.html", **(context | {"editing": True,
                                                             "values": context["band"].form_values()}))
    return patient_page(request, runtime, uow, operator, patient_id)


@router.get("/patients/{patient_id}/bandeau", response_class=HTMLResponse)
def patient_band(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep,
                 operator: Reader) -> HTMLResponse:
    """The band alone (a fragment for HTMX, on the patient page and at the counter)."""
    band = profile.patient_band(patient_id, uow=uow, operator=operator, now=runtime.clock())
    return render(request, "_patient_band.html", band=band)


@router.get("/patients/{patient_id}/bandeau/modifier", response_model=None)
def profile_form(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep,
                 operator: Writer) -> Response:
    """The profile form in the band's place (HTMX); without HTMX, the patient page with it."""
    if not is_htmx(request):
        return see(f"/patients/{patient_id}?profil=modifier")
    band = profile.patient_band(patient_id, uow=uow, operator=operator, now=runtime.clock())
    return show_form(request, "_patient_band.html", values=band.form_values(), band=band, editing=True)


@router.post("/patients/{patient_id}/profil", response_model=None)
def save_profile(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Writer,
                 values: PostedForm) -> Response:
    """The profile typed in the band: the band again, or the form with a message beside each refused field (422)."""
    def save() -> object:
        return profile.update_profile(patient_id, values, uow=uow, operator=operator, now=runtime.clock())

    if is_htmx(request):
        return submit(save, lambda _: patient_band(request, patient_id, runtime, uow, operator), request,
                      "_patient_band.html", values, editing=True, context_of=lambda: {
                          "band": profile.patient_band(patient_id, uow=uow, operator=operator, now=runtime.clock())})
    return submit(save, lambda _: see(f"/patients/{patient_id}?info=profil-enregistre"), request, "patient.html",
                  values, editing=True, context_of=lambda: patient_context(request, runtime, uow, operator, patient_id))


def _after(request: Request, runtime: Runtime, uow: UnitOfWork, operator: CurrentOperator, patient_id: int,
           action: Callable[[], Any], notice: str = "") -> Response:
    _, error = attempt(action)
    if error:
        return patient_page(request, runtime, uow, operator, patient_id, error=error)
    return see(f"/patients/{patient_id}" + (f"?info={notice}" if notice else ""))


@router.post("/patients/{patient_id}/insi", response_model=None)
def ask_insi(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Qualifier,
             insi: InsiDep) -> Response:
    return _after(request, runtime, uow, operator, patient_id, lambda: qualify_identity.ask_insi(
        patient_id, uow=uow, operator=operator, insi=insi, now=runtime.clock()))


@router.post("/patients/{patient_id}/insi/accepter", response_model=None)
def accept_insi(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Qualifier,
                answer_id: FormRecordId) -> Response:
    return _after(request, runtime, uow, operator, patient_id, lambda: qualify_identity.accept_insi_identity(
        patient_id, answer_id, uow=uow, operator=operator, now=runtime.clock()))


@router.post("/patients/{patient_id}/piece", response_model=None)
def record_document(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep,
                    operator: Qualifier, outcome: Annotated[DocumentOutcome, Form()],
                    document: Annotated[str, Form(max_length=10)] = "") -> Response:
    chosen = TrustDocument(document) if document in {d.value for d in TrustDocument} else None
    return _after(request, runtime, uow, operator, patient_id, lambda: qualify_identity.record_document(
        patient_id, outcome, document=chosen, prompts=runtime.settings.document_prompts, uow=uow, operator=operator,
        now=runtime.clock()))


@router.post("/patients/{patient_id}/datamatrix", response_model=None)
def scan_datamatrix(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep,
                    operator: Qualifier, insi: InsiDep, text: FormScannedText = "",
                    image: Annotated[UploadFile | None, File()] = None) -> Response:
    # Synchronous, so in the thread pool: it reads the database, decodes an image and calls INSi, which
    # may be this very server (its mounted emulator) and could not answer while the loop is held.
    content = read_upload(image, MAX_IMAGE_BYTES) if image is not None else b""

    def check() -> object:
        payload = text.strip() or ins_datamatrix.datamatrix_text_of_image(content)
        return ins_datamatrix.check_datamatrix(patient_id, payload, uow=uow, operator=operator, insi=insi,
                                               now=runtime.clock())

    return _after(request, runtime, uow, operator, patient_id, check)


@router.post("/patients/{patient_id}/attribut", response_model=None)
def set_attribute(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Qualifier,
                  attribute: Annotated[IdentityAttribute, Form()], reason: FormNote = "",
                  present: Annotated[bool, Form()] = True) -> Response:
    return _after(request, runtime, uow, operator, patient_id, lambda: patient_identity.set_attribute(
        patient_id, attribute, present=present, reason=reason, uow=uow, operator=operator, now=runtime.clock()))


@router.post("/patients/{patient_id}/traits", response_model=None)
def correct_traits(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Qualifier,
                   birth_name: FormName, birth_given_names: FormName,
                   birth_date: Annotated[date, Form()], sex: Annotated[str, Form()],
                   birth_place: Annotated[str, Form(max_length=5)] = "", reason: FormNote = "") -> Response:
    traits = InsTraits(birth_name, birth_given_names, birth_date, sex, birth_place)
    return _after(request, runtime, uow, operator, patient_id, lambda: patient_identity.update_traits(
        patient_id, traits, reason=reason, uow=uow, operator=operator, now=runtime.clock()))


def counter_return(target: str) -> str:
    """Where the Vitale reader sends the identified patient back: a counter basket (F5 on /comptoir), or ""."""
    return target if re.fullmatch(r"/comptoir/\d{1,10}", target) else ""


@router.get("/vitale", response_class=HTMLResponse)
def vitale_reader(request: Request, _: Qualifier, carte: str = "", support: str = "carte",
                  retour: str = "") -> HTMLResponse:
    medium = VitaleMedium.APP if support == "appli" else VitaleMedium.CARD
    card, error = None, None
    if carte:
        try:
            card = READER.read(carte, medium)
        except REFUSALS as exc:
            error = exc
    return render(request, "vitale.html", status_of(error) if error else 200, cards=READER.inserted(), card=card,
                  medium=medium, selected=carte, error=str(error) if error else "", retour=counter_return(retour))


@router.post("/vitale/identifier", response_model=None)
def vitale_identify(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Qualifier, insi: InsiDep,
                    carte: Annotated[str, Form(max_length=64)], support: Annotated[VitaleMedium, Form()],
                    beneficiaire: Annotated[int, Form(ge=0, le=20)],
                    retour: Annotated[str, Form(max_length=40)] = "") -> Response:
    def identify() -> Any:
        card, now = READER.read(carte, support), runtime.clock()
        if support is VitaleMedium.APP:
            return identify_from_app(card, beneficiaire, uow=uow, operator=operator, now=now)
        return identify_from_card(card, beneficiaire, uow=uow, operator=operator, insi=insi, now=now)

    found, error = attempt(identify)
    if error:
        return render(request, "vitale.html", status_of(error), cards=READER.inserted(), card=None, medium=support,
                      selected=carte, error=str(error), retour=counter_return(retour))
    if counter_return(retour):
        return see(f"{counter_return(retour)}?patient={found.patient.id}")
    notice = "piece-a-redemander" if found.ask_for_document else ""
    return see(f"/patients/{found.patient.id}" + (f"?info={notice}" if notice else ""))


@router.get("/identitovigilance", response_class=HTMLResponse)
def vigilance(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Reader) -> HTMLResponse:
    now = runtime.clock()
    items = identitovigilance.pending(uow=uow, operator=operator, now=now)
    report = identitovigilance.report(uow=uow, operator=operator, now=now)
    return render(request, "identitovigilance.html", items=items, report=report,
                  found=request.query_params.get("nouvelles"))


@router.post("/identitovigilance/detecter")
def detect(runtime: RuntimeDep, uow: UowDep, operator: Qualifier) -> RedirectResponse:
    added = identitovigilance.detect(uow=uow, operator=operator, now=runtime.clock())
    return see(f"/identitovigilance?nouvelles={added}")


@router.get("/identitovigilance/{review_id}", response_class=HTMLResponse)
def review_page(request: Request, review_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Reader,
                error: str = "") -> HTMLResponse:
    item = identitovigilance.review(review_id, uow=uow, operator=operator, now=runtime.clock())
    today = runtime.clock().date()
    return render(request, "review.html", item=item, error=error,
                  panels=[patient_identity.panel(p, today=today) for p in (item.first, item.second)])


@router.post("/identitovigilance/{review_id}/ecarter", response_model=None)
def dismiss(request: Request, review_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Qualifier,
            note: FormNote = "") -> Response:
    _, error = attempt(lambda: identitovigilance.dismiss(review_id, note=note, uow=uow, operator=operator,
                                                         now=runtime.clock()))
    return review_page(request, review_id, runtime, uow, operator, str(error)) if error else see(
        "/identitovigilance")


@router.post("/identitovigilance/{review_id}/fusionner", response_model=None)
def merge(request: Request, review_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Merger,
          keep_id: FormRecordId, merge_id: FormRecordId,
          reason: FormNote = "") -> Response:
    kept, error = attempt(lambda: identitovigilance.merge(keep_id=keep_id, merge_id=merge_id, reason=reason, uow=uow,
                                                          operator=operator, now=runtime.clock()))
    if error:
        return review_page(request, review_id, runtime, uow, operator, str(error))
    return see(f"/patients/{kept.id}?info=dossiers-fusionnes")
