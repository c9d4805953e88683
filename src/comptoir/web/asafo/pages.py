"""Secure supply in the browser: at the counter, the reinforced check of a medicine over 300 € and « Signaler une
fausse ordonnance » (beside the alerts); the ASAFO list of confirmed fakes and « Mes signalements » (pages).
Thin: parse, call one use case, render."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from comptoir.errors import FieldErrors, RuleViolation
from comptoir.national.asafo.client import AsafoClient
from comptoir.national.asafo.wire import DOCUMENT_MAX_BYTES
from comptoir.services.asafo import counter as secure
from comptoir.services.asafo import feed, report
from comptoir.services.asafo.supply import OUTCOMES
from comptoir.services.dispensing.views import BasketView
from comptoir.web.bounds import FormNote, FormShortText, RecordId, read_upload
from comptoir.web.deps import RuntimeDep
from comptoir.web.dispensing.work import CounterDep, PharmacistCounterDep, Shown, change
from comptoir.web.rendering import render

router = APIRouter(include_in_schema=False)
CHECK, DECLARATION = "controle-renforce", "signalement"
PAGE_REFRESH_S = 2.0
"""Opening a page refreshes the list first, never for longer than this (ASAFO down: the copy is shown)."""


@router.post("/comptoir/{basket_id}/controle-renforce", response_model=None)
def record_check(request: Request, basket_id: RecordId, counter: PharmacistCounterDep, outcome: FormShortText = "",
                 prescriber_verified: Annotated[bool, Form()] = False, original_seen: Annotated[bool, Form()] = False,
                 identity_checked: Annotated[bool, Form()] = False,
                 specialty_coherent: Annotated[bool, Form()] = False, comment: FormNote = "") -> Response:
    given = secure.ChecklistInput(prescriber_verified, original_seen, identity_checked, specialty_coherent,
                                  outcome, comment)
    typed = {"outcome": outcome, "comment": comment, **{k: "on" for k, v in (
        ("prescriber_verified", prescriber_verified), ("original_seen", original_seen),
        ("identity_checked", identity_checked), ("specialty_coherent", specialty_coherent)) if v}}
    return change(request, counter, basket_id, lambda: secure.record_check(basket_id, given, **counter.tools()),
                  lambda exc: Shown(decision_errors={CHECK: exc.errors}, decision_typed={CHECK: typed}))


@router.post("/comptoir/{basket_id}/asafo/signalement", response_model=None)
def declare(request: Request, basket_id: RecordId, counter: PharmacistCounterDep,
            authenticated_by_prescriber: Annotated[bool, Form()] = False, comment: FormNote = "",
            file: Annotated[UploadFile | None, File()] = None) -> Response:
    typed = {"comment": comment, **({"authenticated_by_prescriber": "on"} if authenticated_by_prescriber else {})}

    def action() -> BasketView:
        given = secure.DeclarationInput(authenticated_by_prescriber, comment)
        return secure.declare(basket_id, given, _scan(file), **counter.tools())

    return change(request, counter, basket_id, action,
                  lambda exc: Shown(decision_errors={DECLARATION: exc.errors}, decision_typed={DECLARATION: typed}))


def _scan(file: UploadFile | None) -> secure.Scan | None:
    if file is None or not file.filename:
        return None
    try:
        content = read_upload(file, DOCUMENT_MAX_BYTES)
    except RuleViolation:
        raise FieldErrors({"scan": f"Scan trop volumineux : {DOCUMENT_MAX_BYTES // (1024 * 1024)} Mo au plus."}) \
            from None
    return secure.Scan(content, file.content_type or "")


def _client(request: Request, runtime: RuntimeDep) -> AsafoClient:
    client: AsafoClient | None = getattr(request.app.state, "asafo_pages", None)
    if client is None:
        client = report.asafo_client(runtime, timeout_s=PAGE_REFRESH_S)
        request.app.state.asafo_pages = client
    return client


@router.get("/asafo/signalements", response_class=HTMLResponse)
def my_declarations(request: Request, counter: CounterDep) -> HTMLResponse:
    """« Mes signalements » and their outcome, refreshed from ASAFO when it answers."""
    refreshed = feed.refresh(counter.runtime.unit_of_work, _client(request, counter.runtime), now=counter.now)
    found = report.my_declarations(**counter.reading())
    return render(request, "asafo_declarations.html", declarations=found, refresh_error=refreshed.error)


@router.get("/asafo/alertes", response_class=HTMLResponse)
def alert_list(request: Request, counter: CounterDep,
               region: Annotated[str, Query(max_length=40)] = "",
               nir: Annotated[str, Query(max_length=15)] = "") -> HTMLResponse:
    """The confirmed fake prescriptions (the region's or the national list, by NIR), new since the last visit
    in bold."""
    refreshed = feed.refresh(counter.runtime.unit_of_work, _client(request, counter.runtime), now=counter.now)
    listing = feed.listing(feed.ListingQuery(region or None, nir.strip().upper() or None), **counter.reading())
    return render(request, "asafo_alerts.html", listing=listing, region=region, nir=nir,
                  refresh_error=refreshed.error, outcomes=OUTCOMES)
