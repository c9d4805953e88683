"""CSRF tokens: a state-changing request authenticated by the session cookie must prove it comes from a
comptoir page. The token is HMAC(secret key, session token), so nothing is stored: the pages put it in a
hidden `_csrf` field of every form and in `<meta name="csrf-token">` (HTMX sends it as `X-CSRF-Token`);
`POST /api/session` returns it to API clients that keep the cookie. A request with a bearer token needs
none (a browser never adds that header on its own), nor one without a session (the login form).
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request

from comptoir.errors import PermissionDenied
from comptoir.web.deps import SESSION_COOKIE

FIELD, HEADER = "_csrf", "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
LOGIN_ROUTES = frozenset({"/connexion", "/api/session"})
"""Authenticated by a password, not by the cookie (a stale cookie must not stop a new login); another site
cannot post them anyway (`SameOrigin`)."""


class CsrfRefused(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("Requête refusée : le jeton de sécurité du formulaire manque ou n'est pas valide. "
                         "Rechargez la page et recommencez.")


def token_for(secret_key: str, session_token: str) -> str:
    return hmac.new(secret_key.encode("utf-8"), b"csrf:" + session_token.encode("utf-8"), hashlib.sha256).hexdigest()


def _secret(request: Request) -> str:
    secret: str = request.app.state.runtime.settings.secret_key
    return secret


def csrf_token(request: Request) -> str:
    """The token the page being rendered hands to its forms ("" without a session cookie)."""
    session = request.cookies.get(SESSION_COOKIE)
    return token_for(_secret(request), session) if session else ""


async def check_csrf(request: Request) -> None:
    """App-level dependency: runs before every route's own dependencies, after FastAPI has parsed (and cached)
    the form, so reading `_csrf` here costs nothing more."""
    if request.method not in UNSAFE_METHODS or request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    if request.method == "POST" and request.url.path in LOGIN_ROUTES:
        return
    session = request.cookies.get(SESSION_COOKIE)
    if not session:
        return
    sent = request.headers.get(HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, token_for(_secret(request), session)):
        raise CsrfRefused()
