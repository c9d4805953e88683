"""Every route × every role against the permission matrix (`PERMISSIONS`): a role lacking a route's permission
gets 403, a role holding it never does; every route but a short allow-list declares its permission."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from comptoir.domain.operators import PERMISSIONS, Permission, Role
from comptoir.services.platform.runtime import Runtime, open_runtime
from comptoir.web.app import create_app
from tests.conftest import PASSWORD, Clock, add_operator, make_settings

# Routes that need no permission: logging in and out, the API's documentation, the health probe.
OPEN_ROUTES = {("POST", "/api/session"), ("GET", "/api/health"), ("GET", "/api/docs"), ("GET", "/connexion"),
               ("POST", "/connexion"), ("POST", "/deconnexion"),
               ("POST", "/psc/connexion"), ("GET", "/psc/retour")}
# Called without a session of its own: it would close the session the other routes use.
NOT_CALLED = {("DELETE", "/api/session")}
CODES = {role: f"X{role.value[:4].upper()}" for role in Role}


def api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every APIRoute, also those of included routers; mounted apps (static, emulators) are not ours."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes)


def required_permission(dependant: Dependant) -> Permission | None:
    """The permission a `require(...)` dependency declares, searched through the route's dependencies."""
    found: Permission | None = getattr(dependant.call, "required_permission", None)
    if found is not None:
        return found
    return next((p for d in dependant.dependencies if (p := required_permission(d)) is not None), None)


def endpoints(app: FastAPI) -> list[tuple[str, str, Permission | None]]:
    return sorted((method, route.path, required_permission(route.dependant))
                  for route in api_routes(app.routes) for method in route.methods)


@pytest.fixture
def app(tmp_path: Path, clock: Clock) -> Iterator[FastAPI]:
    runtime: Runtime = open_runtime(make_settings(f"sqlite:///{tmp_path / 'comptoir.db'}", tmp_path), clock=clock)
    for role, code in CODES.items():
        add_operator(runtime, code, role)
    yield create_app(runtime.settings, runtime=runtime)
    runtime.engine.dispose()


def call(client: TestClient, method: str, path: str, token: str) -> int:
    """The route's status with path parameters set to 1 and an empty body; a redirection to the login form
    (the session refused) counts as 401."""
    url = path
    for name in ("cis", "code", "card_id"):
        url = url.replace("{" + name + "}", "1")
    while "{" in url:
        start = url.index("{")
        url = url[:start] + "1" + url[url.index("}", start) + 1:]
    headers = {"Authorization": f"Bearer {token}"}
    body = None if method in ("GET", "HEAD") else {}
    response = client.request(method, url, headers=headers, json=body, follow_redirects=False)
    if response.status_code == 303 and response.headers["location"].startswith("/connexion"):
        return 401
    return response.status_code


def test_every_route_but_an_explicit_few_declares_its_permission(app: FastAPI) -> None:
    undeclared = {(method, path) for method, path, permission in endpoints(app) if permission is None}

    assert undeclared == OPEN_ROUTES
    assert len(endpoints(app)) >= 80


def test_every_route_answers_every_role_as_the_matrix_says(app: FastAPI) -> None:
    with TestClient(app, raise_server_exceptions=False) as client:
        tokens = {role: client.post("/api/session", json={"code": code, "password": PASSWORD}).json()["token"]
                  for role, code in CODES.items()}
        client.cookies.clear()
        wrong: list[tuple[str, str, str, int]] = []
        for method, path, permission in endpoints(app):
            if permission is None or (method, path) in NOT_CALLED:
                continue
            for role, token in tokens.items():
                status = call(client, method, path, token)
                allowed = permission in PERMISSIONS[role]
                if (status == 403) == allowed or status == 401:
                    wrong.append((role.value, method, path, status))

    assert wrong == []


def test_the_prescriber_and_the_administrator_reach_no_health_data_of_the_pharmacy() -> None:
    for role in (Role.PRESCRIPTEUR, Role.ADMIN):
        assert not PERMISSIONS[role] & {Permission.READ_PATIENTS, Permission.WRITE_PATIENTS, Permission.READ_AUDIT,
                                        Permission.PHARMACIST_ACT, Permission.QUALIFY_IDENTITY,
                                        Permission.MERGE_PATIENTS}
