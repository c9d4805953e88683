"""The one counter screen (/comptoir): the patient band, the prescription, the basket and the alerts beside
it, keyboard- and scan-first (F3, F4, F5, F6, Ctrl+Entrée: static/counter.js). The paper prescription's
routes (F6) are in paper.py, the work area's rendering in work.py.

Every change calls one basket use case, which re-runs the analysis, and re-renders the work area (HTMX swaps
#work; without HTMX the whole page comes back). A refused input comes back beside its field, as typed, with
a 422; the use case changed nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from comptoir.domain import bounds
from comptoir.errors import Conflict, FieldErrors, NotFound, RuleViolation
from comptoir.services.dispensing import basket as baskets
from comptoir.services.dispensing import decisions
from comptoir.services.dispensing import validate as validation
from comptoir.services.dispensing.views import BasketView, Blocked, DecisionInput
from comptoir.services.identity import patients
from comptoir.web.bounds import FormNote, FormScannedText, FormShortText, RecordId, RecordIdQuery
from comptoir.web.dispensing import forms, screen
from comptoir.web.dispensing.nmvs import NmvsDep
from comptoir.web.dispensing.work import (
    CounterDep,
    PharmacistCounterDep,
    Shown,
    change,
    current,
    page_context,
    see,
    show,
)
from comptoir.web.eprescription.api import BaseDep
from comptoir.web.rendering import is_htmx, render, status_of

router = APIRouter(include_in_schema=False)
NEW_BASKET_KIND = "ordonnance_papier"
NOTICES = {"transmis": "Panier transmis au pharmacien : il le voit dans sa liste d'attente."}
"""The only messages `?info=` shows: a code in the address, never the text (a crafted link prints nothing)."""
OptionalText = Annotated[str | None, Form(max_length=bounds.SHORT_TEXT_MAX)]
"""A field that may be absent from the form (None), told apart from a field sent empty."""


# --- the screen ---------------------------------------------------------------------------------------


@router.get("/comptoir")
def new_basket(counter: CounterDep, patient: RecordIdQuery = None, info: str = "") -> RedirectResponse:
    view = baskets.open_basket(patient, NEW_BASKET_KIND, **counter.tools())
    return see(f"/comptoir/{view.id}" + (f"?info={info}" if info in NOTICES else ""))


@router.get("/comptoir/{basket_id}", response_model=None)
def counter_page(request: Request, basket_id: RecordId, counter: CounterDep, patient: RecordIdQuery = None,
                 info: str = "") -> Response:
    if patient is not None:
        # Back from the Vitale reader (F5) with the patient it identified.
        baskets.set_patient(basket_id, patient, **counter.tools())
        return see(f"/comptoir/{basket_id}")
    view = current(counter, basket_id)
    if is_htmx(request):  # the work area again, analysed anew (after the profile was changed in the band)
        return show(request, counter, view)
    return render(request, "counter.html", **page_context(counter, view, Shown(notice=NOTICES.get(info, ""))))


@router.get("/comptoir/{basket_id}/patients", response_class=HTMLResponse)
def find_patient(request: Request, basket_id: RecordId, counter: CounterDep,
                 q: Annotated[str, Query(max_length=bounds.NAME_MAX)] = "") -> HTMLResponse:
    found = patients.find_patients(q, uow=counter.uow, operator=counter.operator, now=counter.now) if q.strip() else []
    view = current(counter, basket_id)
    if is_htmx(request):
        return render(request, "_counter_patient_results.html", basket=view, patients=found, patient_query=q)
    return render(request, "counter.html", **page_context(counter, view, Shown(), patients=found, patient_query=q))


@router.post("/comptoir/{basket_id}/patient", response_class=RedirectResponse)
def choose_patient(basket_id: RecordId, counter: CounterDep,
                   patient_id: Annotated[int, Form(ge=1, le=2**31 - 1)]) -> RedirectResponse:
    baskets.set_patient(basket_id, patient_id, **counter.tools())
    return see(f"/comptoir/{basket_id}")


# --- changes to the basket ----------------------------------------------------------------------------


@router.post("/comptoir/{basket_id}/nature", response_model=None)
def choose_kind(request: Request, basket_id: RecordId, counter: CounterDep, kind: FormShortText = "") -> Response:
    """ON, paper or no prescription: an empty basket is opened again with the new kind (and the same patient);
    a basket with lines keeps its kind (the ON and the paper flow set theirs when they fill it)."""
    view = current(counter, basket_id)
    if kind == view.kind:
        return show(request, counter, view)
    if view.lines:
        message = "Le panier a déjà des lignes : validez-le, ou retirez-les avant de changer de type d'ordonnance."
        return show(request, counter, view, Shown(problem=message), 422)
    fresh = baskets.open_basket(view.patient_id, kind, **counter.tools())
    baskets.abandon_basket(basket_id, **counter.tools())
    return _go(request, f"/comptoir/{fresh.id}")


def _go(request: Request, path: str) -> Response:
    """A new address: HTMX follows the header, a plain form the redirection."""
    return Response(headers={"HX-Redirect": path}) if is_htmx(request) else see(path)



@router.post("/comptoir/{basket_id}/scan", response_model=None)
def scan(request: Request, basket_id: RecordId, counter: CounterDep, base: BaseDep, nmvs: NmvsDep,
         text: FormScannedText = "", choice: FormShortText = "") -> Response:
    """Synchronous: an ON is read from the base, a pack verified with the NMVS, over HTTP — which may be this very
    server (its emulators)."""
    typed = choice or text
    return change(request, counter, basket_id,
                  lambda: baskets.scan_or_type(basket_id, typed, base=base, nmvs=nmvs, **counter.tools()),
                  lambda exc: Shown(errors=exc.errors, scan_text=text))


@router.post("/comptoir/{basket_id}/ordonnance", response_model=None)
def prescription(request: Request, basket_id: RecordId, counter: CounterDep,
                 prescriber_name: FormShortText = "", prescriber_rpps: FormShortText = "",
                 prescribed_on: FormShortText = "", renewal: FormShortText = "",
                 prescriber_address: FormShortText = "") -> Response:
    fields = {"prescriber_name": prescriber_name, "prescriber_rpps": prescriber_rpps,
              "prescribed_on": prescribed_on, "renewal": renewal, "prescriber_address": prescriber_address}
    return change(request, counter, basket_id,
                  lambda: baskets.set_prescription(basket_id, forms.prescription_input(fields), **counter.tools()),
                  lambda exc: Shown(errors=exc.errors, typed=forms.Typed(fields=fields)))


@router.post("/comptoir/{basket_id}/lignes/{position}", response_model=None)
def edit_line(request: Request, basket_id: RecordId, position: RecordId, counter: CounterDep,
              cip13: FormShortText = "", boxes: OptionalText = None,
              posology: Annotated[str | None, Form(max_length=bounds.POSOLOGY_MAX)] = None,
              substitute: FormShortText = "", substitute_shown: FormShortText = "",
              changed: FormShortText = "") -> Response:
    typed = {name: value for name, value in (("cip13", cip13), ("boxes", boxes), ("posology", posology),
                                             ("substitute", substitute), ("substitute_shown", substitute_shown))
             if value is not None}
    fields = forms.only_changed(typed, changed)

    def action() -> BasketView:
        line = next((li for li in current(counter, basket_id).lines if li.position == position), None)
        if line is None:
            raise NotFound(f"Aucune ligne n° {position} dans ce panier.")
        return baskets.update_line(basket_id, position, forms.line_changes(fields, line), **counter.tools())

    return change(request, counter, basket_id, action,
                  lambda exc: Shown(errors=exc.errors, typed=forms.Typed(lines={position: typed})))


@router.post("/comptoir/{basket_id}/lignes/{position}/retirer", response_model=None)
def remove_line(request: Request, basket_id: RecordId, position: RecordId, counter: CounterDep) -> Response:
    return change(request, counter, basket_id,
                  lambda: baskets.remove_line(basket_id, position, **counter.tools()),
                  lambda exc: Shown(problem=str(exc)))


@router.post("/comptoir/{basket_id}/alertes/decision", response_model=None)
def decide(request: Request, basket_id: RecordId, counter: PharmacistCounterDep,
           alert: FormShortText, kind: FormShortText, reason: FormNote = "", problem_code: FormShortText = "",
           intervention_code: FormShortText = "", outcome: FormShortText = "") -> Response:
    typed = {"kind": kind, "reason": reason, "problem_code": problem_code, "intervention_code": intervention_code,
             "outcome": outcome}

    def action() -> BasketView:
        if kind not in ("intervention", "override"):
            raise FieldErrors({"kind": "Décision inconnue : intervention ou passer outre."})
        decision = DecisionInput(kind, reason.strip(), problem_code or None, intervention_code or None,  # type: ignore[arg-type]
                                 outcome or None)
        return decisions.decide(basket_id, alert, decision, **counter.tools())

    return change(request, counter, basket_id, action,
                  lambda exc: Shown(decision_errors={alert: exc.errors}, decision_typed={alert: typed}))


# --- hand-over, control window, validation --------------------------------------------------------------


@router.post("/comptoir/{basket_id}/transmettre", response_class=RedirectResponse)
def hand_over(basket_id: RecordId, counter: CounterDep) -> RedirectResponse:
    baskets.hand_over(basket_id, **counter.tools())
    return see("/comptoir?info=transmis")


@router.get("/comptoir/{basket_id}/attente", response_class=HTMLResponse)
def waiting(request: Request, basket_id: RecordId, counter: PharmacistCounterDep) -> HTMLResponse:
    """The baskets waiting for a pharmacist, but the one on this screen (the list refreshes itself)."""
    found = [w for w in baskets.waiting_baskets(**counter.reading()) if w.id != basket_id]
    return render(request, "_counter_waiting.html", basket={"id": basket_id}, waiting=found)


@router.post("/comptoir/{basket_id}/reprendre", response_class=RedirectResponse)
def take_over(basket_id: RecordId, counter: PharmacistCounterDep) -> RedirectResponse:
    baskets.take_over(basket_id, **counter.tools())
    return see(f"/comptoir/{basket_id}")


@router.post("/comptoir/{basket_id}/controle", response_class=HTMLResponse)
def control_window(request: Request, basket_id: RecordId, counter: CounterDep) -> HTMLResponse:
    view = current(counter, basket_id)
    return render(request, "_counter_control.html", basket=view, differences=screen.differences(view),
                  blocking=view.blocking, problem="")


@router.post("/comptoir/{basket_id}/valider", response_class=HTMLResponse)
def validate(request: Request, basket_id: RecordId, counter: PharmacistCounterDep,
             version: Annotated[int, Form(ge=0, le=2**31 - 1)]) -> HTMLResponse:
    before = current(counter, basket_id)
    try:
        validated = validation.validate(basket_id, version, **counter.tools())
    except (RuleViolation, Conflict) as exc:
        # Refused (blocked, too early, changed meanwhile): said in the control window, the basket kept as it is.
        view = current(counter, basket_id)
        reasons, problem = (exc.reasons, "") if isinstance(exc, Blocked) else (view.blocking, str(exc))
        response = render(request, "_counter_control.html", status_of(exc), basket=view,
                          differences=screen.differences(view), blocking=reasons, problem=problem)
        response.headers.update({"HX-Retarget": "#control-dialog", "HX-Reswap": "innerHTML"})
        return response
    fresh = baskets.open_basket(None, NEW_BASKET_KIND, **counter.tools())
    context = page_context(counter, fresh, Shown(), done=screen.done_panel(validated, before))
    if is_htmx(request):
        response = render(request, "_counter_screen.html", **context)
        response.headers["HX-Push-Url"] = f"/comptoir/{fresh.id}"
        return response
    return render(request, "counter.html", **context)
