"""The vaccination page (French, keyboard and scanner first): reached from the patient page and the counter, it
shows the vaccines this patient may receive today, takes the pack's DataMatrix in its scan box (Enter fills the
CIP13, lot and expiry), asks the questions (oui/non), route and site (IM, deltoïde by default), the consent, and
« Enregistrer » (Ctrl+Entrée) records the act; the confirmation links the certificate and says where the DMP note
stands. A refusal comes back beside its field, with what was typed (422). Pharmacists only."""

from __future__ import annotations

from contextlib import closing
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from comptoir.domain.operators import Permission
from comptoir.domain.vaccination.act import DOSE_LABELS, DOSES, SITES, Route
from comptoir.domain.vaccination.questionnaire import QUESTIONS
from comptoir.domain.vaccination.rules import RiskGroup
from comptoir.national.dmp.client import DmpClient
from comptoir.services.dmp.messages import dmp_client
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.services.platform.unit_of_work import UnitOfWork
from comptoir.services.vaccination.certificate import next_due_label, vaccination_certificate
from comptoir.services.vaccination.note import Audience
from comptoir.services.vaccination.record import record_vaccination, recorded_vaccination
from comptoir.services.vaccination.sheet import ScannedPack, scanned_pack, vaccination_sheet
from comptoir.web.bounds import RecordId
from comptoir.web.deps import RuntimeDep, UowDep, require
from comptoir.web.dispensing.nmvs import NmvsDep
from comptoir.web.forms import PostedForm, show_form, submit
from comptoir.web.rendering import is_htmx, render

router = APIRouter(include_in_schema=False)
Pharmacist = Annotated[CurrentOperator, Depends(require(Permission.PHARMACIST_ACT))]
PRIVATE = {"Cache-Control": "no-store, private", "Pragma": "no-cache"}
CHOICES = {"questions": QUESTIONS, "risks": tuple(RiskGroup), "routes": tuple(Route), "sites": SITES,
           "doses": [(dose, DOSE_LABELS[dose]) for dose in DOSES], "audiences": tuple(Audience)}


def dmp_of(runtime: Runtime) -> DmpClient:
    """The DMP the history is read from: the one the settings name (the emulator by default); closed after use."""
    return dmp_client(runtime)


def _sheet_context(patient_id: int, values: dict[str, str], runtime: Runtime, uow: UnitOfWork,
                   operator: CurrentOperator) -> dict[str, Any]:
    with closing(dmp_of(runtime)) as dmp:
        sheet = vaccination_sheet(patient_id, values, uow=uow, operator=operator, dmp=dmp, now=runtime.clock())
    return {"sheet": sheet, **CHOICES}


@router.get("/patients/{patient_id}/vaccination", response_class=HTMLResponse)
def vaccination_page(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep,
                     operator: Pharmacist) -> HTMLResponse:
    context = _sheet_context(patient_id, {}, runtime, uow, operator)
    return show_form(request, "vaccination.html", values=context["sheet"].defaults, **context)


@router.post("/patients/{patient_id}/vaccination/lire", response_model=None)
def read_pack(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Pharmacist,
              values: PostedForm) -> Response:
    """The scan box: the pack's fields filled from its DataMatrix (HTMX: the pack part of the form only)."""
    template = "_vaccination_pack.html" if is_htmx(request) else "vaccination.html"

    def context(typed: dict[str, str]) -> dict[str, Any]:
        return {} if is_htmx(request) else _sheet_context(patient_id, typed, runtime, uow, operator)

    def filled(scanned: ScannedPack) -> Response:
        merged = values | scanned.values | {"code": ""}
        return show_form(request, template, values=merged, scanned=scanned, patient_id=patient_id, **context(merged))

    return submit(lambda: scanned_pack(patient_id, values, uow=uow, operator=operator, now=runtime.clock()),
                  filled, request, template, values, patient_id=patient_id, context_of=lambda: context(values))


@router.post("/patients/{patient_id}/vaccination", response_model=None)
def record(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Pharmacist,
           values: PostedForm, nmvs: NmvsDep) -> Response:
    return submit(lambda: record_vaccination(patient_id, values, uow=uow, operator=operator, now=runtime.clock(),
                                             nmvs=nmvs),
                  lambda done: RedirectResponse(f"/vaccinations/{done.id}", status_code=303),
                  request, "vaccination.html", values,
                  context_of=lambda: _sheet_context(patient_id, values, runtime, uow, operator))


@router.get("/vaccinations/{vaccination_id}", response_class=HTMLResponse)
def vaccination_done(request: Request, vaccination_id: RecordId, runtime: RuntimeDep, uow: UowDep,
                     operator: Pharmacist) -> HTMLResponse:
    done = recorded_vaccination(vaccination_id, uow=uow, operator=operator, now=runtime.clock())
    return render(request, "vaccination_done.html", done=done, next_due=next_due_label(done.next_due))


@router.get("/vaccinations/{vaccination_id}/certificat.pdf", response_class=Response)
def certificate(vaccination_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Pharmacist) -> Response:
    found = vaccination_certificate(vaccination_id, uow=uow, operator=operator, now=runtime.clock())
    return Response(found.pdf, media_type="application/pdf", headers={
        **PRIVATE, "Content-Disposition": f'inline; filename="{found.file_name}"'})
