"""HTML pages in French (Jinja2 + HTMX). HTMX requests get the fragment, others the whole page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from comptoir.domain.operators import Permission
from comptoir.errors import AuthenticationFailed
from comptoir.services.platform import audit_log, operators
from comptoir.services.platform.operators import Credentials, CurrentOperator
from comptoir.services.refdata import status as refdata_status
from comptoir.web.deps import (
    SESSION_COOKIE,
    RuntimeDep,
    UowDep,
    client_address,
    require,
    session_token,
    set_session_cookie,
)
from comptoir.web.platform import psc
from comptoir.web.rendering import render

router = APIRouter(include_in_schema=False)
@router.get("/connexion", response_class=HTMLResponse)
def login_form(request: Request, runtime: RuntimeDep, suite: str = "/") -> HTMLResponse:
    return render(request, "login.html", suite=_safe_next(suite), workstations=runtime.settings.known_workstations)


@router.post("/connexion", response_model=None)
def login(request: Request, runtime: RuntimeDep, uow: UowDep, code: Annotated[str, Form()],
          password: Annotated[str, Form()], suite: Annotated[str, Form()] = "/",
          poste: Annotated[str, Form()] = "") -> Response:
    settings = runtime.settings
    credentials = Credentials(code, password, poste.strip() or settings.workstation, client_address(request))
    try:
        token = operators.log_in(credentials, uow=uow, now=runtime.clock(), free_failures=settings.login_free_failures,
                                 session_hours=settings.session_hours, workstations=settings.known_workstations)
    except operators.UnknownWorkstation as exc:
        return render(request, "login.html", status_code=422, poste_error=str(exc), code=code, suite=_safe_next(suite),
                      workstations=settings.known_workstations)
    except AuthenticationFailed as exc:
        return render(request, "login.html", status_code=401, error=str(exc), code=code, suite=_safe_next(suite),
                      workstations=settings.known_workstations)
    response = RedirectResponse(_safe_next(suite), status_code=303)
    set_session_cookie(response, request, token, production=settings.environment == "production")
    return response


def _safe_next(target: str) -> str:
    # Only local paths: a crafted "suite" must not send the operator to another site.
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.post("/deconnexion", response_model=None)
def logout(request: Request, runtime: RuntimeDep, uow: UowDep) -> Response:
    token = session_token(request)
    if token:
        return psc.log_out(request, runtime, uow, token)
    response = RedirectResponse("/connexion", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


CounterOperator = Annotated[CurrentOperator, Depends(require(Permission.SEARCH_DRUGS))]


@router.get("/", response_class=HTMLResponse)
def counter_home(request: Request, uow: UowDep, _: CounterOperator) -> HTMLResponse:
    status = refdata_status.reference_status(uow=uow)
    return render(request, "home.html", status=status)


@router.get("/journal", response_class=HTMLResponse)
def audit_page(request: Request, runtime: RuntimeDep, uow: UowDep,
               operator: Annotated[CurrentOperator, Depends(require(Permission.READ_TECHNICAL_AUDIT))]) -> HTMLResponse:
    check = audit_log.verify_trail(uow, runtime.audit_checkpoint_files)
    entries = audit_log.read_trail(operator, uow=uow, limit=300, now=runtime.clock())
    return render(request, "audit.html", entries=entries, check=check)


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/connexion?suite={quote(target)}", status_code=303)
