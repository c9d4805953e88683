"""Operators over the HTTP API: login, sessions, throttling, permissions on every route."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from comptoir.domain.operators import Role
from comptoir.services.platform.runtime import Runtime
from comptoir.web.app import create_app
from tests.conftest import PASSWORD, Clock, add_operator

OPEN_ROUTES = {("POST", "/api/session"), ("GET", "/api/health"), ("GET", "/connexion"), ("POST", "/connexion"),
               ("POST", "/deconnexion"), ("POST", "/psc/connexion"), ("GET", "/psc/retour")}


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    for code, role in (("PH01", Role.TITULAIRE), ("PH02", Role.ADJOINT), ("PR01", Role.PREPARATEUR),
                       ("ADM", Role.ADMIN)):
        add_operator(runtime, code, role)
    return create_app(runtime.settings, runtime=runtime)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every APIRoute, also those of included routers (FastAPI wraps them)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes)


def log_in(client: TestClient, code: str, password: str = PASSWORD) -> str:
    response = client.post("/api/session", json={"code": code, "password": password, "workstation": "poste-2"})
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_an_operator_logs_in_with_code_and_password(client: TestClient) -> None:
    response = client.post("/api/session", json={"code": "PH01", "password": PASSWORD})

    assert response.status_code == 200
    assert response.json()["role"] == "titulaire"
    assert client.cookies.get("comptoir_session")


def test_a_wrong_password_and_an_unknown_code_get_the_same_answer(client: TestClient) -> None:
    wrong = client.post("/api/session", json={"code": "PH01", "password": "mauvais-mot"})
    unknown = client.post("/api/session", json={"code": "NOBODY", "password": "mauvais-mot"})

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "Code opérateur ou mot de passe incorrect."}


def test_repeated_failures_make_the_next_try_wait(client: TestClient, clock: Clock) -> None:
    for _ in range(4):
        client.post("/api/session", json={"code": "PH01", "password": "mauvais-mot"})

    blocked = client.post("/api/session", json={"code": "PH01", "password": PASSWORD})
    clock.advance(seconds=3)
    after_wait = client.post("/api/session", json={"code": "PH01", "password": PASSWORD})

    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) >= 1
    assert "réessayez" in blocked.json()["detail"]
    assert after_wait.status_code == 200


def test_unknown_codes_are_slowed_down_too(client: TestClient) -> None:
    for _ in range(4):
        client.post("/api/session", json={"code": "GHOST", "password": "x" * 10})

    assert client.post("/api/session", json={"code": "GHOST", "password": "x" * 10}).status_code == 429


def test_a_session_expires(client: TestClient, clock: Clock) -> None:
    token = log_in(client, "PR01")
    clock.advance(hours=13)

    assert client.get("/api/drugs", params={"q": "doliprane"}, headers=bearer(token)).status_code == 401


def test_logging_out_ends_the_session_on_the_server(client: TestClient) -> None:
    token = log_in(client, "PR01")

    client.delete("/api/session", headers=bearer(token))

    assert client.get("/api/patients", params={"q": "a"}, headers=bearer(token)).status_code == 401


def test_every_route_but_login_requires_a_session(app: FastAPI, client: TestClient) -> None:
    client.cookies.clear()
    routes = [(method, route.path) for route in api_routes(app.routes) for method in route.methods]
    guarded = [(method, path) for method, path in routes if (method, path) not in OPEN_ROUTES]

    answers = {(method, path): client.request(method, path.replace("{cis}", "60234100")
                                              .replace("{patient_id}", "1"), follow_redirects=False).status_code
               for method, path in guarded}

    assert len(guarded) >= 12
    assert all(code in (401, 303) for code in answers.values()), answers


def test_a_preparateur_cannot_perform_a_pharmacist_only_act(client: TestClient) -> None:
    token = log_in(client, "PR01")
    new_operator = {"code": "PR02", "display_name": "X", "role": "preparateur", "password": "motdepasse-long"}

    create = client.post("/api/operators", json=new_operator, headers=bearer(token))
    audit = client.get("/api/audit", headers=bearer(token))

    assert create.status_code == 403
    assert "Préparateur en pharmacie" in create.json()["detail"]
    assert audit.status_code == 403


def test_the_titulaire_manages_operators(client: TestClient) -> None:
    token = log_in(client, "PH01")
    new_operator = {"code": "ET02", "display_name": "Lou", "role": "etudiant", "password": "motdepasse-long"}

    created = client.post("/api/operators", json=new_operator, headers=bearer(token))
    again = client.post("/api/operators", json=new_operator, headers=bearer(token))

    assert created.status_code == 201
    assert again.status_code == 409


def test_the_administrator_sees_no_patient(client: TestClient) -> None:
    token = log_in(client, "ADM")

    assert client.get("/api/patients", params={"q": "a"}, headers=bearer(token)).status_code == 403


def test_pages_send_an_anonymous_visitor_to_the_login_form(client: TestClient) -> None:
    client.cookies.clear()

    response = client.get("/medicaments?q=doliprane", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/connexion?suite=/medicaments%3Fq%3Ddoliprane"


def test_the_login_form_refuses_a_wrong_password_in_french(client: TestClient) -> None:
    response = client.post("/connexion", data={"code": "PH01", "password": "faux"})

    assert response.status_code == 401
    assert "Code opérateur ou mot de passe incorrect." in response.text


def test_the_login_form_never_redirects_off_site(client: TestClient) -> None:
    response = client.post("/connexion", data={"code": "PH01", "password": PASSWORD, "suite": "//evil.example"},
                           follow_redirects=False)

    assert response.headers["location"] == "/"


def test_reading_the_audit_trail_is_itself_recorded(client: TestClient) -> None:
    token = log_in(client, "PH01")

    client.get("/api/audit", headers=bearer(token))
    trail = client.get("/api/audit", headers=bearer(token)).json()

    assert trail[0]["object_type"] == "audit_log"
    assert (trail[0]["operator"], trail[0]["workstation"]) == ("PH01", "poste-2")


def test_the_administrator_cannot_become_a_pharmacist(client: TestClient) -> None:
    admin = log_in(client, "ADM")
    new_operator = {"code": "PH09", "display_name": "Faux", "role": "titulaire", "password": "motdepasse-long"}

    created = client.post("/api/operators", json=new_operator, headers=bearer(admin))
    refused = client.post("/api/session", json={"code": "PH09", "password": "motdepasse-long"})
    self_confirm = client.post("/api/operators/PH09/confirm", headers=bearer(admin))

    assert created.status_code == 201
    assert created.json()["active"] is False and created.json()["awaiting_confirmation"] is True
    assert "en attente de la confirmation d'un pharmacien titulaire" in created.json()["message"]
    assert refused.status_code == 401
    assert self_confirm.status_code == 403


def test_a_titulaire_confirms_the_account_and_every_change_is_audited(client: TestClient) -> None:
    admin, titulaire = log_in(client, "ADM"), log_in(client, "PH01")
    new_operator = {"code": "AD09", "display_name": "Anne", "role": "adjoint", "password": "motdepasse-long"}
    client.post("/api/operators", json=new_operator, headers=bearer(admin))

    confirmed = client.post("/api/operators/AD09/confirm", headers=bearer(titulaire))
    logged = client.post("/api/session", json={"code": "AD09", "password": "motdepasse-long"})
    closed = client.post("/api/operators/AD09/deactivate", headers=bearer(admin))
    trail = client.get("/api/audit", headers=bearer(titulaire)).json()

    assert confirmed.status_code == 200 and confirmed.json()["active"] is True
    assert logged.status_code == 200
    assert closed.status_code == 200 and closed.json()["active"] is False
    changes = [(e["operator"], e["action"]) for e in trail
               if e["object_type"] == "operator" and e["object_id"] == "AD09"]
    assert changes == [("ADM", "deactivate"), ("PH01", "confirm"), ("ADM", "create")]
