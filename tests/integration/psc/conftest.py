"""Pro Santé Connect end to end over HTTP: the emulated provider on a real socket, comptoir in a TestClient
(served as http://127.0.0.1), and a "browser" (an httpx client) walking the provider's pages."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from comptoir.domain.operators import Role
from comptoir.national.psc.emulator import create_emulator
from comptoir.national.psc.storage import ClientRegistration
from comptoir.services.platform.operators import MACHINE_OWNER, NewOperator, create_operator
from comptoir.services.platform.runtime import Runtime, open_runtime
from comptoir.web.app import create_app
from tests.conftest import PASSWORD, Clock, make_settings
from tests.emulators import serving

SECRET = "secret-client-psc-de-test"
COMPTOIR = "http://127.0.0.1"
REDIRECT = f"{COMPTOIR}/psc/retour"
ACCOUNTS = (("PH01", Role.TITULAIRE, "10003456789"), ("PR01", Role.PREPARATEUR, "10007771230"),
            ("MED1", Role.PRESCRIPTEUR, "99900038441"), ("PH02", Role.ADJOINT, None))


@pytest.fixture
def psc_url(tmp_path: Path) -> Iterator[str]:
    client = ClientRegistration("comptoir", SECRET, (REDIRECT,), (f"{COMPTOIR}/connexion",))
    with serving(create_emulator(tmp_path / "emulateurs" / "psc.db", clients=[client])) as url:
        yield url


@pytest.fixture
def psc_runtime(database_url: str, tmp_path: Path, clock: Clock, psc_url: str) -> Iterator[Runtime]:
    # The provider signs with the real time: comptoir's clock starts there, and a test moves it on.
    clock.now = datetime.now(UTC)
    settings = make_settings(database_url, tmp_path, psc_url=psc_url, psc_client_secret=SECRET,
                             psc_redirect_url=REDIRECT, mount_emulators=False)
    built = open_runtime(settings, clock=clock)
    with closing(built.unit_of_work()) as uow:
        for code, role, rpps in ACCOUNTS:
            create_operator(NewOperator(code, f"Opérateur {code}", role, PASSWORD, rpps=rpps), by=MACHINE_OWNER,
                            uow=uow, now=clock())
    yield built
    built.engine.dispose()


@pytest.fixture
def comptoir(psc_runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(psc_runtime.settings, runtime=psc_runtime), base_url=COMPTOIR) as client:
        yield client


@pytest.fixture
def browser() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"{name} absent"
    return html.unescape(found.group(1))


@dataclass
class Flow:
    """One login with PSC, step by step, so a test can stop or tamper anywhere."""

    comptoir: TestClient
    browser: httpx.Client
    psc_url: str

    def leave(self, poste: str = "poste-2") -> str:
        page = self.comptoir.post("/psc/connexion", data={"poste": poste, "suite": "/"})
        assert page.status_code == 200, page.text
        return html.unescape(re.search(r'content="0;url=([^"]+)"', page.text).group(1))  # type: ignore[union-attr]

    def ecps(self, authorize: str, id_nat: str) -> str:
        query = hidden(self.browser.get(authorize).text, "requete")
        waiting = self.browser.post(f"{self.psc_url}/auth/ecps", data={"requete": query, "idnat": id_nat})
        approved = self.browser.post(f"{self.psc_url}/auth/ecps/valider",
                                     data={"demande": hidden(waiting.text, "demande"), "decision": "accepter"})
        assert approved.status_code == 303, approved.text
        return approved.headers["location"]

    def card(self, authorize: str, rpps: str, pin: str = "1234") -> httpx.Response:
        query = hidden(self.browser.get(authorize).text, "requete")
        return self.browser.post(f"{self.psc_url}/auth/carte", data={"requete": query, "carte": rpps, "pin": pin})

    def come_back(self, callback: str) -> httpx.Response:
        answer: httpx.Response = self.comptoir.get(callback.removeprefix(COMPTOIR))
        return answer

    def log_in_ecps(self, id_nat: str) -> httpx.Response:
        return self.come_back(self.ecps(self.leave(), id_nat))


@pytest.fixture
def flow(comptoir: TestClient, browser: httpx.Client, psc_url: str) -> Flow:
    return Flow(comptoir, browser, psc_url)
