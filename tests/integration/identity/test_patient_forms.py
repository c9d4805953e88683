"""The patient forms over HTTP: a refused field is said beside it, what was typed stays, nothing is saved."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from comptoir.domain.operators import Role
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation, DispensedLine
from comptoir.web.app import create_app
from tests.conftest import Clock, add_operator, open_session

NEW = {"last_name": "DARK", "first_name": "Jeanne", "birth_date": "1939-08-13", "sex": "F",
       "birth_name": "DARK", "birth_given_names": "JEANNE MARIE", "birth_place": "88154", "nir": ""}


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    for code, role in (("PR01", Role.PREPARATEUR), ("ADM", Role.ADMIN)):
        add_operator(runtime, code, role)
    with TestClient(create_app(runtime.settings, runtime=runtime)) as test_client:
        assert open_session(test_client, "PR01").status_code == 200
        yield test_client


def patients_count(runtime: Runtime) -> int:
    with runtime.session_factory() as session:
        return session.scalar(select(func.count()).select_from(m.Patient)) or 0


def message_beside(html: str, field: str, prefix: str = "") -> str:
    """The message the page shows beside `field`, after checking the field points to it."""
    described = rf'name="{field}"[^>]*aria-invalid="true" aria-describedby="{prefix}{field}-erreur"'
    assert re.search(described, html), html
    found = re.search(rf'<span class="field-error" id="{prefix}{field}-erreur">([^<]*)</span>', html)
    assert found, html
    return found.group(1)


def test_a_birth_date_in_2030_is_said_beside_its_field_and_the_typed_identity_stays(client: TestClient,
                                                                                     runtime: Runtime) -> None:
    answer = client.post("/patients/nouveau", data={**NEW, "birth_date": "2030-05-01"})

    assert answer.status_code == 422
    assert "dans le futur" in message_beside(answer.text, "birth_date")
    assert 'value="2030-05-01"' in answer.text and 'value="JEANNE MARIE"' in answer.text
    assert patients_count(runtime) == 0


def test_a_birth_date_before_1900_is_refused(client: TestClient, runtime: Runtime) -> None:
    answer = client.post("/patients/nouveau", data={**NEW, "birth_date": "1899-12-31"})

    assert "avant 1900" in message_beside(answer.text, "birth_date")
    assert patients_count(runtime) == 0


def test_every_wrong_field_gets_its_own_message_at_once(client: TestClient, runtime: Runtime) -> None:
    answer = client.post("/patients/nouveau", data={**NEW, "first_name": "J3anne", "birth_date": "31/02/1939",
                                                    "birth_place": "8815"})

    assert answer.status_code == 422
    assert "lettres" in message_beside(answer.text, "first_name")
    assert "date impossible" in message_beside(answer.text, "birth_date")
    assert "code INSEE" in message_beside(answer.text, "birth_place")
    assert "3 champs à corriger" in answer.text
    untouched = re.search(r'<input[^>]*name="last_name"[^>]*>', answer.text)
    assert untouched and "aria-invalid" not in untouched.group(0)
    assert patients_count(runtime) == 0


def test_a_name_too_long_comes_back_on_the_page_not_as_json(client: TestClient, runtime: Runtime) -> None:
    answer = client.post("/patients/nouveau", data={**NEW, "last_name": "A" * 300})

    assert answer.headers["content-type"].startswith("text/html")
    assert "100 caractères au plus" in message_beside(answer.text, "last_name")
    assert patients_count(runtime) == 0


def test_a_right_identity_creates_the_record(client: TestClient, runtime: Runtime) -> None:
    answer = client.post("/patients/nouveau", data={**NEW, "birth_date": "13/08/1939"}, follow_redirects=False)

    assert answer.status_code == 303 and answer.headers["location"].startswith("/patients/")
    assert patients_count(runtime) == 1


# The profile in the band ------------------------------------------------------------------------------------

HTMX = {"HX-Request": "true"}
PROFILE = {"allergies": "amoxicilline", "pregnant": "on", "pregnancy_weeks": "19", "breastfeeding": "",
           "weight_kg": "52,5", "egfr": "48", "egfr_on": "2026-02-12"}


def a_patient(runtime: Runtime, sex: str = "F", **fields: object) -> int:
    with runtime.session_factory.begin() as session:
        row = m.Patient(**({"last_name": "DARK", "first_name": "Jeanne", "birth_date": date(1990, 8, 13), "sex": sex,
                            "allergies": [], "created_at": datetime(2025, 1, 1, tzinfo=UTC)} | fields))
        session.add(row)
        session.flush()
        return row.id


def record(runtime: Runtime, patient_id: int) -> m.Patient:
    with runtime.session_factory() as session:
        found = session.get(m.Patient, patient_id)
        assert found is not None
        return found


def audited(runtime: Runtime) -> list[tuple[str, str, str]]:
    """(action, object type, operator) of the trail's entries on patients (accounts made by the fixture left out)."""
    with runtime.session_factory() as session:
        return [(e.action, e.object_type, e.operator_code)
                for e in session.scalars(select(m.AuditEntry).order_by(m.AuditEntry.seq))
                if e.object_type.startswith("patient")]


