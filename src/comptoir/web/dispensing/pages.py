"""The one counter screen (/comptoir): the patient band, the prescription, the basket and the alerts beside
it, keyboard- and scan-first (F3, F5, F6, Ctrl+Entrée: static/counter.js).

Every change calls one basket use case, which re-runs the analysis, and re-renders the work area (HTMX swaps
#work; without HTMX the whole page comes back). A refused input comes back beside its field, as typed, with
a 422; the use case changed nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from comptoir.domain import bounds
from comptoir.domain.interventions import (
    INTERVENTIONS,
    OUTCOMES,
    PROBLEMS,
    suggested_intervention,
    suggested_problem,
)
from comptoir.domain.operators import Permission
from comptoir.errors import ComptoirError, Conflict, FieldErrors, NotFound, RuleViolation
from comptoir.services.dispensing import basket as baskets
from comptoir.services.dispensing import decisions
from comptoir.services.dispensing import validate as validation
from comptoir.services.dispensing.packs import PackChoice, pack_choices
from comptoir.services.dispensing.pending_scan import basket_scan
from comptoir.services.dispensing.views import Ambiguous, BasketView, Blocked, Candidate, DecisionInput
from comptoir.services.identity import patients, profile
from comptoir.services.platform.audit_log import Actor
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.services.platform.unit_of_work import UnitOfWork
from comptoir.services.reading import read_prescription as reading
from comptoir.web.bounds import FormNote, FormScannedText, FormShortText, RecordId, RecordIdQuery, read_upload
from comptoir.web.deps import RuntimeDep, UowDep, require
from comptoir.web.dispensing import forms, screen
from comptoir.web.eprescription.api import BaseDep
from comptoir.web.rendering import is_htmx, render, status_of

router = APIRouter(include_in_schema=False)
Reader = Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]
Pharmacist = Annotated[CurrentOperator, Depends(require(Permission.PHARMACIST_ACT))]
NEW_BASKET_KIND = "ordonnance_papier"
NOTICES = {"transmis": "Panier transmis au pharmacien : il le voit dans sa liste d'attente."}
"""The only messages `?info=` shows: a code in the address, never the text (a crafted link prints nothing)."""
REFUSED = (RuleViolation, Conflict, NotFound)
OptionalText = Annotated[str | None, Form(max_length=bounds.SHORT_TEXT_MAX)]
"""A field that may be absent from the form (None), told apart from a field sent empty."""


@dataclass(frozen=True, slots=True)
class Shown:
    """What the work area shows beside the basket after a refusal or a notice."""

    errors: dict[str, str] = field(default_factory=dict)
    typed: forms.Typed = field(default_factory=forms.Typed)
    scan_text: str = ""
    candidates: tuple[Candidate, ...] = ()
    problem: str = ""
    notice: str = ""
    decision_errors: dict[str, dict[str, str]] = field(default_factory=dict)
    decision_typed: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Counter:
    """One request's collaborators, handed to every use case."""

    runtime: Runtime
    uow: UnitOfWork
    operator: CurrentOperator

    @property
    def now(self) -> datetime:
        return self.runtime.clock()

    def reading(self) -> dict[str, Any]:
        return {"uow": self.uow, "operator": self.operator, "now": self.now}

    def tools(self) -> dict[str, Any]:
        return {**self.reading(), "reference": self.runtime.analysis_reference}


def counter_of(runtime: RuntimeDep, uow: UowDep, operator: Reader) -> Counter:
    return Counter(runtime, uow, operator)


CounterDep = Annotated[Counter, Depends(counter_of)]


def pharmacist_counter(runtime: RuntimeDep, uow: UowDep, operator: Pharmacist) -> Counter:
    return Counter(runtime, uow, operator)


PharmacistCounterDep = Annotated[Counter, Depends(pharmacist_counter)]


CONSTANTS = {"kinds": screen.KINDS, "problems": PROBLEMS, "interventions": INTERVENTIONS, "outcomes": OUTCOMES,
             "suggest_problem": lambda kind, level: suggested_problem(kind, level) or "",
             "suggest_intervention": suggested_intervention}


def see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _shown_context(shown: Shown) -> dict[str, Any]:
    return {"errors": shown.errors, "typed_rx": shown.typed.fields, "typed": shown.typed.lines,
            "line_errors": _line_errors(shown), "scan_text": shown.scan_text, "candidates": shown.candidates,
            "problem": shown.problem, "notice": shown.notice, "decision_errors": shown.decision_errors,
            "decision_typed": shown.decision_typed}


def _line_errors(shown: Shown) -> dict[int, dict[str, str]]:
    """A line's refusal: its fields' messages under the line's position."""
    return {position: shown.errors for position in shown.typed.lines}


