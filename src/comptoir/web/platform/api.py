"""The JSON API under /api (OpenAPI at /api/docs). Thin: parse, call one service, render."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from comptoir.domain.operators import Permission, Role
from comptoir.services.platform import audit_log, operators
from comptoir.services.platform.operators import Credentials, CurrentOperator, Grantor, NewOperator
from comptoir.web.csrf import token_for
from comptoir.web.deps import SESSION_COOKIE, RuntimeDep, UowDep, client_address, require, set_session_cookie

router = APIRouter(prefix="/api")


class LoginIn(BaseModel):
    code: str = Field(max_length=40)
    password: str = Field(max_length=200)
    workstation: str | None = Field(default=None, max_length=40)


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
                             session_hours=settings.session_hours, workstations=settings.known_workstations)
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
    awaiting_confirmation: bool = False
    message: str | None = None


ManagerDep = Annotated[CurrentOperator, Depends(require(Permission.MANAGE_OPERATORS))]


def _operator_out(row: object, message: str | None = None) -> OperatorOut:
    out = OperatorOut.model_validate(row, from_attributes=True)
    out.message = message
    return out


@router.get("/operators", response_model=list[OperatorOut], tags=["opérateurs"])
def list_operators(uow: UowDep, _: ManagerDep) -> list[OperatorOut]:
    """The pharmacy's operators."""
    return [_operator_out(o) for o in operators.list_operators(uow=uow)]


@router.post("/operators", response_model=OperatorOut, status_code=201, tags=["opérateurs"])
def create_operator(body: OperatorIn, runtime: RuntimeDep, uow: UowDep, operator: ManagerDep) -> OperatorOut:
    """Create an operator account; one that would see health data, made by the administrator, waits inactive
    until a titulaire confirms it."""
    new = NewOperator(body.code, body.display_name, body.role, body.password, rpps=body.rpps)
    created = operators.create_operator(new, by=Grantor.of(operator), uow=uow, now=runtime.clock())
    message = (f"Compte créé inactif, en attente de la confirmation d'un pharmacien titulaire "
               f"({body.role.label} : accès aux données de santé)." if created.awaiting_confirmation else None)
    return _operator_out(created, message)


@router.post("/operators/{code}/confirm", response_model=OperatorOut, tags=["opérateurs"])
def confirm_operator(code: str, runtime: RuntimeDep, uow: UowDep,
                     operator: Annotated[CurrentOperator, Depends(require(Permission.CONFIRM_OPERATORS))],
                     ) -> OperatorOut:
    """A titulaire confirms an account waiting for confirmation: it becomes active."""
    confirmed = operators.confirm_operator(code, by=Grantor.of(operator), uow=uow, now=runtime.clock())
    return _operator_out(confirmed, "Compte confirmé : il peut se connecter.")


@router.post("/operators/{code}/deactivate", response_model=OperatorOut, tags=["opérateurs"])
def deactivate_operator(code: str, runtime: RuntimeDep, uow: UowDep, operator: ManagerDep) -> OperatorOut:
    """Close an account: it can no longer log in."""
    closed = operators.deactivate_operator(code, by=Grantor.of(operator), uow=uow, now=runtime.clock())
    return _operator_out(closed, "Compte désactivé.")


@router.get("/audit", tags=["journal"])
def read_audit(runtime: RuntimeDep, uow: UowDep,
               operator: Annotated[CurrentOperator, Depends(require(Permission.READ_TECHNICAL_AUDIT))],
               limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict[str, object]]:
    """The latest entries of the audit trail (who, when, what, which workstation); this read is recorded too.

    The technical administrator gets technical events only (no access to a patient, no search)."""
    return [{"seq": e.seq, "at": e.at.isoformat(), "operator": e.operator_code, "workstation": e.workstation,
             "action": e.action, "object_type": e.object_type, "object_id": e.object_id, "detail": e.detail}
            for e in audit_log.read_trail(operator, uow=uow, limit=limit, now=runtime.clock())]


@router.get("/audit/verify", tags=["journal"])
def verify_audit(runtime: RuntimeDep, uow: UowDep,
                 _: Annotated[CurrentOperator, Depends(require(Permission.READ_TECHNICAL_AUDIT))]) -> dict[str, object]:
    """Recompute the audit trail's chain with the keys and check it against the signed checkpoints."""
    check = audit_log.verify_trail(uow, runtime.audit_checkpoint_files)
    return {"intact": check.intact, "entries": check.entries, "first_broken_seq": check.first_broken_seq,
            "reason": check.reason, "checkpoints": check.checkpoints, "problems": list(check.problems),
            "warnings": list(check.warnings)}
