"""The DP's pages: its panel at the counter (consulted when the counter opens the patient, loaded apart so that a
slow DP delays nothing), its panel on the patient's page (window 4 or 12 months, the patient's refusals, the
closure, the printout), and the opening with the patient's consent. Each act answers the panel again (HTMX), or
goes back to the page it came from; a refusal comes back beside its field, as typed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from comptoir.domain.operators import Permission
from comptoir.errors import FieldErrors
from comptoir.national.dp.port import DEFAULT_WINDOW_MONTHS, MAX_WINDOW_MONTHS, DossierPharmaceutique
from comptoir.services.dp import printout, record
from comptoir.services.dp.messages import dp_client
from comptoir.services.dp.record import DpPanel
from comptoir.services.platform.operators import CurrentOperator
from comptoir.web.bounds import FormShortText, RecordId, RecordIdQuery
from comptoir.web.deps import RuntimeDep, UowDep, require
from comptoir.web.forms import HEADER as FIELD_ERRORS
from comptoir.web.rendering import is_htmx, render, status_of

router = APIRouter(include_in_schema=False)
Reader = Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]
Pharmacist = Annotated[CurrentOperator, Depends(require(Permission.PHARMACIST_ACT))]
"""Opening, the patient's refusals and the closure: a pharmacist's acts (services/dp/record.open_dp)."""
TEMPLATES = {"comptoir": "_dp_counter.html", "patient": "_dp_patient.html"}
Months = Annotated[int, Query(ge=1, le=MAX_WINDOW_MONTHS)]


def get_dp(request: Request, runtime: RuntimeDep) -> DossierPharmaceutique:
    """The counter's DP client (the pharmacy's credential, one try: the counter does not wait twice)."""
    client: DossierPharmaceutique | None = getattr(request.app.state, "dp_client", None)
    if client is None:
        client = dp_client(runtime, retries=0)
        request.app.state.dp_client = client
    return client


DpDep = Annotated[DossierPharmaceutique, Depends(get_dp)]


def _panel(request: Request, view: str, panel: DpPanel, status_code: int = 200, **extra: Any) -> Response:
    context = {"dp": panel, "basket_id": extra.pop("basket_id", None), "errors": {}, "typed": {}, "refusable": [],
               **extra}
    return render(request, TEMPLATES.get(view, "_dp_patient.html"), status_code, **context)


@router.get("/patients/{patient_id}/dp/comptoir")
def at_counter(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Reader,
               dp: DpDep, panier: RecordIdQuery = None) -> Response:
    """The DP consulted when the counter opens the patient: the other pharmacies' lines, marked « DP »."""
    panel = record.consult(patient_id, uow=uow, operator=operator, dp=dp, now=runtime.clock())
    return _panel(request, "comptoir", panel, basket_id=panier)


@router.get("/patients/{patient_id}/dp")
def on_patient_page(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Reader,
                    dp: DpDep, mois: Months = DEFAULT_WINDOW_MONTHS) -> Response:
    panel = record.consult(patient_id, uow=uow, operator=operator, dp=dp, now=runtime.clock(), months=mois)
    refusable = record.refusable(patient_id, uow=uow, operator=operator, now=runtime.clock())
    return _panel(request, "patient", panel, refusable=refusable)


@router.get("/patients/{patient_id}/dp/impression.pdf")
def printed(patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Reader, dp: DpDep) -> Response:
    content = printout.printout_pdf(patient_id, uow=uow, operator=operator, dp=dp, now=runtime.clock())
    return Response(content, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="dp-patient-{patient_id}.pdf"'})


def _act(request: Request, patient_id: int, view: str, basket_id: int | None, action: Any,
         typed: dict[str, str], uow: UowDep, operator: CurrentOperator, runtime: RuntimeDep) -> Response:
    """Run one act on the DP; answered with the panel as the pharmacy now knows it, or the refusal beside its field."""
    try:
        action()
    except FieldErrors as exc:
        panel = record.kept_panel(patient_id, uow=uow, operator=operator, now=runtime.clock())
        refusable = record.refusable(patient_id, uow=uow, operator=operator, now=runtime.clock())
        response = _panel(request, view, panel, status_of(exc), basket_id=basket_id, errors=exc.errors, typed=typed,
                          refusable=refusable)
        response.headers[FIELD_ERRORS] = str(len(exc.errors))  # HTMX swaps it in (static/field-errors.js)
        return response
    if not is_htmx(request):
        return RedirectResponse(f"/comptoir/{basket_id}" if view == "comptoir" and basket_id
                                else f"/patients/{patient_id}", status_code=303)
    panel = record.kept_panel(patient_id, uow=uow, operator=operator, now=runtime.clock())
    refusable = record.refusable(patient_id, uow=uow, operator=operator, now=runtime.clock())
    return _panel(request, view, panel, basket_id=basket_id, refusable=refusable,
                  notice="Enregistré : le DP en sera informé par la file d'envoi.")


Where = Annotated[str, Form(max_length=10)]


@router.post("/patients/{patient_id}/dp/ouverture")
def open_dp(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Pharmacist,
            carte_vitale: FormShortText = "", consentement: FormShortText = "", vue: Where = "patient",
            panier: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None) -> Response:
    """« Ouvrir le DP » : carte Vitale lue (carte présente) et consentement du patient cochés."""
    return _act(request, patient_id, vue, panier, lambda: record.open_dp(
        patient_id, card_read=bool(carte_vitale), consent=bool(consentement), uow=uow, operator=operator,
        now=runtime.clock()), {"carte_vitale": carte_vitale, "consentement": consentement}, uow, operator, runtime)


@router.post("/patients/{patient_id}/dp/refus-consultation")
def refuse_consultation(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep,
                        operator: Pharmacist,
                        vue: Where = "patient",
                        panier: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None) -> Response:
    return _act(request, patient_id, vue, panier, lambda: record.refuse_consultation(
        patient_id, uow=uow, operator=operator, now=runtime.clock()), {}, uow, operator, runtime)


@router.post("/patients/{patient_id}/dp/refus-alimentation")
def refuse_feeding(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Pharmacist,
                   delivrance: FormShortText = "") -> Response:
    def action() -> DpPanel:
        if not delivrance.isdigit() or not 1 <= int(delivrance) <= 2**31 - 1:
            raise FieldErrors({"delivrance": "Choisissez la délivrance que le patient refuse de verser au DP."})
        return record.refuse_feeding(patient_id, int(delivrance), uow=uow, operator=operator, now=runtime.clock())

    return _act(request, patient_id, "patient", None, action, {"delivrance": delivrance}, uow, operator, runtime)


@router.post("/patients/{patient_id}/dp/fermeture")
def close_dp(request: Request, patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Pharmacist,
             confirmation: FormShortText = "") -> Response:
    """La fermeture efface les données du DP : elle demande une confirmation cochée."""
    def action() -> DpPanel:
        if not confirmation:
            raise FieldErrors({"confirmation": "Cochez la confirmation : la fermeture efface le DP du patient."})
        return record.close_dp(patient_id, uow=uow, operator=operator, now=runtime.clock())

    return _act(request, patient_id, "patient", None, action, {"confirmation": confirmation}, uow, operator, runtime)
