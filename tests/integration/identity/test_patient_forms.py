"""The patient forms over HTTP: a refused field is said beside it, what was typed stays, nothing is saved."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from comptoir.domain.operators import Role
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.web.app import create_app
from tests.conftest import add_operator, open_session

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


def message_beside(html: str, field: str) -> str:
    """The message the page shows beside `field`, after checking the field points to it."""
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true" aria-describedby="{field}-erreur"', html), html
    found = re.search(rf'<span class="field-error" id="{field}-erreur">([^<]*)</span>', html)
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
