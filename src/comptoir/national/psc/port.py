"""What comptoir needs of Pro Santé Connect, in our words: start a login, finish it, end the PSC session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from comptoir.errors import AuthenticationFailed
from comptoir.national.psc.wire import PscIdentity


@dataclass(frozen=True, slots=True)
class AuthorizationStart:
    """Where to send the browser, and the secrets the callback must match (kept by the client side only)."""

    url: str
    state: str
    nonce: str
    verifier: str


@dataclass(frozen=True, slots=True)
class PscLogin:
    """A finished PSC authentication: who, how (`CPS` or `e-CPS`), and the tokens for national services."""

    identity: PscIdentity
    means: str
    access_token: str
    expires_at: datetime
    id_token: str


class PscRefused(AuthenticationFailed):
    """The PSC answer cannot be trusted or used (forged, expired, replayed, wrong nonce/state): login refused."""


class ProSanteConnect(Protocol):
    def start(self, *, redirect_uri: str) -> AuthorizationStart: ...

    def finish(self, *, code: str, start: AuthorizationStart, redirect_uri: str, now: datetime) -> PscLogin: ...

    def end_session_url(self, *, id_token: str, post_logout_redirect_uri: str) -> str: ...
