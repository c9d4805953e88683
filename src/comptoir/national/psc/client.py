"""comptoir as a confidential OpenID Connect client of Pro Santé Connect (authlib's httpx client, joserfc).

The id_token is trusted only after its RS256 signature checks against the provider's JWKS and its `iss`, `aud`,
`exp`, `nonce` and `acr` (eidas1, SPEC §8) match; the userinfo then gives the professional's claims, and must
name the same `sub`. Discovery, JWKS and userinfo go through the one HTTP choke point (national/http.py).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import KeySet

from comptoir.national.http import Endpoint, HttpPolicy, open_endpoint
from comptoir.national.psc.port import AuthorizationStart, PscLogin, PscRefused
from comptoir.national.psc.wire import ACR_EIDAS1, SCOPE, identity_from_userinfo

DISCOVERY = "/.well-known/openid-configuration"


class PscClient:
    def __init__(self, issuer_url: str, client_id: str, client_secret: str, *, policy: HttpPolicy | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.issuer_url, self.client_id, self.client_secret = issuer_url.rstrip("/"), client_id, client_secret
        self.policy, self.transport = policy or HttpPolicy(), transport

    @cached_property
    def _endpoint(self) -> Endpoint:
        return open_endpoint("Pro Santé Connect", self.issuer_url, self.policy, transport=self.transport)

    @cached_property
    def metadata(self) -> dict[str, Any]:
        found: dict[str, Any] = self._endpoint.call("GET", self.issuer_url + DISCOVERY, idempotent=True).json()
        return found

    def start(self, *, redirect_uri: str) -> AuthorizationStart:
        state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
        with self._oauth(redirect_uri) as oauth:
            url, _ = oauth.create_authorization_url(self.metadata["authorization_endpoint"], state=state, nonce=nonce,
                                                    code_verifier=verifier, acr_values=ACR_EIDAS1)
        return AuthorizationStart(url, state, nonce, verifier)

    def finish(self, *, code: str, start: AuthorizationStart, redirect_uri: str, now: datetime) -> PscLogin:
        with self._oauth(redirect_uri) as oauth:
            try:
                token = oauth.fetch_token(self.metadata["token_endpoint"], grant_type="authorization_code", code=code,
                                          code_verifier=start.verifier, redirect_uri=redirect_uri)
            except OAuthError as exc:
                raise PscRefused("Pro Santé Connect a refusé le code d'autorisation (déjà utilisé ou expiré) : "
                                 "recommencez la connexion.") from exc
        claims = self._verified(str(token.get("id_token", "")), start.nonce, now)
        userinfo = self._userinfo(str(token["access_token"]))
        if userinfo.get("sub") != claims.get("sub"):
            raise PscRefused("Pro Santé Connect : l'identité renvoyée ne correspond pas au jeton d'identité.")
        means = "CPS" if "sc" in (claims.get("amr") or []) else "e-CPS"
        expires = now + timedelta(seconds=int(token.get("expires_in", 0)))
        return PscLogin(identity_from_userinfo(userinfo), means, str(token["access_token"]), expires,
                        str(token["id_token"]))

    def end_session_url(self, *, id_token: str, post_logout_redirect_uri: str) -> str:
        query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": post_logout_redirect_uri})
        return f"{self.metadata['end_session_endpoint']}?{query}"

    def _oauth(self, redirect_uri: str) -> OAuth2Client:
        return OAuth2Client(self.client_id, self.client_secret, scope=SCOPE, redirect_uri=redirect_uri,
                            code_challenge_method="S256", token_endpoint_auth_method="client_secret_basic",
                            transport=self.transport, timeout=self.policy.timeout_s)

    def _verified(self, id_token: str, nonce: str, now: datetime) -> dict[str, Any]:
        try:
            decoded = jwt.decode(id_token, self._keys(), algorithms=["RS256"])
            jwt.JWTClaimsRegistry(
                now=int(now.astimezone(UTC).timestamp()), leeway=30,
                iss={"essential": True, "value": self.metadata["issuer"]},
                aud={"essential": True, "value": self.client_id}, exp={"essential": True},
                nonce={"essential": True, "value": nonce}, acr={"essential": True, "value": ACR_EIDAS1},
                sub={"essential": True}).validate(decoded.claims)
        except ExpiredTokenError as exc:
            raise PscRefused("Jeton d'identité Pro Santé Connect expiré : recommencez la connexion.") from exc
        except (JoseError, ValueError) as exc:
            raise PscRefused("Jeton d'identité Pro Santé Connect refusé (signature ou contenu invalide) : "
                             "connexion refusée.") from exc
        return dict(decoded.claims)

    def _keys(self) -> KeySet:
        jwks = self._endpoint.call("GET", self.metadata["jwks_uri"], idempotent=True).json()
        return KeySet.import_key_set(jwks)

    def _userinfo(self, access_token: str) -> dict[str, Any]:
        response = self._endpoint.client.get(self.metadata["userinfo_endpoint"],
                                             headers={"Authorization": f"Bearer {access_token}"})
        if not response.is_success:
            raise PscRefused("Pro Santé Connect n'a pas donné l'identité du professionnel : connexion refusée.")
        found: dict[str, Any] = response.json()
        return found
