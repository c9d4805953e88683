"""Pages of the DMP (French): the patient's DMP read from his record (status, documents, each one opened), a
pharmacist's report added to it (bilan partagé de médication, compte rendu d'entretien), his
opposition to the feeding by the pharmacy, and the « Documents Ségur non envoyés » with their actions.

The DMP client is built once per app from the settings (like the INSi's). A DMP that is down or refuses is said
on the page, in French; the use cases audit every list and every opening.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from comptoir.domain.operators import Permission
from comptoir.errors import ComptoirError, ExternalServiceError, NotFound, RuleViolation
from comptoir.national.dmp.client import DmpClient
from comptoir.national.dmp.port import Dmp, Visibility
from comptoir.services.dmp import feed, reading, reports, unsent
from comptoir.services.dmp.messages import dmp_client
from comptoir.services.platform.operators import CurrentOperator
from comptoir.web.bounds import RecordId
from comptoir.web.deps import RuntimeDep, UowDep, require
from comptoir.web.forms import PostedForm, show_form, submit
from comptoir.web.rendering import render, status_of

router = APIRouter(include_in_schema=False)
Reader = Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]
DmpReader = Annotated[CurrentOperator, Depends(require(Permission.READ_DMP))]
Writer = Annotated[CurrentOperator, Depends(require(Permission.WRITE_PATIENTS))]
Pharmacist = Annotated[CurrentOperator, Depends(require(Permission.PHARMACIST_ACT))]
UniqueId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[0-9A-Za-z.\-]+(\^[0-9A-Za-z.\-]+)?$",
                               description="Identifiant du document dans le DMP : racine OID, ou racine^extension")]
NOTICES = {"envoye": "Document mis en file d'envoi vers le DMP.",
           "compte-rendu": "Compte rendu enregistré pour le DMP (envoyé si l'identité est qualifiée)."}
MASKS = {"masque_ps": Visibility.MASKED_FROM_PROFESSIONALS, "invisible_patient": Visibility.INVISIBLE_TO_PATIENT,
         "invisible_representants": Visibility.INVISIBLE_TO_LEGAL_REPRESENTATIVES}
"""The report form's checkboxes and the masks they ask (SPEC §5.3)."""


def get_dmp(request: Request, runtime: RuntimeDep) -> Dmp:
    """The DMP client of this app (one connection pool), built from the settings on first use."""
    client: DmpClient | None = getattr(request.app.state, "dmp", None)
    if client is None:
        client = dmp_client(runtime)
        request.app.state.dmp = client
    return client


DmpDep = Annotated[Dmp, Depends(get_dmp)]


@router.get("/patients/{patient_id}/dmp", response_class=HTMLResponse)
def patient_dmp(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: DmpReader,
                dmp: DmpDep) -> HTMLResponse:
    read = reading.patient_dmp(patient_id, uow=uow, operator=operator, dmp=dmp, now=runtime.clock())
    opposed = feed.is_opposed(patient_id, uow=uow, operator=operator)
    notice = NOTICES.get(request.query_params.get("info", ""), "")
    return render(request, "dmp_patient.html", patient_id=patient_id, read=read, opposed=opposed, notice=notice)


@router.get("/patients/{patient_id}/dmp/compte-rendu", response_class=HTMLResponse)
def report_form(request: Request, patient_id: RecordId, operator: Pharmacist) -> HTMLResponse:
    first = next(iter(reports.REPORT_TYPES))
    return show_form(request, "dmp_report.html", values={"type_code": first, "title": reports.REPORT_TYPES[first]},
                     patient_id=patient_id, types=reports.REPORT_TYPES)


@router.post("/patients/{patient_id}/dmp/compte-rendu", response_model=None)
def share_report(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Pharmacist,
                 values: PostedForm, pdf: Annotated[UploadFile | None, File()] = None) -> Response:
    # One byte past the limit is enough to refuse it beside the field; never more in memory.
    content = pdf.file.read(reports.MAX_PDF_BYTES + 1) if pdf is not None and pdf.filename else None
    visibility = tuple(mask for name, mask in MASKS.items() if values.get(name) == "on")
    return submit(lambda: reports.share_report(
        uow, patient_id=patient_id, type_code=values.get("type_code", ""), title=values.get("title", ""),
        text=values.get("text", ""), pdf=content, visibility=visibility, operator=operator, now=runtime.clock()),
        lambda _: RedirectResponse(f"/patients/{patient_id}/dmp?info=compte-rendu", status_code=303),
        request, "dmp_report.html", values, patient_id=patient_id, types=reports.REPORT_TYPES)


