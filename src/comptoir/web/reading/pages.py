"""Paper prescriptions at the counter: upload or scan (F6) → the proposed lines, editable → the analysis.

The confirmed lines go to the analysis page (`ANALYSIS_PAGE`) in the fields it reads, and the JSON API
gives, beside the reading, the same lines as an analysis case ready for `POST /api/analysis`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse

from comptoir.domain.operators import Permission
from comptoir.services.platform.audit_log import Actor
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.services.reading import read_prescription as reading
from comptoir.web.bounds import read_upload
from comptoir.web.deps import RuntimeDep, UowDep, require
from comptoir.web.rendering import render

router = APIRouter()
Reader = Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]
ANALYSIS_PAGE = "/analyse"
ANALYSIS_LINES = 8
"""The analysis page reads this many lines (`drug_0` … `drug_7`, `posology_0` …)."""


def _uploaded(file: UploadFile) -> bytes:
    return read_upload(file, reading.MAX_UPLOAD_BYTES)


def _slots(runtime: Runtime) -> reading.OcrSlots:
    return reading.ocr_slots(runtime.settings.ocr_jobs, runtime.settings.ocr_wait_s)


@router.get("/ordonnances/lecture", response_class=HTMLResponse, include_in_schema=False)
def reading_form(request: Request, _: Reader) -> HTMLResponse:
    return render(request, "prescription_reading.html", result=None)


@router.post("/ordonnances/lecture", response_class=HTMLResponse, include_in_schema=False)
def reading_page(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Reader,
                 file: Annotated[UploadFile, File()]) -> HTMLResponse:
    result = reading.read_paper_prescription(_uploaded(file), uow=uow, drug_index=runtime.drug_index,
                                             actor=Actor(operator.code, operator.workstation), now=runtime.clock(),
                                             slots=_slots(runtime))
    return render(request, "prescription_reading.html", result=result.contract(), file_name=file.filename,
                  analysis_page=ANALYSIS_PAGE, analysis_lines=ANALYSIS_LINES,
                  today=runtime.clock().date().isoformat())


@router.post("/api/prescriptions/read", tags=["ordonnances"])
def read_api(runtime: RuntimeDep, uow: UowDep, operator: Reader,
             file: Annotated[UploadFile, File()]) -> dict[str, object]:
    """Read a paper prescription (PNG, JPEG or scanned PDF): prescriber, patient, date, lines with their
    product, confidence and posology; `analysis_case` is the same, ready for `POST /api/analysis`."""
    result = reading.read_paper_prescription(_uploaded(file), uow=uow, drug_index=runtime.drug_index,
                                             actor=Actor(operator.code, operator.workstation), now=runtime.clock(),
                                             slots=_slots(runtime))
    case = reading.analysis_case(result, today=runtime.clock().date().isoformat())
    return {**result.contract(), "analysis_case": case}
