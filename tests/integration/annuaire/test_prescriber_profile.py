"""The prescriber module's profile, filled from the Annuaire Santé (emulator on a socket) then saved by the
doctor, on SQLite and PostgreSQL: filling saves nothing, saving keeps what he corrected, a refusal keeps what
he typed beside its field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from comptoir.devtools import demo
from comptoir.domain.operators import Role
from comptoir.services.platform.operators import MACHINE_OWNER, NewOperator, create_operator
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.eprescription import PrescriberProfile
from comptoir.web.app import create_app
from tests.annuaire_emulator import annuaire_emulator, installed_directory
from tests.conftest import PASSWORD, open_session
from tests.emulators import free_port

TRAL_PLACE = "Cabinet du Dr Ademis TRAL, 12 rue du Faubourg Saint-Antoine, 75011 Paris"


@pytest.fixture(scope="module")
def annuaire_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with annuaire_emulator(tmp_path_factory.mktemp("annuaire")) as url:
        yield url


@pytest.fixture
def client(runtime: Runtime, annuaire_url: str) -> Iterator[TestClient]:
    with runtime.session_factory.begin() as session:
        demo.load_demo(session, now=runtime.clock())
    app = create_app(runtime.settings, runtime=runtime)
    with installed_directory(annuaire_url), TestClient(app) as client:
        yield client


def logged_in(client: TestClient, code: str = "MED1", password: str = demo.DEMO_PASSWORD) -> TestClient:
    assert open_session(client, code, password).status_code == 200
    return client


def value_of(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" type="text" value="([^"]*)"', html)
    assert found, name
    return unescape(found.group(1))


def profile(runtime: Runtime, code: str) -> PrescriberProfile | None:
    with runtime.session_factory() as session:
        return session.get(PrescriberProfile, code)


FORM = {"rpps": "99900038441", "am": "991118019", "last_name": "", "first_name": "", "specialty": "",
        "address": "", "phone": ""}


def test_filling_from_the_annuaire_brings_his_data_and_saves_nothing(client: TestClient, runtime: Runtime) -> None:
    page = logged_in(client).post("/prescripteur/profil", data={**FORM, "action": "annuaire"})
    assert page.status_code == 200 and "Rempli depuis l'Annuaire Santé" in unescape(page.text)
    assert [value_of(page.text, n) for n in ("last_name", "first_name", "specialty", "address", "am")] == [
        "TRAL", "Ademis", "Médecine générale", TRAL_PLACE, "991118019"]
    saved = profile(runtime, "MED1")
    assert saved is not None and saved.address == "12 rue du Faubourg Saint-Antoine, 75011 Paris"


def test_saving_keeps_what_he_corrected(client: TestClient, runtime: Runtime) -> None:
    fields = {**FORM, "last_name": "TRAL", "first_name": "Ademis", "specialty": "Médecine générale",
              "address": "Cabinet TRAL, 14 rue du Faubourg Saint-Antoine, 75011 Paris", "phone": "01 43 00 00 09",
              "action": "enregistrer"}
    answer = logged_in(client).post("/prescripteur/profil", data=fields, follow_redirects=False)
    assert answer.status_code == 303
    saved = profile(runtime, "MED1")
    assert saved is not None and saved.address.startswith("Cabinet TRAL, 14 rue") and saved.phone.endswith("09")
    with runtime.session_factory() as session:
        assert session.scalar(select(m.AuditEntry.seq).where(m.AuditEntry.object_type == "prescriber_profile"))


def test_a_doctor_without_a_profile_gets_one_from_his_account_s_rpps(client: TestClient, runtime: Runtime) -> None:
    with closing(runtime.unit_of_work()) as uow:
        create_operator(NewOperator("MED2", "Dr Sophie GIRARD", Role.PRESCRIPTEUR, PASSWORD, rpps="10000001916"),
                        by=MACHINE_OWNER, uow=uow, now=runtime.clock())
    doctor = logged_in(client, "MED2", PASSWORD)
    assert value_of(doctor.get("/prescripteur/profil").text, "rpps") == "10000001916"
    filled = doctor.post("/prescripteur/profil", data={**FORM, "rpps": "10000001916", "am": "", "action": "annuaire"})
    values = {n: value_of(filled.text, n) for n in FORM}
    assert (values["last_name"], values["specialty"], values["am"]) == ("GIRARD", "Pédiatrie", "690781810")
    assert doctor.post("/prescripteur/profil", data={**values, "action": "enregistrer"},
                       follow_redirects=False).status_code == 303
    saved = profile(runtime, "MED2")
    assert saved is not None and saved.last_name == "GIRARD" and saved.am == "690781810"


def test_an_rpps_unknown_to_the_annuaire_is_said_beside_it(client: TestClient, runtime: Runtime) -> None:
    page = logged_in(client).post("/prescripteur/profil", data={**FORM, "rpps": "10000000017",
                                                                 "phone": "01 02 03 04 05", "action": "annuaire"})
    assert page.status_code == 422 and "RPPS 10000000017 inconnu de l'Annuaire Santé" in unescape(page.text)
    assert value_of(page.text, "phone") == "01 02 03 04 05"


def test_another_doctor_s_rpps_is_refused_on_saving(client: TestClient, runtime: Runtime) -> None:
    page = logged_in(client).post("/prescripteur/profil", data={
        **FORM, "rpps": "10000001916", "last_name": "GIRARD", "first_name": "Sophie", "action": "enregistrer"})
    assert page.status_code == 422 and "Votre compte porte le RPPS 99900038441" in unescape(page.text)
    saved = profile(runtime, "MED1")
    assert saved is not None and saved.rpps == "99900038441"


def test_the_annuaire_down_says_so_and_keeps_the_form(client: TestClient) -> None:
    with installed_directory(f"http://127.0.0.1:{free_port()}"):
        page = logged_in(client).post("/prescripteur/profil", data={**FORM, "action": "annuaire"})
    assert page.status_code == 503 and "Annuaire Santé est injoignable" in unescape(page.text)
    assert value_of(page.text, "am") == "991118019"
