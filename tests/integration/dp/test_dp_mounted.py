"""The DP emulator served by the app under /emulateurs/dp accepts the token the app's DP client carries."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from comptoir.settings import Settings
from comptoir.web.app import create_app

BODY = {"beneficiaire": {"nir": "1690399123456", "dateNaissance": "1969-03-20"}}


def test_in_development_the_mounted_dp_answers_the_pharmacys_token_and_no_other(tmp_path: Path) -> None:
    settings = Settings(environment="development", var_dir=tmp_path / "var")
    client = TestClient(create_app(settings))

    ours = client.post("/emulateurs/dp/dossiers/consultation", json=BODY,
                       headers={"Authorization": f"Bearer {settings.dp_token}"})
    stranger = client.post("/emulateurs/dp/dossiers/consultation", json=BODY,
                           headers={"Authorization": "Bearer jeton-inconnu"})

    assert settings.dp_url.endswith("/emulateurs/dp") and settings.dp_timeout_s <= 2
    assert ours.status_code == 200 and ours.json() == {"statut": "absent", "lignes": []}
    assert stranger.status_code == 401 and "Jeton inconnu" in stranger.json()["detail"]
