"""Use cases of operators: create, confirm, deactivate, log in (code + password), sessions, permission checks.

Least privilege: an account that would see health data, made by someone who may not confirm it (the technical
administrator), is created inactive and waits for a titulaire's confirmation. Every account change is audited.

A wrong password and an unknown code get the same answer in the same time (a hash is
verified either way). Repeated failures make each new try wait longer (`login_delay_s`), counted
per source address (whatever the codes tried) and per code, whether the code exists or not. A code's
lockout holds only against the addresses that failed on it: a stranger failing on a pharmacist's code
cannot keep the pharmacist, at another workstation, out.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from comptoir.domain.eprescription.identifiers import check_rpps
from comptoir.domain.operators import Permission, Role, login_delay_s, may, needs_confirmation
from comptoir.errors import (
    AuthenticationFailed,
    Conflict,
    NotFound,
    PermissionDenied,
    RuleViolation,
    TooManyAttempts,
)
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.store import models as m

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork
    from comptoir.store.platform import OperatorRepository

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    # Computed on the first login, not at import: an argon2 hash costs ~0.4 s that every CLI command paid.
    return _hasher.hash("comptoir-mot-de-passe-factice")


FAILURE_WINDOW = timedelta(minutes=15)
ADDRESS_FREE_FACTOR = 3
"""One address may fail on a few codes (a shared workstation, typos) before it is made to wait."""
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


@dataclass(frozen=True, slots=True)
class NewOperator:
    code: str
    display_name: str
    role: Role
    password: str
    rpps: str | None = None


@dataclass(frozen=True, slots=True)
class Credentials:
    code: str
    password: str
    workstation: str
    address: str = ""
    """The client's network address ("" when unknown, e.g. the CLI): failures are counted per address too."""


@dataclass(frozen=True, slots=True)
class Grantor:
    """Who makes or changes an account: an operator, or the machine's owner at the command line ("cli")."""

    code: str
    workstation: str
    role: Role | None  # None: the machine's owner (bootstrap), who may make any account

    @classmethod
    def of(cls, operator: CurrentOperator) -> Grantor:
        return cls(operator.code, operator.workstation, operator.role)

    def may(self, permission: Permission) -> bool:
        return self.role is None or may(self.role, permission)


MACHINE_OWNER = Grantor("cli", "cli", None)


def awaits_confirmation(by: Grantor, role: Role) -> bool:
    return by.role is not None and needs_confirmation(by.role, role)


def create_operator(new: NewOperator, *, by: Grantor, uow: UnitOfWork, now: datetime) -> m.Operator:
    """Create the account; one that would see health data, made without CONFIRM_OPERATORS, waits inactive."""
    if not by.may(Permission.MANAGE_OPERATORS):
        raise PermissionDenied("Action réservée : votre rôle ne permet pas de gérer les comptes.")
    account = operator_account(new, now=now)
    account.created_by = by.code
    if awaits_confirmation(by, new.role):
        account.active = False
        account.awaiting_confirmation = True
    with uow:
        if uow.operators.by_code(account.code) is not None:
            raise Conflict(f"Le code opérateur « {account.code} » existe déjà.")
        uow.operators.add(account)
        detail = f"rôle {new.role.value}" + (", en attente de confirmation" if account.awaiting_confirmation else "")
        _audit_account(uow, by, "create", account, detail, now)
        uow.commit()
    return account


def confirm_operator(code: str, *, by: Grantor, uow: UnitOfWork, now: datetime) -> m.Operator:
    """A titulaire confirms an account waiting for confirmation: it becomes active."""
    if not by.may(Permission.CONFIRM_OPERATORS):
        raise PermissionDenied("Seul un pharmacien titulaire confirme un compte qui voit des données de santé.")
    with uow:
        account = _account(uow, code)
        if not account.awaiting_confirmation:
            raise Conflict(f"Le compte « {account.code} » n'attend pas de confirmation.")
        account.awaiting_confirmation = False
        account.active = True
        _audit_account(uow, by, "confirm", account, f"rôle {account.role}", now)
        uow.commit()
    return account


def deactivate_operator(code: str, *, by: Grantor, uow: UnitOfWork, now: datetime) -> m.Operator:
    """Close an account: it can no longer log in and its open sessions stop answering."""
    if not by.may(Permission.MANAGE_OPERATORS):
        raise PermissionDenied("Action réservée : votre rôle ne permet pas de gérer les comptes.")
    with uow:
        account = _account(uow, code)
        if account.code == by.code:
            raise RuleViolation("Vous ne pouvez pas désactiver votre propre compte.")
        account.active = False
        account.awaiting_confirmation = False
        _audit_account(uow, by, "deactivate", account, f"rôle {account.role}", now)
        uow.commit()
    return account


def _audit_account(uow: UnitOfWork, by: Grantor, action: str, account: m.Operator, detail: str,
                   now: datetime) -> None:
    audit(uow, Actor(by.code, by.workstation), action=action, object_type="operator", object_id=account.code,
          detail=detail, now=now)


def _account(uow: UnitOfWork, code: str) -> m.Operator:
    account = uow.operators.by_code(code.strip())
    if account is None:
        raise NotFound(f"Aucun compte opérateur « {code} ».")
    return account


