"""Pro Santé Connect pages: leave for PSC from the login page, come back logged in (SPEC §8, §15.5); end the PSC
session at logout; bind an RPPS to an operator account."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from comptoir.domain.operators import Permission
from comptoir.errors import AuthenticationFailed, Conflict, ExternalServiceError, NotFound, RuleViolation
from comptoir.national.psc.client import PscClient
from comptoir.national.psc.port import ProSanteConnect
from comptoir.services.platform import operators, psc_login
from comptoir.services.platform.operators import CurrentOperator
from comptoir.settings import Settings
from comptoir.web.deps import SESSION_COOKIE, RuntimeDep, UowDep, require, set_session_cookie
from comptoir.web.rendering import render

router = APIRouter(include_in_schema=False)
PENDING_COOKIE = "comptoir_psc"


def psc_provider(request: Request) -> ProSanteConnect:
    """One client per app, so the provider's discovery document is read once."""
    provider: ProSanteConnect | None = getattr(request.app.state, "psc", None)
    if provider is None:
        settings: Settings = request.app.state.runtime.settings
        provider = PscClient(settings.psc_url, settings.psc_client_id, settings.psc_client_secret)
        request.app.state.psc = provider
    return provider


PscDep = Annotated[ProSanteConnect, Depends(psc_provider)]


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _login_page(request: Request, settings: Settings, status: int, **context: object) -> HTMLResponse:
    return render(request, "login.html", status_code=status, workstations=settings.known_workstations, **context)


@router.post("/psc/connexion", response_model=None)
def start(request: Request, runtime: RuntimeDep, psc: PscDep, poste: Annotated[str, Form()] = "",
          suite: Annotated[str, Form()] = "/") -> Response:
    settings = runtime.settings
    try:
        url, sealed = psc_login.start_login(
            poste.strip() or settings.workstation, _safe_next(suite), psc=psc, redirect_uri=settings.psc_redirect_url,
            secret_key=settings.secret_key, workstations=settings.known_workstations, now=runtime.clock())
    except operators.UnknownWorkstation as exc:
        return _login_page(request, settings, 422, poste_error=str(exc), suite=_safe_next(suite))
    except ExternalServiceError as exc:
        return _login_page(request, settings, 503, error=str(exc), suite=_safe_next(suite))
    # A page, not a redirect: the CSP's form-action 'self' would stop a form's redirect to another origin.
    response = render(request, "psc_redirect.html", url=url, leaving=True)
    response.set_cookie(PENDING_COOKIE, sealed, max_age=int(psc_login.PENDING_LIFETIME.total_seconds()),
                        path="/psc", httponly=True, samesite="lax",
                        secure=settings.environment == "production" or request.url.scheme == "https")
    return response


@router.get("/psc/retour", response_model=None)
def callback(request: Request, runtime: RuntimeDep, uow: UowDep, psc: PscDep, code: str = "", state: str = "",
             error: str = "", error_description: str = "") -> Response:
    settings = runtime.settings
    if error or not code:
        said = f" ({error_description[:200]})" if error_description else ""
        return _finished(_login_page(request, settings, 401, error=f"Connexion Pro Santé Connect annulée ou refusée"
                                                                    f"{said}."))
    try:
        token, next_page = psc_login.finish_login(
            code, state, request.cookies.get(PENDING_COOKIE, ""), psc=psc, uow=uow, now=runtime.clock(),
            secret_key=settings.secret_key, redirect_uri=settings.psc_redirect_url,
            session_hours=settings.session_hours)
    except AuthenticationFailed as exc:
        return _finished(_login_page(request, settings, 401, error=str(exc)))
    except ExternalServiceError as exc:
        return _finished(_login_page(request, settings, 503, error=str(exc)))
    # A page of ours leads on: a redirect chain begun on PSC's site would not carry the strict session cookie.
    response = render(request, "psc_redirect.html", url=next_page, leaving=False)
    set_session_cookie(response, request, token, production=settings.environment == "production")
    return _finished(response)


def _finished(response: Response) -> Response:
    response.delete_cookie(PENDING_COOKIE, path="/psc")
    return response


def log_out(request: Request, runtime: RuntimeDep, uow: UowDep, token: str) -> Response:
    """Close the session; a PSC one offers to end the PSC session too (SPEC §15.5)."""
    end_url = psc_login.log_out(token, psc=psc_provider(request), uow=uow,
                                post_logout_url=runtime.settings.psc_post_logout_url)
    response: Response = (render(request, "psc_logout.html", end_url=end_url) if end_url
                          else RedirectResponse("/connexion", status_code=303))
    response.delete_cookie(SESSION_COOKIE)
    return response


ManagerDep = Annotated[CurrentOperator, Depends(require(Permission.MANAGE_OPERATORS))]


@router.get("/operateurs/rpps", response_class=HTMLResponse)
def rpps_page(request: Request, uow: UowDep, _: ManagerDep) -> HTMLResponse:
    return render(request, "psc_operators.html", accounts=operators.list_operators(uow=uow), errors={}, values={})


@router.post("/operateurs/rpps", response_model=None)
def bind(request: Request, runtime: RuntimeDep, uow: UowDep, operator: ManagerDep, code: Annotated[str, Form()],
         rpps: Annotated[str, Form()] = "") -> Response:
    try:
        psc_login.bind_rpps(code, rpps, by=operator, uow=uow, now=runtime.clock())
    except (RuleViolation, Conflict, NotFound) as exc:
        return render(request, "psc_operators.html", status_code=422, accounts=operators.list_operators(uow=uow),
                      errors={code: str(exc)}, values={code: rpps})
    return RedirectResponse("/operateurs/rpps", status_code=303)
