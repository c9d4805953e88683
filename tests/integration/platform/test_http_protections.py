"""Every response is protected: bodies bounded before they are read, other sites cannot post, pages not cached."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from comptoir.domain.operators import Role
from comptoir.services.platform.runtime import open_runtime
from comptoir.web.app import create_app
from comptoir.web.security import QuerylessAccessLog
from tests.conftest import PASSWORD, Clock, add_operator, make_settings, open_session


@pytest.fixture
def client(tmp_path: Path, clock: Clock) -> Iterator[TestClient]:
    """Middleware behaves the same on every database: SQLite only."""
    settings = make_settings(f"sqlite:///{tmp_path / 'comptoir.db'}", tmp_path, max_body_mb=1)
    runtime = open_runtime(settings, clock=clock)
    add_operator(runtime, "PH01", Role.TITULAIRE)
    with TestClient(create_app(settings, runtime=runtime)) as test_client:
        yield test_client
    runtime.engine.dispose()


def log_in(client: TestClient) -> None:
    assert open_session(client, "PH01").status_code == 200


def test_a_body_declared_over_the_limit_is_refused_before_it_is_read(client: TestClient) -> None:
    response = client.post("/api/session", content=b"x" * (1024 * 1024 + 1),
                           headers={"content-type": "application/json"})

    assert response.status_code == 413
    assert "trop volumineuse" in response.json()["detail"]


def test_a_streamed_body_is_cut_as_soon_as_it_passes_the_limit(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(64):
            yield b"x" * 65536

    response = client.post("/api/session", content=chunks(), headers={"content-type": "application/json"})

    assert response.status_code == 413


def test_a_form_posted_from_another_site_is_refused(client: TestClient) -> None:
    response = client.post("/connexion", data={"code": "PH01", "password": PASSWORD},
                           headers={"origin": "https://pirate.example", "sec-fetch-site": "cross-site"},
                           follow_redirects=False)

    assert response.status_code == 403
    assert "set-cookie" not in response.headers


def test_a_form_posted_from_comptoir_itself_is_accepted(client: TestClient) -> None:
    response = client.post("/connexion", data={"code": "PH01", "password": PASSWORD},
                           headers={"origin": "http://testserver", "sec-fetch-site": "same-origin"},
                           follow_redirects=False)

    assert response.status_code == 303


def test_pages_with_health_data_are_never_cached_and_never_framed(client: TestClient) -> None:
    log_in(client)

    response = client.get("/patients")

    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]


def test_no_page_carries_an_inline_script_or_handler(client: TestClient) -> None:
    log_in(client)

    for path in ("/", "/patients", "/analyse", "/ordonnance-numerique", "/journal", "/connexion"):
        html = client.get(path).text
        assert "<script>" not in html and " onchange=" not in html and " onclick=" not in html, path


def test_the_api_documentation_needs_a_login_and_loads_nothing_from_outside(client: TestClient) -> None:
    anonymous = client.get("/api/docs", follow_redirects=False)
    log_in(client)

    page = client.get("/api/docs").text

    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/connexion")
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "<script>" not in page


def test_the_access_log_never_shows_what_was_searched() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", "/patients?q=DUPONT+Jeanne", "1.1", 200), None)

    QuerylessAccessLog().filter(record)

    assert "DUPONT" not in record.getMessage() and "/patients" in record.getMessage()
