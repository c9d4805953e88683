"""Log in with Pro Santé Connect (SPEC §8, §15.5): the operator whose bound RPPS is the idNat's gets a session on
the chosen workstation, opened as the password login opens one, and remembering the PSC identity and access
token so calls to national services can carry it.

The role follows the profession and never exceeds the account's: a pharmacien (G15 `21`) logs in to a
pharmacy account (titulaire, adjoint, préparateur, étudiant: the account's own role), a préparateur (`30`, [U] see
national/psc/professionals.py) only to a préparateur or student account, a médecin (`10`) only to the prescriber
module. Anything else is refused. Every outcome is audited (`login`), refusals included; a refusal opens nothing.

What the browser holds between leaving for PSC and coming back (state, nonce, PKCE verifier, workstation, next
page) travels sealed (AES-GCM, key drawn from the secret key) in a cookie bound to that browser: the callback's
`state` must equal the sealed one (RFC 6749 §10.12), and the seal expires after `PENDING_LIFETIME`.
The access token is stored sealed with a key drawn from the session token itself (never stored): the
database alone does not give it away.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NoReturn

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from comptoir.domain.eprescription.identifiers import check_rpps
from comptoir.domain.operators import Permission, Role
from comptoir.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from comptoir.national.psc.port import AuthorizationStart, ProSanteConnect, PscLogin, PscRefused
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import (
    CurrentOperator,
    Grantor,
    UnknownWorkstation,
    session_key,
    unknown_workstation_message,
)
from comptoir.store import models as m

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

PENDING_LIFETIME = timedelta(minutes=10)
PHARMACIEN, MEDECIN, PREPARATEUR = "21", "10", "30"
PROFESSION_ROLES: dict[str, frozenset[Role]] = {
    PHARMACIEN: frozenset({Role.TITULAIRE, Role.ADJOINT, Role.PREPARATEUR, Role.ETUDIANT}),
    PREPARATEUR: frozenset({Role.PREPARATEUR, Role.ETUDIANT}),
    MEDECIN: frozenset({Role.PRESCRIPTEUR}),
}
PROFESSION_LABELS = {PHARMACIEN: "pharmacien", MEDECIN: "médecin", PREPARATEUR: "préparateur en pharmacie"}


@dataclass(frozen=True, slots=True)
class PendingLogin:
    state: str
    nonce: str
    verifier: str
    workstation: str
    next_page: str
    started_at: datetime


@dataclass(frozen=True, slots=True)
class PscSessionIdentity:
    id_nat: str
    profession: str
    structure: str
    means: str
    expires_at: datetime | None


def role_for(professions: Collection[str], account_role: Role) -> Role | None:
    """The session's role: the account's, if one of the PSC professions allows it; else None (refused)."""
    allowed = any(account_role in PROFESSION_ROLES.get(code, frozenset()) for code in professions)
    return account_role if allowed else None


def start_login(workstation: str, next_page: str, *, psc: ProSanteConnect, redirect_uri: str, secret_key: str,
                workstations: Collection[str], now: datetime) -> tuple[str, str]:
    """Where to send the browser, and the sealed cookie that must come back with it."""
    workstation = workstation.strip()
    if workstation not in workstations:
        raise UnknownWorkstation(unknown_workstation_message(workstation, workstations))
    start = psc.start(redirect_uri=redirect_uri)
    pending = PendingLogin(start.state, start.nonce, start.verifier, workstation, next_page, now)
    return start.url, seal_pending(pending, secret_key)


def finish_login(code: str, state: str, sealed: str, *, psc: ProSanteConnect, uow: UnitOfWork, now: datetime,
                 secret_key: str, redirect_uri: str, session_hours: int) -> tuple[str, str]:
    """Check PSC's answer, find the bound account, open the session; returns (session token, next page)."""
    try:
        pending = _pending_matching(sealed, state, secret_key, now)
    except PscRefused as refused:
        _audit_refusal(uow, "inconnu", str(refused), now)
        raise
    start = AuthorizationStart("", pending.state, pending.nonce, pending.verifier)
    try:
        login = psc.finish(code=code, start=start, redirect_uri=redirect_uri, now=now)
    except PscRefused as refused:
        _audit_refusal(uow, pending.workstation, str(refused), now)
        raise
    with uow:
        account = _bound_account(uow, login, pending.workstation, now)
        token = secrets.token_urlsafe(32)
        uow.operators.open_session(_psc_session(token, account, login, pending.workstation, now, session_hours))
        audit(uow, Actor(account.code, pending.workstation), action="create", object_type="login",
              object_id=account.code, detail=f"Pro Santé Connect ({login.means}), idNat {login.identity.id_nat}",
              now=now)
        uow.commit()
    return token, pending.next_page


