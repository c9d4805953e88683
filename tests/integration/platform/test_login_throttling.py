"""Failed logins are throttled per code and per source address, through the login routes, on both databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from comptoir.domain.operators import Role
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.web.app import create_app
from tests.conftest import PASSWORD, add_operator


@pytest.fixture
def app(runtime: Runtime) -> Iterator[FastAPI]:
    add_operator(runtime, "PH01", Role.TITULAIRE)
    yield create_app(runtime.settings, runtime=runtime)


def from_address(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))


def test_a_stranger_failing_on_a_pharmacists_code_does_not_lock_the_pharmacist_out(
    app: FastAPI, runtime: Runtime
) -> None:
    with from_address(app, "10.0.0.66") as stranger, from_address(app, "10.0.0.5") as counter:
        failures = [stranger.post("/connexion", data={"code": "PH01", "password": "mauvais-mot"})
                    for _ in range(4)]
        stranger_again = stranger.post("/api/session", json={"code": "PH01", "password": PASSWORD})
        pharmacist = counter.post("/connexion", data={"code": "PH01", "password": PASSWORD}, follow_redirects=False)

    assert [f.status_code for f in failures] == [401] * 4
    assert "Trop de tentatives" in failures[3].text  # after three free failures (COMPTOIR_LOGIN_FREE_FAILURES)
    assert stranger_again.status_code == 429
    assert pharmacist.status_code == 303 and "comptoir_session" in pharmacist.cookies
    with runtime.session_factory() as session:
        assert set(session.scalars(select(m.LoginFailure.address))) <= {"10.0.0.66"}


def test_an_address_trying_many_codes_is_made_to_wait(app: FastAPI) -> None:
    with from_address(app, "10.0.0.66") as stranger, from_address(app, "10.0.0.5") as counter:
        answers = [stranger.post("/api/session", json={"code": f"X{n:03}", "password": "mauvais-mot"}).status_code
                   for n in range(10)]
        pharmacist = counter.post("/api/session", json={"code": "PH01", "password": PASSWORD})

    assert answers == [401] * 9 + [429]  # three times the free failures of one code
    assert pharmacist.status_code == 200
