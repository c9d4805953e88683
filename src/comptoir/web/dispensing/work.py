"""The counter screen's work area (#work): the collaborators every basket use case takes, what the area shows
beside the basket after a refusal, and the one way a change is answered (the fragment for HTMX, the page
otherwise; a refusal with the basket as it stayed and the message beside its field)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from comptoir.domain.interventions import INTERVENTIONS, OUTCOMES, PROBLEMS, suggested_intervention, suggested_problem
from comptoir.domain.operators import Permission
from comptoir.errors import Conflict, FieldErrors, NotFound, RuleViolation
from comptoir.services.dispensing import basket as baskets
from comptoir.services.dispensing.packs import PackChoice, pack_choices
from comptoir.services.dispensing.views import Ambiguous, BasketView, Candidate
from comptoir.services.identity import profile
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.services.platform.unit_of_work import UnitOfWork
from comptoir.web.deps import RuntimeDep, UowDep, require
from comptoir.web.dispensing import forms, screen
from comptoir.web.rendering import is_htmx, render, status_of

Reader = Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]
Pharmacist = Annotated[CurrentOperator, Depends(require(Permission.PHARMACIST_ACT))]
REFUSED = (RuleViolation, Conflict, NotFound)


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


CONSTANTS: dict[str, Any] = {
    "kinds": screen.KINDS, "problems": PROBLEMS, "interventions": INTERVENTIONS, "outcomes": OUTCOMES,
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
            "packs": _packs(counter, view), "patients": [], "patient_query": "", "done": None,
            **_on_patient(counter, view), **extra}


def _on_patient(counter: Counter, view: BasketView) -> dict[str, Any]:
    """An ON scanned without its patient found alone: its namesakes proposed, or its patient to create."""
    if view.patient_id is not None or view.prescription is None or not view.prescription.on_id:
        return {}
    found, traits = baskets.on_patient_choice(view.id, **counter.reading())
    if traits is None:
        return {}
    new = {"last_name": traits.last_name, "first_name": traits.first_name,
           "birth_date": traits.birth_date.isoformat(), "sex": traits.sex or ""}
    return {"patients": found, "patient_query": f"{traits.last_name} {traits.first_name}", "on_patient": new}


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
        return show(request, counter, current(counter, basket_id), replace(refused(exc), candidates=exc.candidates))
    except FieldErrors as exc:
        return show(request, counter, current(counter, basket_id), refused(exc), status_of(exc))
    except REFUSED as exc:
        return show(request, counter, current(counter, basket_id), Shown(problem=str(exc)), status_of(exc))
    if is_htmx(request):
        return show(request, counter, view)
    return see(f"/comptoir/{basket_id}")


def current(counter: Counter, basket_id: int) -> BasketView:
    return baskets.basket(basket_id, **counter.tools())