def _bound_account(uow: UnitOfWork, login: PscLogin, workstation: str, now: datetime) -> m.Operator:
    identity = login.identity
    rpps = identity.rpps
    account = uow.operators.active_by_rpps(rpps) if rpps else None
    if account is None:
        message = (f"Aucun compte comptoir n'est lié au RPPS {rpps or identity.id_nat} : demandez au titulaire "
                   "de l'associer.")
        _refuse_inside(uow, workstation, identity.id_nat, message, now)
    elif role_for(identity.professions, Role(account.role)) is None:
        shown = ", ".join(PROFESSION_LABELS.get(p, p) for p in identity.professions) or "aucune"
        message = (f"Profession Pro Santé Connect ({shown}) incompatible avec le rôle du compte « {account.code} » "
                   f"({Role(account.role).label}) : connexion refusée.")
        _refuse_inside(uow, workstation, identity.id_nat, message, now)
    assert account is not None
    return account


def _refuse_inside(uow: UnitOfWork, workstation: str, who: str, message: str, now: datetime) -> NoReturn:
    audit(uow, Actor(f"psc:{who}", workstation), action="refuse", object_type="login", object_id=who,
          detail=message, now=now)
    uow.commit()
    raise PscRefused(message)


def _audit_refusal(uow: UnitOfWork, workstation: str, message: str, now: datetime) -> None:
    with uow:
        audit(uow, Actor("psc", workstation), action="refuse", object_type="login", object_id="psc", detail=message,
              now=now)
        uow.commit()


def _psc_session(token: str, account: m.Operator, login: PscLogin, workstation: str, now: datetime,
                 session_hours: int) -> m.OperatorSession:
    identity = login.identity
    return m.OperatorSession(
        token_hash=session_key(token), operator_id=account.id, workstation=workstation, created_at=now,
        expires_at=now + timedelta(hours=session_hours), psc_id_nat=identity.id_nat,
        psc_profession=identity.profession, psc_structure=identity.structure_finess, psc_means=login.means,
        psc_access_token=_seal(_token_key(token), login.access_token), psc_expires_at=login.expires_at,
        psc_id_token=login.id_token)


def psc_access_token(session_token: str, *, uow: UnitOfWork, now: datetime) -> str | None:
    """The current operator's PSC access token, for a call to a national service (ON base, DMP…): None when
    the session was opened by password, or the token has expired (the operator logs in with PSC again)."""
    with uow:
        found = uow.operators.session_for_token(session_key(session_token))
        opened = found[0] if found else None
        if opened is None or not opened.psc_access_token or opened.psc_expires_at is None or \
                _aware(opened.psc_expires_at, now) <= now:
            return None
        return _unseal(_token_key(session_token), opened.psc_access_token)


def psc_identity(session_token: str, *, uow: UnitOfWork) -> PscSessionIdentity | None:
    with uow:
        found = uow.operators.session_for_token(session_key(session_token))
        if found is None or not found[0].psc_id_nat:
            return None
        s = found[0]
        return PscSessionIdentity(s.psc_id_nat or "", s.psc_profession or "", s.psc_structure or "",
                                  s.psc_means or "", s.psc_expires_at)


