"""The paper prescription at the counter (F6): the photo or scan read by the OCR (services/reading), its lines
corrected in the window, then added to the basket with the image, kept as the prescription's scan and shown
beside it until validation ties it to the dispensation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from comptoir.domain import bounds
from comptoir.errors import ComptoirError, FieldErrors, RuleViolation
from comptoir.services.dispensing import basket as baskets
from comptoir.services.dispensing.pending_scan import basket_scan
from comptoir.services.platform.audit_log import Actor
from comptoir.services.reading import read_prescription as reading
from comptoir.web.bounds import FormShortText, RecordId, read_upload
from comptoir.web.dispensing import forms, screen
from comptoir.web.dispensing.work import CounterDep, see, show
from comptoir.web.rendering import is_htmx, render, status_of

router = APIRouter(include_in_schema=False)


def _image(file: UploadFile | None) -> bytes | None:
    if file is None or not file.filename:
        return None
    content = read_upload(file, reading.MAX_UPLOAD_BYTES)
    return content or None


@router.post("/comptoir/{basket_id}/papier/lecture", response_class=HTMLResponse)
def read_paper(request: Request, basket_id: RecordId, counter: CounterDep,
               file: Annotated[UploadFile | None, File()] = None) -> HTMLResponse:
    image = _image(file)
    if image is None:
        return render(request, "_counter_paper_lines.html", 422, paper=None,
                      reading_error="Choisissez d'abord la photo ou le scan de l'ordonnance.")
    try:
        result = reading.read_paper_prescription(
            image, uow=counter.uow, drug_index=counter.runtime.drug_index, now=counter.now,
            actor=Actor(counter.operator.code, counter.operator.workstation),
            slots=reading.ocr_slots(counter.runtime.settings.ocr_jobs, counter.runtime.settings.ocr_wait_s))
    except ComptoirError as exc:
        return render(request, "_counter_paper_lines.html", status_of(exc), paper=None, reading_error=str(exc))
    return render(request, "_counter_paper_lines.html", paper=screen.paper_table_read(result.contract()))


@router.post("/comptoir/{basket_id}/papier", response_model=None)
def add_paper(request: Request, basket_id: RecordId, counter: CounterDep,
              file: Annotated[UploadFile | None, File()] = None,
              drug: Annotated[list[str] | None, Form()] = None, posology: Annotated[list[str] | None, Form()] = None,
              prescriber_name: FormShortText = "", prescriber_rpps: FormShortText = "",
              prescribed_on: FormShortText = "") -> Response:
    header = {"prescriber_name": prescriber_name, "prescriber_rpps": prescriber_rpps, "prescribed_on": prescribed_on}
    drugs, posologies = _bounded_rows(drug), _bounded_rows(posology)
    image = _image(file)
    try:
        lines, prescription = forms.paper_lines(drugs, posologies), forms.prescription_input(header)
        # The header first: a refused RPPS or date leaves the basket without the lines, to be sent again.
        if any(header.values()):
            baskets.set_prescription(basket_id, prescription, **counter.tools())
        view = baskets.add_paper_lines(basket_id, lines, image, file.content_type if file and image else None,
                                       **counter.tools())
    except (FieldErrors, RuleViolation) as exc:
        response = render(request, "_counter_paper_lines.html", status_of(exc), reading_error=str(exc),
                          paper=screen.paper_table_typed(header, drugs, posologies))
        response.headers.update({"HX-Retarget": "#paper-lines", "HX-Reswap": "innerHTML"})
        return response
    return show(request, counter, view) if is_htmx(request) else see(f"/comptoir/{basket_id}")


def _bounded_rows(values: list[str] | None) -> list[str]:
    rows = values or []
    if len(rows) > bounds.LINES_MAX + 1 or any(len(v) > bounds.POSOLOGY_MAX for v in rows):
        raise RuleViolation(f"{bounds.LINES_MAX} lignes au plus, de {bounds.POSOLOGY_MAX} caractères au plus.")
    return rows


@router.get("/comptoir/{basket_id}/ordonnance-scannee", response_class=Response)
def paper_scan(basket_id: RecordId, counter: CounterDep) -> Response:
    """The image taken at F6, shown in the prescription pane until validation ties it to the dispensation."""
    found = basket_scan(basket_id, **counter.reading())
    return Response(found.content, media_type=found.content_type,
                    headers={"Cache-Control": "no-store, private", "Content-Disposition": "inline"})


