"""A titulaire binds an RPPS to an account so its holder can log in with PSC; one account per RPPS."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from tests.conftest import PASSWORD
from tests.integration.psc.conftest import Flow, hidden


def as_titulaire(comptoir: TestClient) -> str:
    comptoir.post("/connexion", data={"code": "PH01", "password": PASSWORD})
    return hidden(comptoir.get("/operateurs/rpps").text, "_csrf")


def rpps_of(runtime: Runtime, code: str) -> str | None:
    with runtime.session_factory() as session:
        return session.scalar(select(m.Operator.rpps).where(m.Operator.code == code))


def test_a_bound_rpps_lets_its_holder_log_in_with_psc(flow: Flow, psc_runtime: Runtime) -> None:
    csrf = as_titulaire(flow.comptoir)

    bound = flow.comptoir.post("/operateurs/rpps", data={"_csrf": csrf, "code": "PH02", "rpps": "10005551238"})
    flow.comptoir.cookies.clear()
    landed = flow.log_in_ecps("810005551238")

    assert bound.status_code == 200 and rpps_of(psc_runtime, "PH02") == "10005551238"
    assert landed.status_code == 200
    assert "Opérateur PH02" in flow.comptoir.get("/").text


def test_an_rpps_already_bound_to_another_account_is_refused(comptoir: TestClient, psc_runtime: Runtime) -> None:
    csrf = as_titulaire(comptoir)

    refused = comptoir.post("/operateurs/rpps", data={"_csrf": csrf, "code": "PH02", "rpps": "10007771230"})

    assert refused.status_code == 422
    assert "déjà lié au compte « PR01 »" in refused.text
    assert 'value="10007771230"' in refused.text
    assert rpps_of(psc_runtime, "PH02") is None


def test_an_rpps_failing_its_luhn_key_is_refused(comptoir: TestClient, psc_runtime: Runtime) -> None:
    csrf = as_titulaire(comptoir)

    refused = comptoir.post("/operateurs/rpps", data={"_csrf": csrf, "code": "PH02", "rpps": "10005551239"})

    assert refused.status_code == 422
    assert "clé de contrôle (Luhn) invalide" in refused.text
    assert rpps_of(psc_runtime, "PH02") is None


def test_a_preparateur_may_not_bind_rpps(comptoir: TestClient) -> None:
    comptoir.post("/connexion", data={"code": "PR01", "password": PASSWORD})

    assert comptoir.get("/operateurs/rpps").status_code == 403