def log_out(session_token: str, *, psc: ProSanteConnect, uow: UnitOfWork, post_logout_url: str) -> str | None:
    """Close the comptoir session; returns the URL that ends the PSC session too, when it was a PSC one."""
    with uow:
        found = uow.operators.session_for_token(session_key(session_token))
        id_token = found[0].psc_id_token if found else None
        uow.operators.close_session(session_key(session_token))
        uow.commit()
    if not id_token:
        return None
    return psc.end_session_url(id_token=id_token, post_logout_redirect_uri=post_logout_url)


def bind_rpps(code: str, rpps: str, *, by: CurrentOperator, uow: UnitOfWork, now: datetime) -> m.Operator:
    """Bind an RPPS (Luhn-checked, SPEC §3.1) to an account, so its holder can log in with PSC; one account per
    RPPS. An empty RPPS unbinds."""
    if not Grantor.of(by).may(Permission.MANAGE_OPERATORS):
        raise PermissionDenied("Action réservée : votre rôle ne permet pas de gérer les comptes.")
    value = "".join(rpps.split())
    checked = check_rpps(value) if value else None
    if checked is not None and not (checked.well_formed and checked.key_valid):
        raise RuleViolation(f"N° RPPS refusé : {checked.problem}")
    with uow:
        account = uow.operators.by_code(code.strip())
        if account is None:
            raise NotFound(f"Aucun compte opérateur « {code} ».")
        holder = uow.operators.by_rpps(value) if value else None
        if holder is not None and holder.id != account.id:
            raise Conflict(f"Le RPPS {value} est déjà lié au compte « {holder.code} » : un RPPS ne se lie qu'à un "
                           "seul compte.")
        account.rpps = value or None
        audit(uow, Actor(by.code, by.workstation), action="write", object_type="operator", object_id=account.code,
              detail=f"RPPS lié : {value}" if value else "RPPS délié", now=now)
        uow.commit()
    return account


def seal_pending(pending: PendingLogin, secret_key: str) -> str:
    body = json.dumps({"s": pending.state, "n": pending.nonce, "v": pending.verifier, "w": pending.workstation,
                       "p": pending.next_page, "t": pending.started_at.isoformat()})
    return _seal(_pending_key(secret_key), body)


def _pending_matching(sealed: str, state: str, secret_key: str, now: datetime) -> PendingLogin:
    try:
        data = json.loads(_unseal(_pending_key(secret_key), sealed))
        pending = PendingLogin(data["s"], data["n"], data["v"], data["w"], data["p"], datetime.fromisoformat(data["t"]))
    except (ValueError, KeyError, TypeError, InvalidTag) as exc:
        raise PscRefused("Connexion Pro Santé Connect inconnue de ce navigateur : recommencez depuis la page de "
                         "connexion.") from exc
    if not hmac.compare_digest(pending.state.encode(), state.encode()):
        raise PscRefused("Réponse de Pro Santé Connect refusée : paramètre « state » inattendu.")
    if now - _aware(pending.started_at, now) > PENDING_LIFETIME:
        raise PscRefused("Connexion Pro Santé Connect trop ancienne : recommencez depuis la page de connexion.")
    return pending


def _pending_key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode("utf-8"), b"psc-pending-login", hashlib.sha256).digest()


def _token_key(session_token: str) -> bytes:
    return hashlib.sha256(b"psc-access-token:" + session_token.encode("utf-8")).digest()


def _seal(key: bytes, text: str) -> str:
    nonce = secrets.token_bytes(12)
    return base64.urlsafe_b64encode(nonce + AESGCM(key).encrypt(nonce, text.encode("utf-8"), None)).decode()


def _unseal(key: bytes, sealed: str) -> str:
    raw = base64.urlsafe_b64decode(sealed.encode())
    return AESGCM(key).decrypt(raw[:12], raw[12:], None).decode("utf-8")


def _aware(value: datetime, like: datetime) -> datetime:
    return value.replace(tzinfo=like.tzinfo) if value.tzinfo is None else value