def dispense(runtime: Runtime, patient_id: int, when: datetime, *lines: tuple[str, int, str]) -> int:
    with runtime.session_factory.begin() as session:
        row = Dispensation(dispensed_at=when, patient_id=patient_id, operator_code="PH01", workstation="poste-1")
        session.add(row)
        session.flush()
        session.add_all(DispensedLine(dispensation_id=row.id, position=n, drug=drug, boxes=boxes, posology=posology)
                        for n, (drug, boxes, posology) in enumerate(lines))
        return row.id


def test_a_weight_typed_with_a_comma_is_kept_and_shown_the_french_way(client: TestClient, runtime: Runtime) -> None:
    patient_id = a_patient(runtime)

    answer = client.post(f"/patients/{patient_id}/profil", data={**PROFILE, "weight_kg": "52,5"}, headers=HTMX)

    assert answer.status_code == 200
    assert "52,5 kg (le 19/02/2026)" in answer.text and "enceinte, 19 SA" in answer.text
    assert "DFG 48 ml/min/1,73 m² (le 12/02/2026)" in answer.text and "amoxicilline" in answer.text
    assert record(runtime, patient_id).weight_kg == Decimal("52.5")
    assert ("write", "patient_profile", "PR01") in audited(runtime)


@pytest.mark.parametrize(("typed", "field", "words"), [
    ({"weight_kg": "-5"}, "weight_kg", "Poids impossible"),
    ({"pregnancy_weeks": "50"}, "pregnancy_weeks", "de 1 à 42 semaines"),
    ({"egfr_on": "2030-01-01"}, "egfr_on", "dans le futur"),
])
def test_an_implausible_value_is_said_beside_its_field_the_typed_values_stay_and_nothing_is_saved(
        client: TestClient, runtime: Runtime, typed: dict[str, str], field: str, words: str) -> None:
    patient_id = a_patient(runtime, weight_kg=Decimal(60), weight_on=date(2026, 1, 5))

    answer = client.post(f"/patients/{patient_id}/profil", data={**PROFILE, **typed}, headers=HTMX)

    assert (answer.status_code, answer.headers["X-Field-Errors"]) == (422, "1")
    assert words in message_beside(answer.text, field, prefix="profil-")
    assert f'value="{typed[field]}"' in answer.text and 'value="amoxicilline"' in answer.text
    saved = record(runtime, patient_id)
    assert (saved.weight_kg, saved.pregnant, saved.allergies) == (Decimal(60), False, [])
    assert ("write", "patient_profile", "PR01") not in audited(runtime)


def test_a_pregnancy_on_a_man_is_refused_beside_the_pregnancy_box(client: TestClient, runtime: Runtime) -> None:
    patient_id = a_patient(runtime, sex="M")

    answer = client.post(f"/patients/{patient_id}/profil", data=PROFILE, headers=HTMX)

    assert answer.status_code == 422
    assert "homme" in message_beside(answer.text, "pregnant", prefix="profil-")
    assert record(runtime, patient_id).pregnant is False


def test_the_band_shows_the_term_advancing_with_the_days(client: TestClient, runtime: Runtime, clock: Clock) -> None:
    patient_id = a_patient(runtime)
    client.post(f"/patients/{patient_id}/profil", data=PROFILE, headers=HTMX)

    clock.advance(days=28)
    assert open_session(client, "PR01").status_code == 200  # a new day, a new session
    band = client.get(f"/patients/{patient_id}/bandeau", headers=HTMX)

    assert "enceinte, 23 SA" in band.text
    assert audited(runtime)[-1] == ("read", "patient", "PR01")


def test_modifier_opens_the_form_in_place_with_the_profile_as_typed(client: TestClient, runtime: Runtime) -> None:
    patient_id = a_patient(runtime, weight_kg=Decimal("52.5"), weight_on=date(2026, 2, 1))

    band = client.get(f"/patients/{patient_id}/bandeau", headers=HTMX).text
    form = client.get(f"/patients/{patient_id}/bandeau/modifier", headers=HTMX)

    assert f'hx-get="/patients/{patient_id}/bandeau/modifier"' in band and ">Modifier</a>" in band
    assert form.status_code == 200 and f'hx-post="/patients/{patient_id}/profil"' in form.text
    assert 'name="weight_kg" type="text" value="52,5"' in form.text


