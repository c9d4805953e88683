"""The demo's DP case (devtools/demo_dp.py), loaded twice as two first starts would: DARK's DP holds the
Pharmacie du Marché's ibuprofen, seeded into the emulator's own storage; her ELIQUIS renewal waits for the
pharmacist, who sees the DP line at the counter and the interaction it raises."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from comptoir.devtools import demo
from comptoir.national.credentials import demo_pharmacy
from comptoir.national.dp.client import DpClient
from comptoir.national.dp.emulator import create_emulator
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.web.app import create_app
from tests.conftest import open_session
from tests.emulators import FAST_POLICY, serving


def test_the_demo_seeds_darks_dp_and_her_renewal_meets_the_other_pharmacys_ibuprofen(
        reference_runtime: Runtime) -> None:
    runtime, settings = reference_runtime, reference_runtime.settings
    first = demo.load_demo_pharmacy(runtime, with_dispensations=True)
    second = demo.load_demo_pharmacy(runtime, with_dispensations=True)
    with runtime.session_factory() as session:
        dark = session.scalar(select(m.Patient.id).where(m.Patient.last_name == "DARK"))
    emulator = create_emulator(settings.emulators_dir / "dp.db", credentials=[demo_pharmacy(settings.dp_token)],
                               clock=runtime.clock)

    with serving(emulator) as url, TestClient(create_app(settings, runtime=runtime)) as client:
        client.app.state.dp_client = DpClient.at(url, FAST_POLICY, token=settings.dp_token)  # type: ignore[attr-defined]
        open_session(client, "PH01", demo.DEMO_PASSWORD)
        (waiting,) = [b for b in client.get("/api/comptoir/paniers").json() if b["patient_id"] == dark]
        panel = client.get(f"/patients/{dark}/dp/comptoir?panier={waiting['id']}").text
        alerts = client.get(f"/api/comptoir/paniers/{waiting['id']}").json()["alerts"]

    assert (first["lignes_dp"], first["en_attente_dp"], second["lignes_dp"], second["en_attente_dp"]) == (1, 1, 0, 0)
    assert "IBUPROFENE ARROW 400 mg" in panel and "Pharmacie du Marché, Villeurbanne" in panel
    assert "ASDEC" in [a["level"] for a in alerts if a["kind"] == "interaction"]  # apixaban + NSAID
