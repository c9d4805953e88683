"""The counter's basket over the JSON API, on the packaged reference and the demo pharmacy: a préparateur fills a
paper basket and hands it over; the pharmacist sees it waiting, decides on the contraindication, validates with
the version shown; an ON scanned at the counter fills its basket and its validation leaves through the outbox.
Errors: 422 with {field: message} in French, 409 for a stale version."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from comptoir.devtools import demo
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.outbox import OutboxMessage
from comptoir.web.app import create_app
from tests.conftest import open_session
from tests.emulators import eprescription_client, eprescription_emulator, prescriber_client

LINES = [{"drug": "SIMVASTATINE 20 mg comprimé", "posology": "1 comprimé le soir", "duration_days": 30},
         {"drug": "CLARITHROMYCINE 500 mg comprimé", "posology": "1 comprimé matin et soir pendant 7 jours"}]


@pytest.fixture
def world(reference_runtime: Runtime, tmp_path: Path) -> Iterator[tuple[TestClient, Runtime]]:
    with reference_runtime.session_factory.begin() as session:
        demo.load_demo(session, now=reference_runtime.clock())
    with eprescription_emulator(tmp_path, reference_runtime.clock) as url:
        app = create_app(reference_runtime.settings, runtime=reference_runtime)
        app.state.on_base, app.state.on_base_prescriber = eprescription_client(url), prescriber_client(url)
        with TestClient(app) as client:
            yield client, reference_runtime


def as_(client: TestClient, code: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {open_session(client, code, demo.DEMO_PASSWORD).json()['token']}"}


def patient(runtime: Runtime, last_name: str) -> int:
    with runtime.session_factory() as session:
        return int(session.scalar(select(m.Patient.id).where(m.Patient.last_name == last_name)) or 0)


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json())


def paper_basket(client: TestClient, runtime: Runtime, who: dict[str, str],
                 lines: list[dict[str, Any]] = LINES) -> dict[str, Any]:
    basket = ok(client.post("/api/comptoir/paniers", json={"kind": "ordonnance_papier",
                                                           "patient_id": patient(runtime, "BOCRIE")}, headers=who), 201)
    path = f"/api/comptoir/paniers/{basket['id']}"
    ok(client.post(path + "/ordonnance", json={"prescriber_rpps": "10000001916", "prescriber_name": "Dr Jean MARTIN",
                                              "prescribed_on": "2026-02-18"}, headers=who))
    return ok(client.post(path + "/ordonnance-papier", json={"lines": lines}, headers=who))


def test_a_preparer_hands_over_the_pharmacist_decides_and_validates(world: tuple[TestClient, Runtime]) -> None:
    client, runtime = world
    preparer, pharmacist = as_(client, "PR01"), as_(client, "PH01")
    basket = paper_basket(client, runtime, preparer)
    path = f"/api/comptoir/paniers/{basket['id']}"
    (alert,) = [a for a in basket["alerts"] if a["needs_decision"] and a["kind"] != "serialisation"]

    refused = client.post(path + "/valider", json={"version": basket["version"]}, headers=preparer)
    forbidden = client.post(path + "/decisions", json={"alert_key": alert["key"], "kind": "override",
                                                       "reason": "vu"}, headers=preparer)
    handed = ok(client.post(path + "/transmettre", headers=preparer))
    waiting = client.get("/api/comptoir/paniers", headers=pharmacist)
    blocked = client.post(path + "/valider", json={"version": handed["version"]}, headers=pharmacist)
    decided = ok(client.post(path + "/decisions", json={
        "alert_key": alert["key"], "kind": "intervention", "intervention_code": "2", "outcome": "1",
        "reason": "Appel au prescripteur : la simvastatine est suspendue pendant l'antibiothérapie."},
        headers=pharmacist))
    unscanned = [a for a in decided["alerts"] if a["kind"] == "serialisation"]
    for packs in unscanned:  # typed lines: their boxes were not scanned (SPEC §9.3)
        decided = ok(client.post(path + "/decisions", json={
            "alert_key": packs["key"], "kind": "override", "reason": "boîte sans DataMatrix (ancien conditionnement)"},
            headers=pharmacist))
    stale = client.post(path + "/valider", json={"version": handed["version"]}, headers=pharmacist)
    done = ok(client.post(path + "/valider", json={"version": decided["version"]}, headers=pharmacist), 201)

    assert (alert["kind"], alert["level"]) == ("interaction", "CI") and len(unscanned) == 2
    assert "3400" not in alert["message"] and all(p["dci"] for p in alert["products"])
    assert refused.status_code == forbidden.status_code == 403
    assert [w["id"] for w in waiting.json()] == [basket["id"]] and handed["status"] == "en_attente"
    assert blocked.status_code == 422 and any("Décision" in r for r in blocked.json()["reasons"])
    assert stale.status_code == 409 and "a changé" in stale.json()["detail"]
    assert done["dispensation_id"] and len(done["ordonnancier_numbers"]) == 2


def test_bad_input_is_answered_beside_its_field_in_french(world: tuple[TestClient, Runtime]) -> None:
    client, _ = world
    who = as_(client, "PH01")
    basket = ok(client.post("/api/comptoir/paniers", json={"kind": "sans_ordonnance"}, headers=who), 201)
    path = f"/api/comptoir/paniers/{basket['id']}"

    ambiguous = client.post(path + "/saisie", json={"text": "doliprane"}, headers=who)
    listed = client.post(path + "/saisie", json={"text": "3400938834253"}, headers=who)
    rpps = client.post(path + "/ordonnance", json={"prescriber_rpps": "123"}, headers=who)

    assert ambiguous.status_code == 422 and len(ambiguous.json()["candidates"]) > 1
    assert "choisissez" in ambiguous.json()["errors"]["text"]
    assert listed.status_code == 422 and "ne se délivre que sur ordonnance" in listed.json()["errors"]["text"]
    assert rpps.status_code == 422 and rpps.json()["errors"] == {"prescriber_rpps": "Le N° RPPS a 11 chiffres."}
    assert ok(client.get(path, headers=who))["lines"] == []


def test_an_on_scanned_at_the_counter_is_validated_and_its_execution_queued(world: tuple[TestClient, Runtime]) -> None:
    client, runtime = world
    who = as_(client, "PH01")
    identity = {"last_name": "GENE", "first_name": "Alain", "birth_date": "1966-02-23", "sex": "M"}
    created = ok(client.post("/api/prescriptions", json={"patient": identity, "consent": True, "lines": [
        {"text": "AMLOR 5 mg, gélule", "posology": "1 gélule le matin", "duration_days": 30}]},
        headers=as_(client, "MED1")), 201)
    basket = ok(client.post("/api/comptoir/paniers", json={"kind": "ordonnance_numerique",
                                                           "patient_id": patient(runtime, "GENE")}, headers=who), 201)
    path = f"/api/comptoir/paniers/{basket['id']}"

    loaded = ok(client.post(path + "/saisie", json={"text": created["qr_payload"]}, headers=who))
    done = validated(client, loaded, who)

    assert [line["prescription_line"] for line in loaded["lines"]] == [1] and loaded["lines"][0]["cip13"]
    assert loaded["prescription"]["on_id"] == created["prescription_id"]
    assert [a["kind"] for a in loaded["alerts"]] == ["serialisation"], "AMLOR, no box scanned"
    assert not any(a["needs_decision"] for a in loaded["alerts"])
    with runtime.session_factory() as session:
        kinds = session.scalars(select(OutboxMessage.kind)).all()
    assert [o["kind"] for o in done["outbox_messages"]] == ["on.execution"] and kinds == ["on.execution"]


def validated(client: TestClient, basket: dict[str, Any], who: dict[str, str]) -> dict[str, Any]:
    """The pharmacist overrides what needs a decision, then validates."""
    path = f"/api/comptoir/paniers/{basket['id']}"
    for alert in (a for a in basket["alerts"] if a["needs_decision"]):
        basket = ok(client.post(path + "/decisions", json={"alert_key": alert["key"], "kind": "override",
                                                           "reason": "Ordonnance vérifiée."}, headers=who))
    return ok(client.post(path + "/valider", json={"version": basket["version"]}, headers=who), 201)


def test_a_hypnotic_still_covered_is_refused_until_the_prescribers_mention_is_ticked(
        world: tuple[TestClient, Runtime]) -> None:
    client, runtime = world
    who = as_(client, "PH01")
    validated(client, paper_basket(client, runtime, who, [{"drug": "STILNOX 10 mg comprimé pelliculé sécable",
                                                           "posology": "1 comprimé au coucher", "duration_days": 28}]),
              who)

    again = paper_basket(client, runtime, who, [{"drug": "STILNOX 10 mg comprimé pelliculé sécable",
                                                 "posology": "1 comprimé au coucher", "duration_days": 28}])
    path = f"/api/comptoir/paniers/{again['id']}/lignes/1"
    allowed = ok(client.patch(path, json={"overlap_allowed": True}, headers=who))

    (refused,), (ticked,) = again["lines"], allowed["lines"]
    assert refused["reason"].startswith("Chevauchement interdit (CSP R.5132-33) : ")
    assert "(zolpidem) délivré le" in refused["reason"] and "pour 28 jours" in refused["reason"]
    assert any(r.startswith("Ligne 1 : Chevauchement interdit") for r in again["blocking"])
    assert ticked["overlap_allowed"] and ticked["reason"] == ""
    assert not any("Chevauchement" in r for r in allowed["blocking"])