def test_without_htmx_the_form_opens_on_the_patient_page_and_a_refusal_keeps_it(client: TestClient,
                                                                                 runtime: Runtime) -> None:
    patient_id = a_patient(runtime)

    opened = client.get(f"/patients/{patient_id}/bandeau/modifier")
    refused = client.post(f"/patients/{patient_id}/profil", data={**PROFILE, "weight_kg": "-5"})
    saved = client.post(f"/patients/{patient_id}/profil", data=PROFILE, follow_redirects=False)

    assert opened.status_code == 200 and 'action="/patients/' in opened.text and "Identité INS" in opened.text
    assert refused.status_code == 422 and "Identité INS" in refused.text
    assert "Poids impossible" in message_beside(refused.text, "weight_kg", prefix="profil-")
    assert saved.status_code == 303 and saved.headers["location"].endswith("info=profil-enregistre")


def test_the_patient_page_shows_the_band_and_twelve_months_of_history_newest_first(client: TestClient,
                                                                                    runtime: Runtime) -> None:
    patient_id = a_patient(runtime)
    now = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)
    dispense(runtime, patient_id, now - timedelta(days=400), ("SINTROM 4 mg", 1, "1 cp le soir"))
    dispense(runtime, patient_id, now - timedelta(days=200), ("DOLIPRANE 1000 mg", 2, "1 cp 3 fois par jour"),
             ("AMOXICILLINE 1 g", 1, "matin et soir"))
    dispense(runtime, patient_id, now - timedelta(days=3), ("KARDEGIC 75 mg", 3, "1 sachet par jour"))

    page = client.get(f"/patients/{patient_id}").text

    assert f'id="bandeau-{patient_id}"' in page and "Délivrances des 12 derniers mois" in page
    assert "SINTROM" not in page
    assert page.index("KARDEGIC") < page.index("DOLIPRANE") < page.index("AMOXICILLINE")


def test_the_administrator_may_neither_see_nor_change_the_profile(client: TestClient, runtime: Runtime) -> None:
    patient_id = a_patient(runtime)
    client.cookies.clear()
    assert open_session(client, "ADM").status_code == 200

    answers = [client.get(f"/patients/{patient_id}/bandeau", headers=HTMX),
               client.get(f"/patients/{patient_id}/bandeau/modifier", headers=HTMX),
               client.post(f"/patients/{patient_id}/profil", data=PROFILE, headers=HTMX),
               client.get(f"/api/patients/{patient_id}/profile"),
               client.patch(f"/api/patients/{patient_id}/profile", json={"weight_kg": 60})]

    assert [a.status_code for a in answers] == [403] * 5
    assert record(runtime, patient_id).weight_kg is None
    assert audited(runtime) == []


def test_the_api_changes_only_the_fields_given_and_accepts_french_decimals(client: TestClient,
                                                                         runtime: Runtime) -> None:
    patient_id = a_patient(runtime, allergies=["aspirine"])

    changed = client.patch(f"/api/patients/{patient_id}/profile", json={"weight_kg": "52,5", "egfr": 48,
                                                                       "egfr_on": "2026-02-12"})
    read = client.get(f"/api/patients/{patient_id}/profile")

    assert changed.status_code == 200
    assert changed.json() == read.json()
    assert (read.json()["weight_kg"], read.json()["weight_on"], read.json()["allergies"]) == (
        52.5, "2026-02-19", ["aspirine"])
    assert [(a, t) for a, t, _ in audited(runtime)] == [("write", "patient_profile"), ("read", "patient_profile")]


def test_the_api_names_each_refused_field_in_french_and_changes_nothing(client: TestClient,
                                                                      runtime: Runtime) -> None:
    patient_id = a_patient(runtime, sex="M")

    refused = client.patch(f"/api/patients/{patient_id}/profile", json={"weight_kg": -5, "egfr": 500,
                                                                       "egfr_on": "2026-02-12", "pregnant": True})

    assert refused.status_code == 422
    assert {d["loc"][1]: d["msg"] for d in refused.json()["detail"]} == {
        "weight_kg": "Poids impossible : plus de 0 kg et 350 kg au plus.",
        "egfr": "DFG impossible : de 1 à 200 ml/min/1,73 m².",
        "pregnant": "Grossesse impossible : le dossier est celui d'un homme (sexe M)."}
    assert record(runtime, patient_id).weight_kg is None
