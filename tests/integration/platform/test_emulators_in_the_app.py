"""The emulators mounted in the app: only when asked for in production, always behind credentials, and
provisioned with the demo pharmacy's and the demo prescriber's tokens, the same the app's clients carry."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from comptoir.devtools import demo
from comptoir.national.credentials import (
    DEMO_PHARMACIST_RPPS,
    DEMO_PHARMACY_FINESS,
    DEMO_PRESCRIBER_AM,
    DEMO_PRESCRIBER_RPPS,
)
from comptoir.services.platform.runtime import Runtime
from comptoir.settings import Settings
from comptoir.store import models as m
from comptoir.web.app import create_app

INSI, ON = "/emulateurs/insi", "/emulateurs/ordonnance-numerique"


def app_in(tmp_path: Path, environment: str, **extra: object) -> TestClient:
    secret = {"secret_key": "un-vrai-secret-de-production-0123456789"} if environment == "production" else {}
    settings = Settings(environment=environment, var_dir=tmp_path / "var", **secret, **extra)  # type: ignore[arg-type]
    return TestClient(create_app(settings))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_in_production_the_emulators_are_not_served_unless_asked_for(tmp_path: Path) -> None:
    client = app_in(tmp_path, "production")

    insi = client.get(f"{INSI}/identites")
    on = client.get(f"{ON}/ordonnances", params={"rpps": DEMO_PRESCRIBER_RPPS})

    assert insi.status_code == on.status_code == 404


def test_in_production_asked_for_they_are_served_behind_credentials(tmp_path: Path) -> None:
    client = app_in(tmp_path, "production", mount_emulators=True)

    anonymous = client.get(f"{ON}/ordonnances", params={"rpps": DEMO_PRESCRIBER_RPPS})

    assert anonymous.status_code == 401 and "Authentification requise" in anonymous.json()["detail"]


def test_in_development_they_accept_the_tokens_the_app_s_clients_carry(tmp_path: Path) -> None:
    settings = Settings(environment="development", var_dir=tmp_path / "var")
    client = TestClient(create_app(settings))

    identities = client.get(f"{INSI}/identites", headers=bearer(settings.insi_token))
    mine = client.get(f"{ON}/ordonnances", params={"rpps": DEMO_PRESCRIBER_RPPS},
                      headers=bearer(settings.eprescription_prescriber_token))
    counter = client.get(f"{ON}/ordonnances", params={"rpps": DEMO_PRESCRIBER_RPPS},
                         headers=bearer(settings.eprescription_token))
    anonymous = client.get(f"{INSI}/identites")

    assert identities.status_code == 200 and mine.status_code == 200 and mine.json() == []
    assert counter.status_code == 403 and anonymous.status_code == 401


def test_the_emulators_demo_identities_are_the_demo_pharmacy_s(runtime: Runtime) -> None:
    with runtime.session_factory.begin() as session:
        demo.load_demo(session, now=runtime.clock())
    with runtime.session_factory() as session:
        finess = session.scalar(select(m.Pharmacy.finess))
    titulaire = next(rpps for code, _, _, rpps in demo.DEMO_OPERATORS if code == "PH01")

    assert finess == DEMO_PHARMACY_FINESS and titulaire == DEMO_PHARMACIST_RPPS
    assert (demo.DEMO_PRESCRIBER["rpps"], demo.DEMO_PRESCRIBER["am"]) == (DEMO_PRESCRIBER_RPPS, DEMO_PRESCRIBER_AM)


@pytest.mark.parametrize(("environment", "mounted"), [("development", True), ("test", True), ("production", False)])
def test_the_emulators_are_mounted_by_default_except_in_production(environment: str, mounted: bool) -> None:
    secret = {"secret_key": "un-vrai-secret-de-production-0123456789"} if environment == "production" else {}

    settings = Settings(environment=environment, **secret)  # type: ignore[arg-type]

    assert settings.mount_emulators is mounted


def test_the_demo_tokens_come_from_the_secret_key_and_a_configured_token_wins(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COMPTOIR_INSI_TOKEN", raising=False)
    (tmp_path / "jeton").write_text("jeton-du-fichier\n")
    monkeypatch.setenv("COMPTOIR_EPRESCRIPTION_TOKEN_FILE", str(tmp_path / "jeton"))

    one, same = Settings(secret_key="secret-a"), Settings(secret_key="secret-a")
    other = Settings(secret_key="secret-b")
    production = Settings(environment="production", secret_key="secret-a" * 8)

    assert one.insi_token == same.insi_token != other.insi_token
    assert one.insi_token != one.eprescription_prescriber_token
    assert one.eprescription_token == "jeton-du-fichier"
    assert production.insi_token == "" and production.eprescription_prescriber_token == ""
