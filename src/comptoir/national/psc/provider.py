"""The emulated provider's OpenID Connect machinery, on authlib's authorization server: the authorization-code
grant with PKCE S256 required (RFC 7636), the OpenID Connect id_token (nonce required, `acr` = eidas1), a
confidential client authenticated by client_secret_basic or client_secret_post, opaque bearer access tokens.

Codes live `CODE_LIFETIME_S` and serve once: a code presented again is refused and the tokens it gave are revoked
(RFC 6749 §4.1.2). Access tokens live `TOKEN_LIFETIME_S` ([U] PSC's own lifetime is not published; Keycloak's
default, 5 minutes, is kept), id_tokens as long.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import RSAKey
from sqlalchemy import select, update
from starlette.responses import JSONResponse, RedirectResponse, Response

from comptoir.national.psc.professionals import Professional, userinfo_claims
from comptoir.national.psc.storage import (
    PscStore,
    StoredClient,
    StoredCode,
    StoredProfessional,
    StoredToken,
    digest,
    same_digest,
)
from comptoir.national.psc.wire import ACR_EIDAS1

CODE_LIFETIME_S = 60
TOKEN_LIFETIME_S = 300
SCOPES = ("openid", "scope_all")


@dataclass(frozen=True, slots=True)
class Authenticated:
    """Who authenticated on the provider's page, and how (`CPS` card or `e-CPS` app)."""

    professional: Professional
    means: str


class OidcRequest(OAuth2Request):  # type: ignore[misc]  # authlib has no type hints
    def __init__(self, method: str, uri: str, headers: Any, data: dict[str, str], issuer: str) -> None:
        super().__init__(method, uri, headers=headers)
        self.payload = BasicOAuth2Payload(data)
        self.issuer = issuer

    @property
    def args(self) -> dict[str, str]:
        return dict(self.payload.data)

    @property
    def form(self) -> dict[str, str]:
        return dict(self.payload.data)


class RegisteredClient:
    def __init__(self, row: StoredClient) -> None:
        self.row = row

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> str:
        return self.row.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.row.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return same_digest(client_secret, self.row.secret_digest)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


class IssuedCode:
    def __init__(self, row: StoredCode) -> None:
        self.row = row
        self.code_challenge, self.code_challenge_method = row.challenge, row.challenge_method

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope

    def get_nonce(self) -> str | None:
        return self.row.nonce

    def get_auth_time(self) -> int:
        return int(self.row.auth_time)

    def get_acr(self) -> str:
        return self.row.acr

    def get_amr(self) -> list[str]:
        # RFC 8176: `sc` smart card (CPS), `mfa` + `swk` for the e-CPS app.
        return ["sc", "pin"] if self.row.means == "CPS" else ["mfa", "swk"]


