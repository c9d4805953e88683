"""Every operation of the app's API and of each emulator answers generated requests without a server error,
with a response its OpenAPI describes (schemathesis, in-process through the ASGI apps).

The app runs on a fresh SQLite database with the packaged reference, logged in by bearer token: a titulaire
everywhere, a prescriber on the prescriber's routes. Its INSi and ON base clients talk to the emulators on
a socket, as in production. Logging out is left out: it would end the token every other case uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from comptoir.domain.operators import Role
from comptoir.national.credentials import demo_pharmacy
from comptoir.national.dmp.emulator import create_emulator as create_dmp_emulator
from comptoir.national.dmp.storage import PatientCredential
from comptoir.national.eprescription.emulator import create_emulator as create_on_emulator
from comptoir.national.ins.emulator import create_emulator as create_insi_emulator
from comptoir.services.platform.runtime import Runtime
from comptoir.web.app import create_app
from tests.conftest import PASSWORD, add_operator
from tests.emulators import eprescription_client, eprescription_emulator, insi_client, insi_emulator

CHECKS = [not_a_server_error, response_schema_conformance]
# Few examples and no shrinking: the whole file stays within a few minutes on a loaded machine.
FEW = settings(max_examples=10, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
               suppress_health_check=list(HealthCheck), database=None)
PRESCRIBER_ROUTES = "/api/prescriptions"
# 502 and 503 are answers on purpose: a national service down (the emulators' "panne" scenarios, and the
# app's French 502 when it cannot reach one) or every OCR slot taken. A 500 is never one.
CONFIG = schemathesis.config.SchemathesisConfig.from_str(
    '[checks.not_a_server_error]\nexpected-statuses = ["2xx", "3xx", "4xx", "502", "503"]\n')


def loaded(path: str, app: FastAPI) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi(path, app, config=CONFIG)


def token_of(client: TestClient, code: str) -> str:
    answer = client.post("/api/session", json={"code": code, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


@pytest.fixture
def served_app(reference_runtime: Runtime, tmp_path: Path) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    add_operator(reference_runtime, "TI01", Role.TITULAIRE)
    add_operator(reference_runtime, "DR01", Role.PRESCRIPTEUR)
    app = create_app(reference_runtime.settings, runtime=reference_runtime)
    with insi_emulator(tmp_path) as insi_url, eprescription_emulator(tmp_path) as on_url, TestClient(app) as client:
        app.state.insi, app.state.on_base = insi_client(insi_url), eprescription_client(on_url)
        yield app, {"pharmacist": token_of(client, "TI01"), "prescriber": token_of(client, "DR01")}


@pytest.fixture
def app_schema(served_app: tuple[FastAPI, dict[str, str]]) -> schemathesis.BaseSchema:
    schema = loaded("/api/openapi.json", served_app[0])
    return schema.exclude(method="DELETE", path="/api/session")


@pytest.fixture
def insi_schema(tmp_path: Path) -> schemathesis.BaseSchema:
    return loaded("/openapi.json", create_insi_emulator(tmp_path / "insi.db", slow_s=0))


@pytest.fixture
def on_base_schema(tmp_path: Path) -> schemathesis.BaseSchema:
    return loaded("/openapi.json", create_on_emulator(tmp_path / "ordonnance-numerique.db", slow_s=0))


@pytest.fixture
def dmp_schema(tmp_path: Path) -> schemathesis.BaseSchema:
    """The DMP emulator with a pharmacy's and a patient's tokens, so that generated cases reach its rules."""
    return loaded("/openapi.json", create_dmp_emulator(
        tmp_path / "dmp.db", credentials=[demo_pharmacy("jeton-fuzz-pharmacie")],
        patients=[PatientCredential("jeton-fuzz-patient", "166023155504769")]))


def failures_of(schema: schemathesis.BaseSchema, headers: Callable[[str], dict[str, str]]) -> list[str]:
    """Runs each operation's generated cases; the operations that failed, with their first failure."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @FEW
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers(case.path), checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as failure:  # every operation's failure is reported, not the first
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")
    return failures


def test_the_app_api_never_fails_and_keeps_to_its_schema(app_schema: schemathesis.BaseSchema,
                                                         served_app: tuple[FastAPI, dict[str, str]]) -> None:
    tokens = served_app[1]

    def bearer(path: str) -> dict[str, str]:
        who = "prescriber" if path.startswith(PRESCRIBER_ROUTES) else "pharmacist"
        return {"Authorization": f"Bearer {tokens[who]}"}

    failures = failures_of(app_schema, bearer)

    assert not failures, "\n\n".join(failures)


def test_the_insi_emulator_never_fails_and_keeps_to_its_schema(insi_schema: schemathesis.BaseSchema) -> None:
    failures = failures_of(insi_schema, lambda _: {})

    assert not failures, "\n\n".join(failures)


def test_the_on_base_emulator_never_fails_and_keeps_to_its_schema(on_base_schema: schemathesis.BaseSchema) -> None:
    failures = failures_of(on_base_schema, lambda _: {})

    assert not failures, "\n\n".join(failures)


def test_the_dmp_emulator_never_fails_and_keeps_to_its_schema(dmp_schema: schemathesis.BaseSchema) -> None:
    def bearer(path: str) -> dict[str, str]:
        token = "jeton-fuzz-patient" if path.startswith("/espace-sante") else "jeton-fuzz-pharmacie"
        return {"Authorization": f"Bearer {token}"}

    failures = failures_of(dmp_schema, bearer)

    assert not failures, "\n\n".join(failures)
