"""The JSON API under /api (OpenAPI at /api/docs). Thin: parse, call one service, render."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from comptoir.domain.operators import Permission, Role
from comptoir.services.platform import audit_log, operators
from comptoir.services.platform.operators import Credentials, CurrentOperator, NewOperator
from comptoir.web.csrf import token_for
from comptoir.web.deps import SESSION_COOKIE, RuntimeDep, UowDep, client_address, require, set_session_cookie

router = APIRouter(prefix="/api")


class LoginIn(BaseModel):
    code: str
    password: str
    workstation: str | None = None


class SessionOut(BaseModel):
    token: str
    operator: str
    role: Role
    csrf_token: str
    """To send as `X-CSRF-Token` on state-changing calls authenticated by the session cookie (not needed with
    `Authorization: Bearer <token>`)."""


@router.post("/session", response_model=SessionOut, tags=["opérateurs"])
def open_session(body: LoginIn, request: Request, runtime: RuntimeDep, uow: UowDep, response: Response) -> SessionOut:
    """Log in with operator code and password; sets the session cookie and returns the token."""
    settings = runtime.settings
    credentials = Credentials(body.code, body.password, body.workstation or settings.workstation,
                              client_address(request))
    token = operators.log_in(credentials, uow=uow, now=runtime.clock(), free_failures=settings.login_free_failures,
                             session_hours=settings.session_hours)
    set_session_cookie(response, request, token, production=settings.environment == "production")
    operator = operators.operator_for_token(token, uow=uow, now=runtime.clock())
    assert operator is not None
    return SessionOut(token=token, operator=body.code.strip(), role=operator.role,
                      csrf_token=token_for(settings.secret_key, token))


@router.delete("/session", status_code=204, tags=["opérateurs"])
def close_session(request: Request, uow: UowDep,
                  operator: Annotated[CurrentOperator, Depends(require(Permission.SEARCH_DRUGS))]) -> Response:
    """Log out: the server forgets the session."""
    token = request.cookies.get(SESSION_COOKIE) or request.headers.get("authorization", "")[7:]
    operators.log_out(token, uow=uow)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    return response


class OperatorIn(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    display_name: str = Field(min_length=1)
    role: Role
    password: str = Field(min_length=8)
    rpps: str | None = None


class OperatorOut(BaseModel):
    code: str
    display_name: str
    role: Role
    active: bool


@router.get("/operators", response_model=list[OperatorOut], tags=["opérateurs"])
def list_operators(uow: UowDep,
                   _: Annotated[CurrentOperator, Depends(require(Permission.MANAGE_OPERATORS))]) -> list[OperatorOut]:
    """The pharmacy's operators."""
    return [OperatorOut.model_validate(o, from_attributes=True) for o in operators.list_operators(uow=uow)]


@router.post("/operators", response_model=OperatorOut, status_code=201, tags=["opérateurs"])
def create_operator(body: OperatorIn, runtime: RuntimeDep, uow: UowDep,
                    _: Annotated[CurrentOperator, Depends(require(Permission.MANAGE_OPERATORS))]) -> OperatorOut:
    """Create an operator account (titulaire or administrator only)."""
    new = NewOperator(body.code, body.display_name, body.role, body.password, rpps=body.rpps)
    created = operators.create_operator(new, uow=uow, now=runtime.clock())
    return OperatorOut.model_validate(created, from_attributes=True)


@router.get("/audit", tags=["journal"])
def read_audit(runtime: RuntimeDep, uow: UowDep,
               operator: Annotated[CurrentOperator, Depends(require(Permission.READ_AUDIT))],
               limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict[str, object]]:
    """The latest entries of the audit trail (who, when, what, which workstation); this read is recorded too."""
    actor = audit_log.Actor(operator.code, operator.workstation)
    return [{"seq": e.seq, "at": e.at.isoformat(), "operator": e.operator_code, "workstation": e.workstation,
             "action": e.action, "object_type": e.object_type, "object_id": e.object_id, "detail": e.detail}
            for e in audit_log.read_trail(actor, uow=uow, limit=limit, now=runtime.clock())]


@router.get("/audit/verify", tags=["journal"])
def verify_audit(uow: UowDep,
                 _: Annotated[CurrentOperator, Depends(require(Permission.READ_AUDIT))]) -> dict[str, object]:
    """Recompute the audit trail's hash chain."""
    check = audit_log.verify_trail(uow)
    return {"intact": check.intact, "entries": check.entries, "first_broken_seq": check.first_broken_seq,
            "reason": check.reason}
