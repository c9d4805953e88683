"""The DP at the counter and on the patient's page, on the packaged reference and the demo pharmacy: a line the
Pharmacie du Marché dispensed shows in the counter's history pane, marked with its origin, and raises its
interaction with the basket; a DP that is down says so and delays nothing; the patient's page shows the lines
in the window asked, prints the DP, opens one with consent, records the refusals and the closure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from comptoir.devtools import demo
from comptoir.national.dp.port import Beneficiary
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.outbox import OutboxMessage
from comptoir.web.app import create_app
from tests.conftest import open_session
from tests.integration.dp.dpsite import OTHER_PHARMACY_TOKEN, MovableClock, dp_client, dp_emulator, feed, line

DARK = Beneficiary("239088815400243", date(1939, 8, 13))
IBUPROFEN = "3400936656161"
World = tuple[TestClient, Runtime, str]


@pytest.fixture
def world(reference_runtime: Runtime, tmp_path: Path) -> Iterator[World]:
    with reference_runtime.session_factory.begin() as session:
        demo.load_demo(session, now=reference_runtime.clock())
    clock = MovableClock()
    clock.now = reference_runtime.clock()
    with dp_emulator(tmp_path, clock) as url:
        app = create_app(reference_runtime.settings, runtime=reference_runtime)
        app.state.dp_client = dp_client(url)
        with TestClient(app) as client:
            open_session(client, "PH01", demo.DEMO_PASSWORD)
            yield client, reference_runtime, url


def market_dispensed_ibuprofen(url: str) -> None:
    market = dp_client(url, OTHER_PHARMACY_TOKEN)
    market.open(DARK, card_read=True, consent=True)
    market.feed(DARK, feed("M1", line(1, "IBUPROFENE ARROW 400 mg, comprimé pelliculé", IBUPROFEN),
                           on=date(2026, 2, 10)))


def patient(runtime: Runtime, last_name: str) -> int:
    with runtime.session_factory() as session:
        return int(session.scalar(select(m.Patient.id).where(m.Patient.last_name == last_name)) or 0)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response


def eliquis_basket(client: TestClient, patient_id: int) -> int:
    basket = ok(client.post("/api/comptoir/paniers", json={"kind": "ordonnance_papier", "patient_id": patient_id}),
                201).json()
    ok(client.post(f"/api/comptoir/paniers/{basket['id']}/ordonnance-papier",
                   json={"lines": [{"drug": "ELIQUIS 2,5 mg", "posology": "1 cp matin et soir"}]}))
    return int(basket["id"])


def test_a_line_from_another_pharmacy_shows_at_the_counter_and_raises_its_interaction(world: World) -> None:
    client, runtime, url = world
    market_dispensed_ibuprofen(url)
    dark = patient(runtime, "DARK")
    basket = eliquis_basket(client, dark)
    before = client.get(f"/api/comptoir/paniers/{basket}").json()["alerts"]

    page = ok(client.get(f"/comptoir/{basket}")).text
    panel = ok(client.get(f"/patients/{dark}/dp/comptoir?panier={basket}", headers={"HX-Request": "true"})).text
    after = client.get(f"/api/comptoir/paniers/{basket}").json()["alerts"]

    assert f'hx-get="/patients/{dark}/dp/comptoir?panier={basket}"' in page
    assert "IBUPROFENE ARROW 400 mg" in panel and "Pharmacie du Marché, Villeurbanne" in panel and ">DP<" in panel
    assert not [a for a in before if a["kind"] == "interaction"]
    (interaction,) = [a for a in after if a["kind"] == "interaction"]
    assert interaction["level"] == "ASDEC" and interaction["needs_decision"]
    with runtime.session_factory() as session:
        assert session.scalars(select(m.AuditEntry.detail).where(m.AuditEntry.object_type == "dp")).all() == [
            "consultation du DP (4 mois) : 1 ligne(s)"]


def test_a_dp_that_is_down_says_so_and_the_counter_goes_on(world: World) -> None:
    client, runtime, _ = world
    client.app.state.dp_client = dp_client("http://127.0.0.1:9")  # type: ignore[attr-defined]
    dark = patient(runtime, "DARK")
    basket = eliquis_basket(client, dark)

    panel = ok(client.get(f"/patients/{dark}/dp/comptoir?panier={basket}")).text

    assert "DP indisponible" in panel and "le comptoir continue" in panel
    assert [x["drug"] for x in client.get(f"/api/comptoir/paniers/{basket}").json()["lines"]] == ["ELIQUIS 2,5 mg"]


def test_a_patient_without_a_dp_is_offered_one_with_consent_and_the_card_read(world: World) -> None:
    client, runtime, _ = world
    dark = patient(runtime, "DARK")

    offered = ok(client.get(f"/patients/{dark}/dp/comptoir")).text
    refused = client.post(f"/patients/{dark}/dp/ouverture", data={"carte_vitale": "on", "vue": "comptoir"},
                          headers={"HX-Request": "true"})
    opened = ok(client.post(f"/patients/{dark}/dp/ouverture", data={"carte_vitale": "on", "consentement": "on",
                                                                    "vue": "comptoir"},
                            headers={"HX-Request": "true"})).text

    assert "Ouvrir le DP" in offered
    assert refused.status_code == 422 and "Cochez le consentement" in refused.text
    assert 'value="on" checked' in refused.text  # the card's box stays ticked
    assert "Ouverture du DP demandée" in opened


def test_the_patient_page_shows_the_window_asked_prints_and_closes(world: World) -> None:
    client, runtime, url = world
    market_dispensed_ibuprofen(url)
    dp_client(url, OTHER_PHARMACY_TOKEN).feed(DARK, feed("M0", line(1, "DOLIPRANE 1000 mg", "3400935955838"),
                                                         on=date(2025, 6, 1)))
    dark = patient(runtime, "DARK")

    four = ok(client.get(f"/patients/{dark}/dp")).text
    twelve = ok(client.get(f"/patients/{dark}/dp?mois=12")).text
    printed = ok(client.get(f"/patients/{dark}/dp/impression.pdf"))
    unconfirmed = client.post(f"/patients/{dark}/dp/fermeture", headers={"HX-Request": "true"})
    closed = ok(client.post(f"/patients/{dark}/dp/fermeture", data={"confirmation": "on"},
                            headers={"HX-Request": "true"})).text

    assert "IBUPROFENE" in four and "DOLIPRANE" not in four and "DOLIPRANE" in twelve
    assert printed.headers["content-type"] == "application/pdf" and printed.content.startswith(b"%PDF")
    assert unconfirmed.status_code == 422 and "la fermeture efface" in unconfirmed.text
    assert "DP fermé" in closed


def test_a_refused_consultation_is_not_asked_again_today_and_leaves_the_analysis(world: World) -> None:
    client, runtime, url = world
    market_dispensed_ibuprofen(url)
    dark = patient(runtime, "DARK")
    basket = eliquis_basket(client, dark)
    ok(client.get(f"/patients/{dark}/dp/comptoir?panier={basket}"))

    refused = ok(client.post(f"/patients/{dark}/dp/refus-consultation", data={"vue": "comptoir", "panier": basket},
                             headers={"HX-Request": "true"})).text
    again = ok(client.get(f"/patients/{dark}/dp/comptoir")).text
    alerts = client.get(f"/api/comptoir/paniers/{basket}").json()["alerts"]

    assert f'hx-get="/comptoir/{basket}"' in refused  # the work area analysed again
    assert "refusé sa consultation" in again and "IBUPROFENE" not in again
    assert not [a for a in alerts if a["kind"] == "interaction"]


def test_a_student_may_neither_open_a_dp_nor_record_a_refusal(world: World) -> None:
    client, runtime, _ = world
    dark = patient(runtime, "DARK")
    open_session(client, "ET01", demo.DEMO_PASSWORD)

    opening = client.post(f"/patients/{dark}/dp/ouverture", data={"carte_vitale": "on", "consentement": "on"},
                          headers={"HX-Request": "true"})
    refusal = client.post(f"/patients/{dark}/dp/refus-consultation", headers={"HX-Request": "true"})

    assert opening.status_code == refusal.status_code == 403
    assert "Action réservée" in opening.text and "Étudiant" in opening.text
    with runtime.session_factory() as session:
        assert session.scalars(select(OutboxMessage).where(OutboxMessage.kind.like("dp.%"))).all() == []
