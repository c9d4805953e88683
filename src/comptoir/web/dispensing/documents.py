"""A dispensation's documents: the paper prescription's scan (shown inline, never cached), the list of its
documents, the avis pharmaceutique for the prescriber (PDF); and the scan taken at F6 for a basket.
Health data: READ_PATIENTS; every read audited by the use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from comptoir.domain.operators import Permission
from comptoir.services.dispensing import avis, expensive, scans
from comptoir.services.dispensing.cancel import cancel_dispensation
from comptoir.services.platform.operators import CurrentOperator
from comptoir.web.bounds import MAX_ID, RecordId, read_upload
from comptoir.web.deps import RuntimeDep, UowDep, require
from comptoir.web.dispensing.work import see
from comptoir.web.forms import PostedForm, submit
from comptoir.web.rendering import is_htmx, render

router = APIRouter()
Reader = Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]
Pharmacist = Annotated[CurrentOperator, Depends(require(Permission.PHARMACIST_ACT))]
BasketRef = Annotated[str, Path(min_length=1, max_length=scans.BASKET_REF_MAX, pattern=r"^[A-Za-z0-9_-]+$",
                                description="Référence du panier")]
PRIVATE = {"Cache-Control": "no-store, private", "Pragma": "no-cache"}
"""A prescription's image is health data: no copy in any cache, the browser's included."""


@router.get("/delivrances/{dispensation_id}/ordonnance", response_class=Response, include_in_schema=False)
def prescription_scan(dispensation_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Reader,
                      document: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> Response:
    scan = scans.scan_of(dispensation_id, uow=uow, operator=operator, now=runtime.clock(), document_id=document)
    extension = {"image/jpeg": "jpg", "image/png": "png"}.get(scan.content_type, "pdf")
    return Response(scan.content, media_type=scan.content_type, headers={
        **PRIVATE, "Content-Disposition": f'inline; filename="ordonnance-{dispensation_id}.{extension}"'})


@router.get("/delivrances/{dispensation_id}/documents", response_class=HTMLResponse, include_in_schema=False)
def dispensation_documents(request: Request, dispensation_id: RecordId, runtime: RuntimeDep, uow: UowDep,
                           operator: Reader) -> HTMLResponse:
    found = scans.documents_of(dispensation_id, uow=uow, operator=operator, now=runtime.clock())
    template = "_dispensation_documents.html" if is_htmx(request) else "dispensation_documents.html"
    return render(request, template, dispensation_id=dispensation_id, documents=found, values={}, errors={},
                  expensive_check=expensive.check_of(dispensation_id, uow=uow))


@router.post("/delivrances/{dispensation_id}/documents", response_model=None, include_in_schema=False)
def cancel_from_documents(request: Request, dispensation_id: RecordId, runtime: RuntimeDep, uow: UowDep,
                          operator: Pharmacist, values: PostedForm) -> Response:
    """"Annuler la délivrance" (same day only): the reason is required; a refusal comes back beside it."""
    def documents() -> dict[str, object]:
        return {"dispensation_id": dispensation_id,
                "documents": scans.documents_of(dispensation_id, uow=uow, operator=operator, now=runtime.clock()),
                "expensive_check": expensive.check_of(dispensation_id, uow=uow)}

    return submit(lambda: cancel_dispensation(dispensation_id, values.get("reason", ""), uow=uow,
                                              operator=operator, now=runtime.clock()),
                  lambda _: see(f"/delivrances/{dispensation_id}/documents"), request,
                  "dispensation_documents.html", values, context_of=documents)


@router.get("/delivrances/{dispensation_id}/avis.pdf", response_class=Response, include_in_schema=False)
def avis_pharmaceutique(dispensation_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Reader) -> Response:
    document = avis.dispensation_avis(dispensation_id, uow=uow, operator=operator, now=runtime.clock())
    return Response(document, media_type="application/pdf", headers={
        **PRIVATE, "Content-Disposition": f'inline; filename="avis-pharmaceutique-{dispensation_id}.pdf"'})


@router.post("/api/paniers/{basket_ref}/ordonnance", tags=["délivrance"])
def take_prescription_scan(basket_ref: BasketRef, runtime: RuntimeDep, uow: UowDep, operator: Reader,
                           file: Annotated[UploadFile, File()]) -> dict[str, object]:
    """Keep the paper prescription's scan (JPEG, PNG or PDF, checked by its content) for the basket until its
    validation ties it to the dispensation; a basket abandoned for a day loses it."""
    content = read_upload(file, scans.MAX_SCAN_BYTES)
    document_id = scans.take_scan(content, file.content_type or "", basket_ref=basket_ref, uow=uow,
                                  operator=operator, now=runtime.clock())
    return {"id": document_id, "basket_ref": basket_ref}
