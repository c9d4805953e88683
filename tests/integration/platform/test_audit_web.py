"""The login's workstation and the audit's verification over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.integration.platform.test_operators_and_permissions import (  # noqa: F401 (fixtures)
    app,
    bearer,
    client,
    log_in,
)


def test_the_login_form_refuses_an_unknown_workstation_beside_the_field(client: TestClient) -> None:  # noqa: F811
    response = client.post("/connexion", data={"code": "PH01", "password": "peu importe", "poste": "poste-9"})

    assert response.status_code == 422
    assert 'id="poste-erreur"' in response.text and "Poste inconnu : « poste-9 »" in response.text
    assert "comptoir_session" not in response.cookies


def test_the_api_refuses_a_megabyte_of_workstation(client: TestClient) -> None:  # noqa: F811
    response = client.post("/api/session", json={"code": "PH01", "password": "x", "workstation": "p" * 1_000_000})

    assert response.status_code in (400, 422)
    assert len(response.text) < 2000


def test_the_verification_reports_the_checkpoints(client: TestClient) -> None:  # noqa: F811
    token = log_in(client, "PH01")
    client.get("/api/audit", headers=bearer(token))  # reading it writes an entry (after the accounts made)

    answer = client.get("/api/audit/verify", headers=bearer(token)).json()

    assert answer["intact"] and answer["entries"] >= 1 and answer["checkpoints"] == 0
    assert "comptoir audit checkpoint" in answer["warnings"][0]