@router.get("/patients/{patient_id}/dmp/panneau", response_class=HTMLResponse)
def dmp_panel(request: Request, patient_id: RecordId, uow: UowDep, operator: Reader) -> HTMLResponse:
    """The patient page's DMP panel: the opposition to the feeding and the way to the DMP (HTMX fragment)."""
    opposed = feed.is_opposed(patient_id, uow=uow, operator=operator)
    return render(request, "_dmp_panel.html", patient_id=patient_id, opposed=opposed)


@router.post("/patients/{patient_id}/dmp/opposition", response_class=RedirectResponse)
def set_opposition(patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Writer,
                   opposed: Annotated[str, Form(max_length=3)] = "") -> RedirectResponse:
    said = opposed == "oui"
    feed.set_opposition(patient_id, said, uow=uow, operator=operator, now=runtime.clock())
    return RedirectResponse(f"/patients/{patient_id}?info={'dmp-opposition' if said else 'dmp-levee'}",
                            status_code=303)


@router.get("/patients/{patient_id}/dmp/documents/{unique_id}", response_class=HTMLResponse)
def open_document(request: Request, patient_id: RecordId, unique_id: UniqueId, runtime: RuntimeDep, uow: UowDep,
                  operator: DmpReader, dmp: DmpDep) -> HTMLResponse:
    try:
        opened = reading.open_document(patient_id, unique_id, uow=uow, operator=operator, dmp=dmp,
                                       now=runtime.clock())
    except (ExternalServiceError, NotFound, RuleViolation) as exc:
        return _refused(request, patient_id, exc)
    return render(request, "dmp_document.html", patient_id=patient_id, opened=opened)


@router.get("/patients/{patient_id}/dmp/documents/{unique_id}/pdf", response_model=None)
def document_pdf(request: Request, patient_id: RecordId, unique_id: UniqueId, runtime: RuntimeDep, uow: UowDep,
                 operator: DmpReader, dmp: DmpDep) -> Response:
    try:
        pdf = reading.document_pdf(patient_id, unique_id, uow=uow, operator=operator, dmp=dmp, now=runtime.clock())
    except (ExternalServiceError, NotFound, RuleViolation) as exc:
        return _refused(request, patient_id, exc)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": "inline; filename=document-dmp.pdf", "Cache-Control": "no-store"})


def _refused(request: Request, patient_id: int, error: ComptoirError) -> HTMLResponse:
    return render(request, "dmp_document.html", status_of(error), patient_id=patient_id, opened=None,
                  error=str(error))


@router.get("/dmp/non-envoyes", response_class=HTMLResponse)
def unsent_page(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Reader) -> HTMLResponse:
    documents = unsent.unsent_documents(uow=uow, operator=operator, now=runtime.clock())
    notice = NOTICES.get(request.query_params.get("info", ""), "")
    return render(request, "dmp_unsent.html", documents=documents, notice=notice)


@router.post("/dmp/non-envoyes/{document_id}/envoyer", response_model=None)
def send_page(request: Request, document_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Pharmacist,
              confirmed: Annotated[str, Form(max_length=3)] = "") -> Response:
    try:
        unsent.send_to_dmp(document_id, confirmed=confirmed == "oui", uow=uow, operator=operator,
                           now=runtime.clock())
    except (RuleViolation, NotFound) as exc:
        documents = unsent.unsent_documents(uow=uow, operator=operator, now=runtime.clock())
        return render(request, "dmp_unsent.html", status_of(exc), documents=documents,
                      errors={document_id: str(exc)})
    return RedirectResponse("/dmp/non-envoyes?info=envoye", status_code=303)
