"""Rendering of the French pages (Jinja2 + HTMX): HTMX requests get the fragment, others the whole page.

Also the one table from error to HTTP status, shared by the JSON API and the pages.
"""

from __future__ import annotations

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


templates = Jinja2Templates(directory=PACKAGE_DIR / "web" / "templates")
templates.env.filters["date_fr"] = lambda iso: "—" if not iso else "/".join(reversed(str(iso)[:10].split("-")))
templates.env.filters["euros"] = lambda v: "—" if v is None else f"{v:,.2f} €".replace(",", " ").replace(".", ",")
templates.env.filters["percent"] = lambda v: "—" if v is None else f"{v:g} %".replace(".", ",")


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(request: Request, name: str, status_code: int = 200, **context: object) -> HTMLResponse:
    operator = getattr(request.state, "operator", None)
    return templates.TemplateResponse(request, name, {"operator": operator, "Permission": Permission,
                                                      "csrf_token": csrf_token(request), **context},
                                      status_code=status_code)


