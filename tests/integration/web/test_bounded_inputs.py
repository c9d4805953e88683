"""The inputs of an attack on a fresh install, over HTTP: each refused with a 4xx and a French message, never a
500, and nothing written."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select

from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation
from comptoir.store.outbox import OutboxMessage
from comptoir.web.app import create_app
from tests.conftest import open_session
from tests.integration.eprescription.onsite import pharmacy_with_prescription

PATIENT = {"last_name": "DARK", "first_name": "Jeanne", "birth_date": "1939-08-13", "sex": "F"}


@pytest.fixture
def world(runtime: Runtime) -> Iterator[tuple[TestClient, Runtime, str, int]]:
    """A titulaire logged in, GENE at the counter, one ON of two lines (line 1: two boxes) consulted."""
    _, patient_id, prescription = pharmacy_with_prescription(runtime, quantity=2)
    with TestClient(create_app(runtime.settings, runtime=runtime)) as client:
        assert open_session(client, "PH01").status_code == 200
        yield client, runtime, prescription.id, patient_id


def count(runtime: Runtime, table: type) -> int:
    with runtime.session_factory() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def bomb_png() -> str:
    """A few kB that claim 30,000 × 30,000 pixels (900 megapixels) once decoded."""
    out = BytesIO()
    Image.new("1", (30_000, 30_000)).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def refused(response: object, status: int = 422) -> str:
    assert getattr(response, "status_code") == status, getattr(response, "text")  # noqa: B009
    return str(getattr(response, "json")()["detail"])  # noqa: B009


def test_nan_and_infinity_in_a_json_body_are_refused(world: tuple[TestClient, Runtime, str, int]) -> None:
    client, _, _, _ = world

    for body in ('{"today": "2026-02-19", "patient": {"weight_kg": NaN}, "lines": []}',
                 '{"lines": [{"drug": "x"}], "patient": {"egfr": -Infinity}}', '{"x": 1e999}'):
        answer = client.post("/api/analysis", content=body, headers={"content-type": "application/json"})

        assert "NaN et Infinity" in refused(answer)


def test_ids_beyond_the_database_integers_are_refused(world: tuple[TestClient, Runtime, str, int]) -> None:
    client, _, _, _ = world

    for path in (f"/api/patients/{2**63}", f"/api/patients/{2**31}/identity", "/api/patients/0"):
        assert client.get(path).status_code == 422
    assert client.post(f"/api/checks/{2**63}", json={}).status_code == 422
    assert client.post("/api/analysis?patient_id=99999999999999999999", json={}).status_code == 422


@pytest.mark.parametrize(("birth_date", "why"), [("2030-01-01", "dans le futur"), ("0001-01-01", "avant 1900"),
                                                 ("1899-12-31", "avant 1900"), ("9999-12-31", "dans le futur")])
def test_a_birth_date_no_one_alive_has_is_refused(world: tuple[TestClient, Runtime, str, int], birth_date: str,
                                                  why: str) -> None:
    client, runtime, _, _ = world
    before = count(runtime, m.Patient)

    answer = client.post("/api/patients", json={**PATIENT, "birth_date": birth_date})

    assert why in refused(answer)
    assert count(runtime, m.Patient) == before


def test_a_name_of_a_hundred_thousand_letters_is_refused(world: tuple[TestClient, Runtime, str, int]) -> None:
    client, runtime, _, _ = world
    before = count(runtime, m.Patient)

    too_long = client.post("/api/patients", json={**PATIENT, "last_name": "A" * 100_000})
    digits = client.post("/api/patients", json={**PATIENT, "first_name": "J3anne"})

    assert too_long.status_code == 422
    assert too_long.json()["detail"][0]["msg"] == "Texte trop long : 100 caractères au plus."
    assert "AAAA" not in too_long.text  # the refused input is not sent back
    assert "lettres, espaces, tirets et apostrophes" in refused(digits)
    assert count(runtime, m.Patient) == before


def test_a_search_for_percent_lists_no_one(world: tuple[TestClient, Runtime, str, int]) -> None:
    client, _, _, _ = world

    assert client.get("/api/patients", params={"q": "%"}).status_code == 422
    assert "au moins 2 lettres ou chiffres" in refused(client.get("/api/patients", params={"q": "%%%"}))
    assert client.get("/api/patients", params={"q": "G%E"}).json() == []
    assert [p["last_name"] for p in client.get("/api/patients", params={"q": "GEN"}).json()] == ["GENE"]


def test_wildcards_typed_in_a_search_match_themselves(world: tuple[TestClient, Runtime, str, int]) -> None:
    client, _, _, _ = world
    client.post("/api/patients", json={**PATIENT, "last_name": "D'ARC"})

    found = [p["last_name"] for p in client.get("/api/patients", params={"q": "D_A"}).json()]

    assert found == []


def test_a_huge_qr_text_and_a_huge_card_id_are_refused(world: tuple[TestClient, Runtime, str, int]) -> None:
    client, _, _, _ = world

    assert client.post("/api/qr/decode", json={"text": "[" * 5_000}).status_code == 422
    assert client.post("/api/eprescriptions/scan", json={"code": "[" * 5_000}).status_code == 422
    assert client.post(f"/api/vitale/{'x' * 300}/identify", json={}).status_code == 422


def test_an_image_bomb_is_refused_on_every_route_that_decodes_an_image(
        world: tuple[TestClient, Runtime, str, int]) -> None:
    client, _, _, patient_id = world
    bomb = bomb_png()
    png = base64.b64decode(bomb)

    assert "trop grande" in refused(client.post("/api/qr/decode", json={"image_base64": bomb}))
    assert "trop grande" in refused(client.post("/api/eprescriptions/scan", json={"image_base64": bomb}))
    # The paper reader answers what it could read, with why it could not: nothing, here.
    read = client.post("/api/prescriptions/read", files={"file": ("b.png", png)}).json()
    assert "trop grande" in read["warning"] and read["lines"] == []
    scanned = client.post("/ordonnance-numerique", files={"image": ("b.png", png)}, data={"code": ""})
    datamatrix = client.post(f"/patients/{patient_id}/datamatrix", files={"image": ("b.png", png)})
    assert (scanned.status_code, datamatrix.status_code) == (422, 422)


def test_a_line_given_five_times_is_refused_and_nothing_is_sent(world: tuple[TestClient, Runtime, str, int]) -> None:
    client, runtime, prescription_id, patient_id = world
    body = {"patient_id": patient_id, "lines": [{"line": 1, "quantity": 1}] * 5}

    answer = client.post(f"/api/eprescriptions/{prescription_id}/dispense", json=body)

    assert "plusieurs fois : 1" in refused(answer)
    assert (count(runtime, Dispensation), count(runtime, OutboxMessage)) == (0, 0)


def test_more_boxes_than_prescribed_are_refused_and_nothing_is_sent(
        world: tuple[TestClient, Runtime, str, int]) -> None:
    client, runtime, prescription_id, patient_id = world
    body = {"patient_id": patient_id, "lines": [{"line": 1, "quantity": 99}]}

    answer = client.post(f"/api/eprescriptions/{prescription_id}/dispense", json=body)

    assert "99 boîte(s) demandée(s), il en reste 2" in refused(answer)
    assert (count(runtime, Dispensation), count(runtime, OutboxMessage)) == (0, 0)
