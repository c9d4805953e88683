"""The Annuaire emulator mounted in the app, behind the deployment's API key, and `comptoir emulate annuaire`;
the counter's directory follows the settings."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from comptoir.cli import app as cli
from comptoir.services.annuaire.directory import install, installed
from comptoir.settings import Settings
from comptoir.web.app import create_app

PATH = "/emulateurs/annuaire/fhir/Practitioner"


def test_the_mounted_emulator_takes_the_deployment_s_api_key(tmp_path: Path) -> None:
    settings = Settings(environment="development", var_dir=tmp_path / "var")
    try:
        client = TestClient(create_app(settings))
        assert installed() is not None and settings.annuaire_url.endswith("/emulateurs/annuaire")
        assert client.get(PATH, params={"identifier": "99900038441"}).status_code == 401
        key = {"ESANTE-API-KEY": settings.annuaire_token}
        found = client.get(PATH, params={"identifier": "99900038441"}, headers=key)
        assert found.status_code == 200 and found.json()["entry"][0]["resource"]["name"][0]["family"] == "TRAL"
    finally:
        install(None)


def test_without_an_annuaire_url_the_counter_has_no_directory(tmp_path: Path) -> None:
    create_app(Settings(environment="test", var_dir=tmp_path / "var"))
    assert installed() is None


def test_the_emulator_runs_alone() -> None:
    said = CliRunner().invoke(cli, ["emulate", "--help"])
    assert said.exit_code == 0 and "annuaire" in said.output
