"""Use cases of operators: create, log in (code + password), sessions, permission checks.

A wrong password and an unknown code get the same answer in the same time (a hash is
verified either way). Repeated failures on one code make each new try wait longer
(`login_delay_s`), whether the code exists or not.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from comptoir.domain.operators import Permission, Role, login_delay_s, may
from comptoir.errors import AuthenticationFailed, Conflict, PermissionDenied, RuleViolation, TooManyAttempts
from comptoir.store import models as m

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    # Computed on the first login, not at import: an argon2 hash costs ~0.4 s that every CLI command paid.
    return _hasher.hash("comptoir-mot-de-passe-factice")


FAILURE_WINDOW = timedelta(minutes=15)
WRONG_CREDENTIALS = "Code opérateur ou mot de passe incorrect."


@dataclass(frozen=True, slots=True)
class CurrentOperator:
    id: int
    code: str
    display_name: str
    role: Role
    workstation: str

    def require(self, permission: Permission) -> None:
        if not may(self.role, permission):
            raise PermissionDenied(f"Action réservée : votre rôle ({self.role.label}) ne le permet pas.")

    def can(self, permission: Permission) -> bool:
        return may(self.role, permission)


def create_operator(
    session: Session, *, code: str, display_name: str, role: Role, password: str, now: datetime,
    rpps: str | None = None,
) -> m.Operator:
    code = code.strip()
    if not code or len(password) < 8:
        raise RuleViolation("Code opérateur requis et mot de passe d'au moins 8 caractères.")
    if session.scalar(select(m.Operator.id).where(m.Operator.code == code)) is not None:
        raise Conflict(f"Le code opérateur « {code} » existe déjà.")
    operator = m.Operator(code=code, display_name=display_name, role=role.value, rpps=rpps,
                          password_hash=_hasher.hash(password), active=True, created_at=now)
    session.add(operator)
    session.flush()
    return operator


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def log_in(
    session_factory: sessionmaker[Session], *, code: str, password: str, workstation: str, now: datetime,
    free_failures: int, session_hours: int,
) -> str:
    """Check the credentials and open a server session; returns the session token (for the cookie).

    Its own transaction: a failure is recorded (committed) before `AuthenticationFailed` is raised.
    """
    with session_factory.begin() as session:
        token = _try_log_in(session, code.strip(), password, workstation, now, free_failures, session_hours)
    if token is None:
        raise AuthenticationFailed(WRONG_CREDENTIALS)
    return token


def _try_log_in(
    session: Session, code: str, password: str, workstation: str, now: datetime, free_failures: int,
    session_hours: int,
) -> str | None:
    _refuse_while_throttled(session, code, now, free_failures)
    operator = session.scalars(select(m.Operator).where(m.Operator.code == code, m.Operator.active)).first()
    if not _password_matches(operator.password_hash if operator else _dummy_hash(), password) or operator is None:
        session.add(m.LoginFailure(operator_code=code, at=now, workstation=workstation))
        return None
    session.execute(delete(m.LoginFailure).where(m.LoginFailure.operator_code == code))
    token = secrets.token_urlsafe(32)
    session.add(m.OperatorSession(token_hash=_token_hash(token), operator_id=operator.id, workstation=workstation,
                                  created_at=now, expires_at=now + timedelta(hours=session_hours)))
    return token


def _password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _refuse_while_throttled(session: Session, code: str, now: datetime, free_failures: int) -> None:
    recent = select(m.LoginFailure.at).where(m.LoginFailure.operator_code == code,
                                             m.LoginFailure.at > now - FAILURE_WINDOW)
    failures = session.scalar(select(func.count()).select_from(recent.subquery())) or 0
    delay = login_delay_s(failures, free_failures)
    if not delay:
        return
    last = session.scalar(select(func.max(m.LoginFailure.at)).where(m.LoginFailure.operator_code == code))
    waited = (now - _aware(last, now)).total_seconds() if last else delay
    if waited < delay:
        raise TooManyAttempts(int(delay - waited) + 1)


def _aware(value: datetime, like: datetime) -> datetime:
    # SQLite hands back naive datetimes; ours are always UTC.
    return value.replace(tzinfo=like.tzinfo) if value.tzinfo is None else value


def operator_for_token(session: Session, token: str, *, now: datetime) -> CurrentOperator | None:
    row = session.execute(
        select(m.OperatorSession, m.Operator)
        .join(m.Operator, m.Operator.id == m.OperatorSession.operator_id)
        .where(m.OperatorSession.token_hash == _token_hash(token), m.Operator.active)
    ).first()
    if row is None or _aware(row[0].expires_at, now) <= now:
        return None
    op_session, operator = row
    return CurrentOperator(operator.id, operator.code, operator.display_name, Role(operator.role),
                           op_session.workstation)


def log_out(session: Session, token: str) -> None:
    session.execute(delete(m.OperatorSession).where(m.OperatorSession.token_hash == _token_hash(token)))


def list_operators(session: Session) -> list[m.Operator]:
    return list(session.scalars(select(m.Operator).order_by(m.Operator.code)))