class RequiredS256(CodeChallenge):  # type: ignore[misc]  # authlib has no type hints
    """authlib's `required` only binds public clients at the token endpoint: here every request needs S256."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]  # noqa: RUF012 (authlib's API)

    def validate_code_challenge(self, grant: AuthorizationCodeGrant, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE obligatoire : code_challenge avec code_challenge_method=S256.")
        super().validate_code_challenge(grant, redirect_uri)


class CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]  # authlib has no type hints
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]  # noqa: RUF012 (authlib's API)
    store: PscStore

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data, who = request.payload.data, request.user
        with self.store.session() as session, session.begin():
            session.add(StoredCode(
                digest=digest(code), client_id=request.client.get_client_id(), rpps=who.professional.rpps,
                redirect_uri=data["redirect_uri"], scope=request.scope, nonce=data.get("nonce"), acr=ACR_EIDAS1,
                means=who.means, challenge=data["code_challenge"], challenge_method=data["code_challenge_method"],
                auth_time=time.time(), expires_at=time.time() + CODE_LIFETIME_S, used=False))

    def query_authorization_code(self, code: str, client: RegisteredClient) -> IssuedCode | None:
        with self.store.session() as session, session.begin():
            row = session.get(StoredCode, digest(code))
            if row is None or row.client_id != client.get_client_id():
                return None
            if row.used:
                session.execute(update(StoredToken).where(StoredToken.code_digest == row.digest).values(revoked=True))
                return None
            return IssuedCode(row) if row.expires_at > time.time() else None

    def delete_authorization_code(self, authorization_code: IssuedCode) -> None:
        with self.store.session() as session, session.begin():
            session.execute(update(StoredCode).where(StoredCode.digest == authorization_code.row.digest)
                            .values(used=True))

    def authenticate_user(self, authorization_code: IssuedCode) -> Authenticated | None:
        with self.store.session() as session:
            professional = professional_by_rpps(session, authorization_code.row.rpps)
        return Authenticated(professional, authorization_code.row.means) if professional else None


class IdToken(OpenIDCode):  # type: ignore[misc]  # authlib has no type hints
    def __init__(self, store: PscStore) -> None:
        super().__init__(require_nonce=True)
        self.store = store

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        with self.store.session() as session:
            return session.scalar(select(StoredCode.digest).where(
                StoredCode.nonce == nonce, StoredCode.client_id == request.payload.client_id).limit(1)) is not None

    def resolve_client_private_key(self, client: RegisteredClient) -> RSAKey:
        return self.store.signing_key()

    def get_client_algorithm(self, client: RegisteredClient) -> str:
        return "RS256"

    def get_encode_header(self, client: RegisteredClient) -> dict[str, str]:
        return {"alg": "RS256", "kid": self.store.signing_key().kid or ""}

    def get_compatible_claims(self, request: OAuth2Request) -> dict[str, Any]:
        now = int(time.time())
        issuer = request.issuer if isinstance(request, OidcRequest) else ""
        return {"iss": issuer, "aud": [request.client.get_client_id()], "azp": request.client.get_client_id(),
                "iat": now, "exp": now + TOKEN_LIFETIME_S, "auth_time": now}

    def generate_user_info(self, user: Authenticated, scope: str) -> dict[str, Any]:
        return userinfo_claims(user.professional, subject=subject_of(user.professional))


class OidcServer(AuthorizationServer):  # type: ignore[misc]  # authlib has no type hints
    def __init__(self, store: PscStore) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.store = store
        self.register_token_generator("default", BearerTokenGenerator(
            lambda *args, **kwargs: secrets.token_urlsafe(32), expires_generator=lambda *_: TOKEN_LIFETIME_S))
        grant = type("StoredCodeGrant", (CodeGrant,), {"store": store})
        self.register_grant(grant, [RequiredS256(required=True), IdToken(store)])

    def query_client(self, client_id: str) -> RegisteredClient | None:
        with self.store.session() as session:
            row = session.get(StoredClient, client_id or "")
        return RegisteredClient(row) if row else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        code = request.authorization_code
        with self.store.session() as session, session.begin():
            session.add(StoredToken(digest=digest(token["access_token"]), code_digest=code.row.digest,
                                    client_id=request.client.get_client_id(), rpps=code.row.rpps,
                                    scope=token.get("scope", ""), expires_at=time.time() + TOKEN_LIFETIME_S,
                                    revoked=False))

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request

    def create_json_request(self, request: Any) -> Any:
        return request

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Response:
        location = dict(headers).get("Location")
        if location:
            return RedirectResponse(location, status_code=303)
        return JSONResponse(body, status_code=status, headers={k: v for k, v in headers if k != "Content-Type"})

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None


def professional_by_rpps(session: Any, rpps: str) -> Professional | None:
    row = session.get(StoredProfessional, rpps)
    return row.professional() if row else None


def subject_of(professional: Professional) -> str:
    # Opaque and stable per professional, as Keycloak's user id is.
    return digest("psc-sub:" + professional.id_nat)[:32]
