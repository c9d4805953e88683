"""FastAPI dependencies: the runtime, one transaction per request, the current operator, permissions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request, Response

from comptoir.domain.operators import Permission
from comptoir.errors import PermissionDenied
from comptoir.services.platform.operators import CurrentOperator, operator_for_token
from comptoir.services.platform.runtime import Runtime
from comptoir.services.platform.unit_of_work import UnitOfWork

SESSION_COOKIE = "comptoir_session"


class LoginRequired(Exception):
    """No valid session: the API answers 401, a page redirects to the login form."""


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_uow(runtime: RuntimeDep) -> Iterator[UnitOfWork]:
    """The request's unit of work: use cases open and commit it; closed when the response is sent."""
    uow = runtime.unit_of_work()
    try:
        yield uow
    finally:
        uow.close()


UowDep = Annotated[UnitOfWork, Depends(get_uow)]


def client_address(request: Request) -> str:
    """The client's address: the socket's, or the one a trusted reverse proxy forwarded
    (COMPTOIR_TRUSTED_PROXIES; uvicorn rewrites the scope)."""
    return request.client.host if request.client else ""


def set_session_cookie(response: Response, request: Request, token: str, *, production: bool) -> None:
    """The session cookie: never readable by scripts, never sent by another site, and only over HTTPS in
    production or whenever the request came over HTTPS."""
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict",
                        secure=production or request.url.scheme == "https")


def session_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(SESSION_COOKIE)


def get_operator(request: Request, runtime: RuntimeDep, uow: UowDep) -> CurrentOperator:
    token = session_token(request)
    operator = operator_for_token(token, uow=uow, now=runtime.clock()) if token else None
    if operator is None:
        raise LoginRequired()
    request.state.operator = operator
    return operator


CurrentOperatorDep = Annotated[CurrentOperator, Depends(get_operator)]


def require(permission: Permission) -> Callable[[CurrentOperator], CurrentOperator]:
    """A dependency that lets the route run only for roles holding `permission`."""

    def check(operator: CurrentOperatorDep) -> CurrentOperator:
        if not operator.can(permission):
            raise PermissionDenied(f"Action réservée : votre rôle ({operator.role.label}) ne le permet pas.")
        return operator

    check.required_permission = permission  # type: ignore[attr-defined]
    return check
