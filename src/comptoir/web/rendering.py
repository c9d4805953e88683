"""Rendering of the French pages (Jinja2 + HTMX): HTMX requests get the fragment, others the whole page.

Numbers, percentages and dates as French readers write them, through the filters `fr_number`
("52,5", "15 023"), `fr_percent` ("88,1 %"), `fr_date` ("19/02/2026", "19/02/2026 09:30") and `euros`;
codes through `label` (web/labels.py). Also the one table from error to HTTP status, shared by the JSON
API and the pages.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from comptoir.domain.operators import Permission
from comptoir.errors import (
    AuthenticationFailed,
    Busy,
    ComptoirError,
    ConfigurationError,
    Conflict,
    ExternalServiceError,
    NotFound,
    PermissionDenied,
    RuleViolation,
    TooManyAttempts,
)
from comptoir.settings import PACKAGE_DIR
from comptoir.web import labels
from comptoir.web.csrf import csrf_token

STATUS = (
    (TooManyAttempts, 429),
    (AuthenticationFailed, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (RuleViolation, 422),
    (ExternalServiceError, 502),
    (Busy, 503),
    (ConfigurationError, 500),
)


def status_of(error: ComptoirError) -> int:
    return next((code for kind, code in STATUS if isinstance(error, kind)), 400)


def fr_number(value: object, decimals: int | None = None) -> str:
    """52.5 -> "52,5"; 15023 -> "15 023"; with `decimals`, that many digits after the comma."""
    if value is None or value == "":
        return "—"
    number = float(str(value)) if not isinstance(value, int | float) else value
    if decimals is None:
        text = f"{number:,.6f}".rstrip("0").rstrip(".") if isinstance(number, float) else f"{number:,}"
    else:
        text = f"{number:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",")


def fr_percent(value: object, decimals: int = 0) -> str:
    """A ratio (0.881) as "88,1 %" with `decimals=1`; a text that already holds one ("65%") spaced the French way."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return re.sub(r"(\d)\s*%", r"\1 %", re.sub(r"(\d)\.(\d)", r"\1,\2", value))
    return f"{fr_number(round(float(str(value)) * 100, decimals), decimals or None)} %"


def fr_date(value: object, with_time: bool = False) -> str:
    """A date, a datetime or an ISO text as "19/02/2026" (and " 09:30" with `with_time`)."""
    if not value:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)


templates = Jinja2Templates(directory=PACKAGE_DIR / "web" / "templates")
templates.env.filters["fr_number"] = fr_number
templates.env.filters["fr_percent"] = fr_percent
templates.env.filters["fr_date"] = fr_date
templates.env.filters["date_fr"] = fr_date
templates.env.filters["euros"] = lambda v: "—" if v is None else f"{fr_number(v, 2)} €"
# A rate already in percent (the BDPM's reimbursement rate, 65) as "65 %"; `fr_percent` takes a ratio.
templates.env.filters["percent"] = lambda v: "—" if v is None else f"{fr_number(v)} %"
templates.env.filters["label"] = labels.label
templates.env.filters["audit_detail"] = labels.audit_detail


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(request: Request, name: str, status_code: int = 200, **context: object) -> HTMLResponse:
    operator = getattr(request.state, "operator", None)
    return templates.TemplateResponse(request, name, {"operator": operator, "Permission": Permission,
                                                      "csrf_token": csrf_token(request), **context},
                                      status_code=status_code)