def page_context(counter: Counter, view: BasketView, shown: Shown, **extra: Any) -> dict[str, Any]:
    band = None
    if view.patient_id is not None:
        band = profile.patient_band(view.patient_id, **counter.reading())
    waiting = None
    if counter.operator.can(Permission.PHARMACIST_ACT):
        waiting = [w for w in baskets.waiting_baskets(**counter.reading()) if w.id != view.id]
    return {**CONSTANTS, **_shown_context(shown), "basket": view, "band": band, "waiting": waiting,
            "packs": _packs(counter, view), "patients": [], "patient_query": "", "done": None, **extra}


def _packs(counter: Counter, view: BasketView) -> dict[int, tuple[PackChoice, ...]]:
    return pack_choices(view.id, **counter.reading()) if view.lines else {}


def show(request: Request, counter: Counter, view: BasketView, shown: Shown | None = None,
         status_code: int = 200) -> HTMLResponse:
    """The work area for HTMX, the whole page otherwise."""
    shown = shown or Shown()
    if is_htmx(request):
        # No autofocus in a fragment: HTMX would move the focus to the scan box away from the field being typed in.
        return render(request, "_counter_work.html", status_code, basket=view, partial=True,
                      packs=_packs(counter, view), **CONSTANTS, **_shown_context(shown))
    return render(request, "counter.html", status_code, **page_context(counter, view, shown))


def change(request: Request, counter: Counter, basket_id: int, action: Callable[[], BasketView],
           refused: Callable[[FieldErrors], Shown]) -> Response:
    """Run one basket use case; a refusal shows the basket as it stayed, the message beside its field."""
    try:
        view = action()
    except Ambiguous as exc:
        return show(request, counter, _current(counter, basket_id), replace(refused(exc), candidates=exc.candidates))
    except FieldErrors as exc:
        return show(request, counter, _current(counter, basket_id), refused(exc), status_of(exc))
    except REFUSED as exc:
        return show(request, counter, _current(counter, basket_id), Shown(problem=str(exc)), status_of(exc))
    if is_htmx(request):
        return show(request, counter, view)
    return see(f"/comptoir/{basket_id}")


def _current(counter: Counter, basket_id: int) -> BasketView:
    return baskets.basket(basket_id, **counter.tools())


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
    view = _current(counter, basket_id)
    if is_htmx(request):  # the work area again, analysed anew (after the profile was changed in the band)
        return show(request, counter, view)
    return render(request, "counter.html", **page_context(counter, view, Shown(notice=NOTICES.get(info, ""))))


@router.get("/comptoir/{basket_id}/patients", response_class=HTMLResponse)
def find_patient(request: Request, basket_id: RecordId, counter: CounterDep,
                 q: Annotated[str, Query(max_length=bounds.NAME_MAX)] = "") -> HTMLResponse:
    found = patients.find_patients(q, uow=counter.uow, operator=counter.operator, now=counter.now) if q.strip() else []
    view = _current(counter, basket_id)
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
    view = _current(counter, basket_id)
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
def scan(request: Request, basket_id: RecordId, counter: CounterDep, base: BaseDep, text: FormScannedText = "",
         choice: FormShortText = "") -> Response:
    """Synchronous: an ON is read from the base over HTTP, which may be this very server (its emulator)."""
    typed = choice or text
    return change(request, counter, basket_id,
                  lambda: baskets.scan_or_type(basket_id, typed, base=base, **counter.tools()),
                  lambda exc: Shown(errors=exc.errors, scan_text=text))


@router.post("/comptoir/{basket_id}/ordonnance", response_model=None)
def prescription(request: Request, basket_id: RecordId, counter: CounterDep,
                 prescriber_name: FormShortText = "", prescriber_rpps: FormShortText = "",
                 prescribed_on: FormShortText = "", renewal: FormShortText = "") -> Response:
    fields = {"prescriber_name": prescriber_name, "prescriber_rpps": prescriber_rpps,
              "prescribed_on": prescribed_on, "renewal": renewal}
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
        line = next((li for li in _current(counter, basket_id).lines if li.position == position), None)
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


# --- the paper prescription (F6) ----------------------------------------------------------------------


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
    view = _current(counter, basket_id)
    return render(request, "_counter_control.html", basket=view, differences=screen.differences(view),
                  blocking=view.blocking, problem="")


@router.post("/comptoir/{basket_id}/valider", response_class=HTMLResponse)
def validate(request: Request, basket_id: RecordId, counter: PharmacistCounterDep,
             version: Annotated[int, Form(ge=0, le=2**31 - 1)]) -> HTMLResponse:
    before = _current(counter, basket_id)
    try:
        validated = validation.validate(basket_id, version, **counter.tools())
    except (RuleViolation, Conflict) as exc:
        # Refused (blocked, too early, changed meanwhile): said in the control window, the basket kept as it is.
        view = _current(counter, basket_id)
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