def operator_account(new: NewOperator, *, now: datetime) -> m.Operator:
    """The account's row, its password hashed; refused without a code or with a short password."""
    code = new.code.strip()
    if not code or len(code) > 40 or len(new.password) < 8:
        raise RuleViolation("Code opérateur requis (40 caractères au plus) et mot de passe d'au moins 8 caractères.")
    if new.rpps is not None and not check_rpps(new.rpps).well_formed:  # a failing key is only a warning (SPEC §3.1)
        raise RuleViolation(f"N° RPPS refusé : {check_rpps(new.rpps).problem}")
    return m.Operator(code=code, display_name=new.display_name, role=new.role.value, rpps=new.rpps,
                      password_hash=_hasher.hash(new.password), active=True, awaiting_confirmation=False,
                      created_at=now)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_key(token: str) -> str:
    """What the database keeps of a session token (its digest): other ways of opening a session use it too."""
    return _token_hash(token)


def log_in(credentials: Credentials, *, uow: UnitOfWork, now: datetime, free_failures: int,
           session_hours: int, workstations: Collection[str]) -> str:
    """Check the credentials and open a server session; returns the session token (for the cookie).

    The workstation must be one of the pharmacy's (`workstations`): the audit trail names it."""
    credentials = replace(credentials, code=credentials.code.strip(), workstation=credentials.workstation.strip())
    if credentials.workstation not in workstations:
        raise UnknownWorkstation(unknown_workstation_message(credentials.workstation, workstations))
    with uow:
        _refuse_while_throttled(uow.operators, credentials, now, free_failures)
        operator = _authenticated(uow.operators, credentials)
        if operator is None:
            uow.operators.record_failure(m.LoginFailure(operator_code=credentials.code, at=now,
                                                        workstation=credentials.workstation,
                                                        address=credentials.address))
        token = _open_session(uow.operators, operator, credentials, now, session_hours) if operator else None
        # Committed even when refused: the failure counts towards the lockout.
        uow.commit()
    if token is None:
        raise AuthenticationFailed(WRONG_CREDENTIALS)
    return token


class UnknownWorkstation(RuleViolation):
    """The workstation named at login is not one of the pharmacy's."""


def unknown_workstation_message(name: str, workstations: Collection[str]) -> str:
    shown = name if len(name) <= 40 else name[:40] + "…"
    return f"Poste inconnu : « {shown} ». Postes de la pharmacie : {', '.join(workstations)}."


def _authenticated(operators: OperatorRepository, credentials: Credentials) -> m.Operator | None:
    operator = operators.active_by_code(credentials.code)
    # An unknown code costs a hash check too, so the answer takes the same time as a wrong password.
    matches = _password_matches(operator.password_hash if operator else _dummy_hash(), credentials.password)
    return operator if matches else None


def _open_session(operators: OperatorRepository, operator: m.Operator, credentials: Credentials, now: datetime,
                  session_hours: int) -> str:
    operators.forget_failures(credentials.code)
    token = secrets.token_urlsafe(32)
    operators.open_session(m.OperatorSession(token_hash=_token_hash(token), operator_id=operator.id,
                                             workstation=credentials.workstation, created_at=now,
                                             expires_at=now + timedelta(hours=session_hours)))
    return token


def _password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _refuse_while_throttled(operators: OperatorRepository, credentials: Credentials, now: datetime,
                            free_failures: int) -> None:
    since, code, address = now - FAILURE_WINDOW, credentials.code, credentials.address
    if address:
        # Many codes tried from one place: that place waits, whichever code it tries next.
        _wait(operators.failures_from_since(address, since), operators.last_failure_from(address), now,
              free_failures * ADDRESS_FREE_FACTOR)
    if not address or operators.failed_on_from(code, address, since):
        _wait(operators.failures_since(code, since), operators.last_failure_at(code), now, free_failures)


def _wait(failures: int, last: datetime | None, now: datetime, free_failures: int) -> None:
    delay = login_delay_s(failures, free_failures)
    if not delay:
        return
    waited = (now - _aware(last, now)).total_seconds() if last else delay
    if waited < delay:
        raise TooManyAttempts(int(delay - waited) + 1)


def _aware(value: datetime, like: datetime) -> datetime:
    # SQLite hands back naive datetimes; ours are always UTC.
    return value.replace(tzinfo=like.tzinfo) if value.tzinfo is None else value


def operator_for_token(token: str, *, uow: UnitOfWork, now: datetime) -> CurrentOperator | None:
    # Read inside the block: leaving it rolls back, and a row read after that would open a new transaction.
    with uow:
        found = uow.operators.session_for_token(_token_hash(token))
        if found is None or _aware(found[0].expires_at, now) <= now:
            return None
        opened, operator = found
        return CurrentOperator(operator.id, operator.code, operator.display_name, Role(operator.role),
                               opened.workstation)


def log_out(token: str, *, uow: UnitOfWork) -> None:
    with uow:
        uow.operators.close_session(_token_hash(token))
        uow.commit()


def list_operators(*, uow: UnitOfWork) -> list[m.Operator]:
    with uow:
        return uow.operators.everyone()
