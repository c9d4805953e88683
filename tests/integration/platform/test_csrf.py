"""A state-changing request authenticated by the session cookie needs the CSRF token; a bearer token does not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from comptoir.domain.operators import Role
from comptoir.services.platform.runtime import Runtime, open_runtime
from comptoir.store import models as m
from comptoir.web.app import create_app
from tests.conftest import PASSWORD, Clock, add_operator, make_settings

PATIENT = {"last_name": "DARK", "first_name": "Jeanne", "birth_date": "1939-08-13", "sex": "F"}


@pytest.fixture
def runtime_(tmp_path: Path, clock: Clock) -> Iterator[Runtime]:
    built = open_runtime(make_settings(f"sqlite:///{tmp_path / 'comptoir.db'}", tmp_path), clock=clock)
    add_operator(built, "PH01", Role.TITULAIRE)
    yield built
    built.engine.dispose()


@pytest.fixture
def client(runtime_: Runtime) -> Iterator[TestClient]:
    """Logged in through the login page, as a browser is: the cookie and nothing else."""
    with TestClient(create_app(runtime_.settings, runtime=runtime_)) as test_client:
        assert test_client.post("/connexion", data={"code": "PH01", "password": PASSWORD},
                                follow_redirects=False).status_code == 303
        yield test_client


def patients(runtime: Runtime) -> int:
    with runtime.session_factory() as session:
        return session.scalar(select(func.count()).select_from(m.Patient)) or 0


def page_token(client: TestClient, path: str) -> str:
    found = re.search(r'name="_csrf" value="([0-9a-f]+)"', client.get(path).text)
    assert found, "the form carries no _csrf field"
    return found.group(1)


def test_a_form_posted_with_the_cookie_but_without_the_token_is_refused_and_changes_nothing(
    client: TestClient, runtime_: Runtime
) -> None:
    response = client.post("/patients/nouveau", data=PATIENT,
                           follow_redirects=False)
    forged = client.post("/patients/nouveau", data={**PATIENT, "_csrf": "0" * 64},
                         follow_redirects=False)

    assert response.status_code == 403 and forged.status_code == 403
    assert "jeton de sécurité" in response.text
    assert patients(runtime_) == 0


def test_the_same_form_with_the_token_of_its_page_is_accepted(client: TestClient, runtime_: Runtime) -> None:
    token = page_token(client, "/patients/nouveau")

    response = client.post("/patients/nouveau", data={**PATIENT, "_csrf": token},
                           follow_redirects=False)

    assert response.status_code == 303
    assert patients(runtime_) == 1


def test_htmx_sends_the_token_of_the_page_meta_in_a_header(client: TestClient, runtime_: Runtime) -> None:
    page = client.get("/patients/nouveau").text
    meta = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', page)
    assert meta

    without = client.post("/api/patients", json=PATIENT)
    with_header = client.post("/api/patients", json=PATIENT, headers={"X-CSRF-Token": meta.group(1)})

    assert without.status_code == 403 and "jeton de sécurité" in without.json()["detail"]
    assert with_header.status_code in (200, 201)
    assert patients(runtime_) == 1


def test_a_bearer_token_api_call_needs_no_csrf_token(runtime_: Runtime) -> None:
    with TestClient(create_app(runtime_.settings, runtime=runtime_)) as api:
        token = api.post("/api/session", json={"code": "PH01", "password": PASSWORD}).json()["token"]
        api.cookies.clear()

        response = api.post("/api/patients", json=PATIENT, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code in (200, 201)


def test_every_form_that_posts_carries_the_token() -> None:
    templates = Path(__file__).resolve().parents[3] / "src" / "comptoir" / "web" / "templates"
    forms = [(path.name, tag) for path in templates.glob("*.html")
             for tag in re.findall(r"<form\b[^>]*>\s*(?:<input[^>]*>)?", path.read_text(encoding="utf-8"))
             if 'method="post"' in tag]

    assert len(forms) >= 25
    assert [name for name, tag in forms if 'name="_csrf"' not in tag] == []
