"""comptoir trusts no PSC answer it cannot check: a forged, expired or wrongly bound id_token is refused."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import func, select

from comptoir.national.psc.client import PscClient
from comptoir.national.psc.port import AuthorizationStart, PscRefused
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from tests.integration.psc.conftest import REDIRECT, SECRET, Flow


def claims_of(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    loaded: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return loaded


def signed_by_a_forger(token: str) -> str:
    forger = RSAKey.generate_key(2048, parameters={"kid": "psc-emulateur-1"})
    return jwt.encode({"alg": "RS256", "kid": "psc-emulateur-1"}, claims_of(token), forger)


class TamperedTokens(httpx.BaseTransport):
    """The real provider behind, but its token answer's id_token goes through `change` on the way."""

    def __init__(self, change: Callable[[str], str]) -> None:
        self.inner, self.change = httpx.HTTPTransport(), change

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if not request.url.path.endswith("/token"):
            return response
        body = json.loads(response.read())
        body["id_token"] = self.change(body["id_token"])
        return httpx.Response(response.status_code, json=body)


def authorized(flow: Flow, client: PscClient) -> tuple[AuthorizationStart, str]:
    start = client.start(redirect_uri=REDIRECT)
    callback = flow.ecps(start.url, "810003456789")
    return start, parse_qs(urlsplit(callback).query)["code"][0]


def test_a_forged_id_token_is_refused_and_opens_nothing(flow: Flow, psc_runtime: Runtime) -> None:
    flow.comptoir.app.state.psc = PscClient(flow.psc_url, "comptoir", SECRET,  # type: ignore[attr-defined]
                                            transport=TamperedTokens(signed_by_a_forger))

    refused = flow.log_in_ecps("810003456789")

    assert refused.status_code == 401
    assert "signature ou contenu invalide" in refused.text
    with psc_runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(m.OperatorSession)) == 0
        assert session.scalar(select(m.AuditEntry.action).order_by(m.AuditEntry.seq.desc()).limit(1)) == "refuse"


def test_an_expired_id_token_is_refused(flow: Flow) -> None:
    client = PscClient(flow.psc_url, "comptoir", SECRET)
    start, code = authorized(flow, client)

    with pytest.raises(PscRefused, match="expiré"):
        client.finish(code=code, start=start, redirect_uri=REDIRECT, now=datetime.now(UTC) + timedelta(hours=1))


def test_an_id_token_for_another_nonce_is_refused(flow: Flow) -> None:
    client = PscClient(flow.psc_url, "comptoir", SECRET)
    start, code = authorized(flow, client)

    with pytest.raises(PscRefused, match="contenu invalide"):
        client.finish(code=code, start=replace(start, nonce="une-autre-connexion"), redirect_uri=REDIRECT,
                      now=datetime.now(UTC))


def test_a_code_without_its_pkce_verifier_is_refused(flow: Flow) -> None:
    client = PscClient(flow.psc_url, "comptoir", SECRET)
    start, code = authorized(flow, client)

    with pytest.raises(PscRefused, match="code d'autorisation"):
        client.finish(code=code, start=replace(start, verifier="x" * 43), redirect_uri=REDIRECT,
                      now=datetime.now(UTC))


def test_a_genuine_answer_gives_the_identity_and_its_eidas1_acr(flow: Flow) -> None:
    client = PscClient(flow.psc_url, "comptoir", SECRET)
    start, code = authorized(flow, client)

    login = client.finish(code=code, start=start, redirect_uri=REDIRECT, now=datetime.now(UTC))

    assert (login.identity.rpps, login.means) == ("10003456789", "e-CPS")
    assert claims_of(login.id_token)["acr"] == "eidas1"
