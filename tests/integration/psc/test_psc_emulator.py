"""The emulated Pro Santé Connect keeps the rules of the real one (SPEC §8)."""

from __future__ import annotations

import base64
import hashlib

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.integration.psc.conftest import REDIRECT, SECRET, Flow, hidden


def authorize_query(**changes: str) -> dict[str, str]:
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = {"response_type": "code", "client_id": "comptoir", "redirect_uri": REDIRECT, "scope": "openid scope_all",
             "state": "s", "nonce": "n", "code_challenge": challenge, "code_challenge_method": "S256",
             "acr_values": "eidas1"}
    return {k: v for k, v in {**query, **changes}.items() if v}


def test_discovery_is_served_under_both_names(browser: httpx.Client, psc_url: str) -> None:
    for name in ("openid-configuration", "wallet-openid-configuration"):
        document = browser.get(f"{psc_url}/.well-known/{name}").json()

        assert document["issuer"] == psc_url
        assert document["acr_values_supported"] == ["eidas1"]


def test_an_authorization_without_pkce_is_refused(browser: httpx.Client, psc_url: str) -> None:
    page = browser.get(f"{psc_url}/auth", params=authorize_query(code_challenge="", code_challenge_method=""))

    assert page.status_code == 400


def test_an_authentication_level_other_than_eidas1_is_refused(browser: httpx.Client, psc_url: str) -> None:
    page = browser.get(f"{psc_url}/auth", params=authorize_query(acr_values="eidas3"))

    assert page.status_code == 400
    assert "non pris en charge" in page.text


def test_an_unregistered_redirect_is_refused(browser: httpx.Client, psc_url: str) -> None:
    page = browser.get(f"{psc_url}/auth", params=authorize_query(redirect_uri="http://127.0.0.1/ailleurs"))

    assert page.status_code == 400


def test_an_unknown_ecps_identifier_is_said_on_the_page(flow: Flow) -> None:
    query = hidden(flow.browser.get(f"{flow.psc_url}/auth", params=authorize_query()).text, "requete")

    page = flow.browser.post(f"{flow.psc_url}/auth/ecps", data={"requete": query, "idnat": "812345678901"})

    assert page.status_code == 404
    assert "Aucune e-CPS activée" in page.text


def test_userinfo_is_a_jwt_signed_with_the_published_key_when_asked(flow: Flow) -> None:
    callback = flow.ecps(f"{flow.psc_url}/auth?" + str(httpx.QueryParams(authorize_query())), "810003456789")
    code = httpx.URL(callback).params["code"]
    tokens = flow.browser.post(f"{flow.psc_url}/protocol/openid-connect/token", auth=("comptoir", SECRET), data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": "v" * 50}).json()
    keys = KeySet.import_key_set(flow.browser.get(f"{flow.psc_url}/protocol/openid-connect/certs").json())

    signed = flow.browser.get(f"{flow.psc_url}/protocol/openid-connect/userinfo",
                              headers={"Authorization": f"Bearer {tokens['access_token']}",
                                       "Accept": "application/jwt"})

    claims = jwt.decode(signed.text, keys, algorithms=["RS256"]).claims
    assert claims["SubjectNameID"] == "810003456789"
    assert claims["SubjectRefPro"]["exercices"][0]["activities"][0]["codeSecteurDactivite"] == "SA33"
