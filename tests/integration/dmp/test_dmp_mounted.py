"""The DMP emulator mounted in the app (`comptoir serve`): behind credentials, accepting the pharmacy's DMP token
the settings derive for the demo, the one its client carries."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from comptoir.settings import Settings
from comptoir.web.app import create_app
from tests.fakes.dmp import GENE

DMP = "/emulateurs/dmp"


def test_in_development_the_mounted_dmp_accepts_the_demo_pharmacy_s_token(tmp_path: Path) -> None:
    settings = Settings(environment="development", var_dir=tmp_path / "var")
    client = TestClient(create_app(settings))

    known = client.get(f"{DMP}/patients/{GENE.matricule}/etat",
                       headers={"Authorization": f"Bearer {settings.dmp_token}"})
    anonymous = client.get(f"{DMP}/patients/{GENE.matricule}/etat")

    assert settings.dmp_url.endswith(DMP)
    assert known.status_code == 200 and known.json()["existe"] is True
    assert anonymous.status_code == 401
