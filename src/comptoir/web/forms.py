"""Forms that keep what was typed: each refused field gets its French message beside it, the page comes back
as it was typed, and nothing changed (status 422).

How a page uses it:

1. The route takes the posted fields as typed, text only: `values: PostedForm` ({field: text}). Nothing is
   refused before the use case speaks: FastAPI's own refusals are JSON, and the page would be lost.
2. The use case checks everything first and raises `errors.FieldErrors({field: "message en français"})`
   before it changes anything (a message for the whole form goes under the key `FORM`).
3. The route hands the action to `submit`, with what to answer when it went through and the template that
   shows the form:

       return submit(lambda: patients.create_patient(..., uow=uow, operator=operator, now=runtime.clock()),
                     lambda created: see(f"/patients/{created.id}"),
                     request, "patient_new.html", values)

   When the action refuses, the answer is that template rendered again with `errors` {field: message} and
   `values` {field: typed text}, status 422 (other context as keyword arguments, or `context_of=` a function
   called only then). A refusal that names no field
   (a conflict, a service down, a rule of the whole act) comes back the same way under `FORM`, with its own
   status (409, 502…). `show_form` renders a form the first time (`errors` empty, status 200), or with
   errors already at hand.
4. The template imports the macros of `_forms.html`:

       {% import "_forms.html" as forms %}
       {{ forms.assets() }}                                  (once on the page: styles, HTMX swap of a 422)
       {{ forms.text_field("Poids (kg)", "weight_kg", values, errors, inputmode="decimal") }}
       or, by hand: <input id="weight_kg" name="weight_kg" value="{{ values.weight_kg }}"
                    {{- forms.invalid(errors, "weight_kg") }}> {{ forms.field_error(errors, "weight_kg") }}

   The message is shown beside its field and tied to it (aria-describedby); the field is marked
   aria-invalid. `forms.error_summary(errors)` announces, at the top, how many fields need a correction.

HTMX swaps no 4xx answer by default: a refused form's answer carries the header `X-Field-Errors`, and
static/field-errors.js (loaded by `forms.assets()`) lets HTMX swap exactly those in.

Under /api, a `FieldErrors` answers 422 in FastAPI's shape of field errors (`field_errors_detail`): French
messages, and no echo of what was typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from comptoir.errors import Conflict, ExternalServiceError, FieldErrors, NotFound, RuleViolation
from comptoir.web.rendering import render, status_of

T = TypeVar("T")
FORM = "_form"
"""The key of a message about the whole form rather than one field."""
HEADER = "X-Field-Errors"
REFUSALS = (RuleViolation, Conflict, ExternalServiceError, NotFound)
"""Refusals said on the form itself; a permission refused is not one (the error page says it)."""


async def posted_values(request: Request) -> dict[str, str]:
    """The posted fields as typed (files and the CSRF token left out), read on the event loop so that the
    route itself may stay synchronous (its database work runs in the thread pool)."""
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str) and not name.startswith("_")}


PostedForm = Annotated[dict[str, str], Depends(posted_values)]


def show_form(request: Request, template: str, *, values: Mapping[str, str],
              errors: Mapping[str, str] | None = None, status_code: int | None = None,
              **context: Any) -> HTMLResponse:
    """`template` with `values` (what was typed) and `errors` ({field: message}): 422 when there are any. These two
    win over a `values` or `errors` the rest of the context may hold."""
    status = status_code or (422 if errors else 200)
    response = render(request, template, status, **(context | {"values": dict(values), "errors": dict(errors or {})}))
    if errors:
        response.headers[HEADER] = str(len(errors))
    return response


def submit(action: Callable[[], T], then: Callable[[T], Response], request: Request, template: str,
           values: Mapping[str, str], *, context_of: Callable[[], Mapping[str, Any]] | None = None,
           **context: Any) -> Response:
    """Run `action` and answer `then(result)`; fields it refuses come back as `template` rendered again with their
    messages (422), a refusal of the whole act with its message at the top of the form. The template's other
    context is `context`, with what `context_of()` gives: called only when the form comes back (a page that
    reads the database for it reads it only then)."""
    try:
        done = action()
    except FieldErrors as refused:
        return show_form(request, template, values=values, errors=refused.errors, **_more(context, context_of))
    except REFUSALS as refused:
        return show_form(request, template, values=values, errors={FORM: str(refused)},
                         status_code=status_of(refused), **_more(context, context_of))
    return then(done)


def _more(context: dict[str, Any], context_of: Callable[[], Mapping[str, Any]] | None) -> dict[str, Any]:
    """The rest of the context; what was typed and the messages are the form's own."""
    more = {**(context_of() if context_of else {}), **context}
    return {name: value for name, value in more.items() if name not in ("values", "errors")}


def field_errors_detail(error: FieldErrors) -> list[dict[str, object]]:
    """The API's answer to refused fields: FastAPI's shape (`loc`, `type`, `msg`), French messages."""
    return [{"loc": ["body", name], "type": "value_error", "msg": message} for name, message in error.errors.items()]
