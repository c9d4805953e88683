"""The vaccination page over HTTP: the scan fills the pack, a refused answer comes back beside its question with
what was typed (422), « Enregistrer » leads to the confirmation and its certificate; pharmacists only."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.web.app import create_app
from tests.conftest import open_session
from tests.integration.vaccination.builders import FLU, SCAN, form, vaccination_pharmacy


@pytest.fixture
def patient_id(runtime: Runtime) -> int:
    return vaccination_pharmacy(runtime)


@pytest.fixture
def client(runtime: Runtime, patient_id: int) -> Iterator[TestClient]:
    with TestClient(create_app(runtime.settings, runtime=runtime)) as test_client:
        assert open_session(test_client, "PH01").status_code == 200
        yield test_client


def beside(html: str, field: str) -> str:
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true" aria-describedby="{field}-erreur"', html), html
    found = re.search(rf'<span class="field-error" id="{field}-erreur">([^<]*)</span>', html)
    assert found, html
    return found.group(1)


def test_the_page_lists_the_flu_vaccine_as_possible_and_defaults_to_im_in_the_deltoid(client: TestClient,
                                                                                     patient_id: int) -> None:
    page = client.get(f"/patients/{patient_id}/vaccination")

    assert page.status_code == 200
    assert re.search(r"<strong>Grippe saisonnière</strong>\s*<span class=\"tag\">possible</span>", page.text)
    assert '<option value="IM" selected>' in page.text
    assert '<option value="deltoïde gauche" selected>' in page.text


def test_the_scan_fills_cip13_lot_and_expiry_names_the_vaccine_and_is_audited(client: TestClient, patient_id: int,
                                                                             runtime: Runtime) -> None:
    answer = client.post(f"/patients/{patient_id}/vaccination/lire", data={"code": SCAN},
                         headers={"HX-Request": "true"})

    assert answer.status_code == 200
    assert f'value="{FLU}"' in answer.text and 'value="VX2611A"' in answer.text and 'value="2026-06-30"' in answer.text
    assert "VAXIGRIP" in answer.text and "Grippe saisonnière" in answer.text
    with runtime.session_factory() as session:
        details = session.scalars(select(m.AuditEntry.detail).where(m.AuditEntry.object_id == str(patient_id)))
        assert f"vaccination : vaccin scanné {FLU} (possible)" in list(details)


def test_an_unreadable_scan_is_said_beside_the_scan_box(client: TestClient, patient_id: int) -> None:
    answer = client.post(f"/patients/{patient_id}/vaccination/lire", data={"code": "3400930306001"},
                         headers={"HX-Request": "true"})

    assert answer.status_code == 422
    assert "inconnu" in beside(answer.text, "code")


def test_a_fever_comes_back_beside_its_question_with_everything_typed_kept(client: TestClient,
                                                                          patient_id: int) -> None:
    answer = client.post(f"/patients/{patient_id}/vaccination",
                         data=form(code="", cip13=FLU, lot="VX2611A", expiry="2026-06-30", q_fever="oui"))

    assert answer.status_code == 422
    assert "reporter" in beside(answer.text, "q_fever")
    assert 'value="VX2611A"' in answer.text and 'id="q_fever-oui" name="q_fever" value="oui" checked' in answer.text


def test_recording_leads_to_the_confirmation_with_the_certificate_and_the_dmp_status(client: TestClient,
                                                                                    patient_id: int) -> None:
    answer = client.post(f"/patients/{patient_id}/vaccination", data=form(), follow_redirects=False)

    assert answer.status_code == 303
    done = client.get(answer.headers["location"])
    assert "Vaccination enregistrée" in done.text and "À envoyer" in done.text
    link = re.search(r'href="(/vaccinations/\d+/certificat\.pdf)"', done.text)
    assert link
    certificate = client.get(link.group(1))
    assert certificate.headers["content-type"] == "application/pdf" and certificate.content.startswith(b"%PDF")


def test_a_preparer_does_not_reach_the_page(runtime: Runtime, patient_id: int) -> None:
    with TestClient(create_app(runtime.settings, runtime=runtime)) as other:
        assert open_session(other, "PR01").status_code == 200

        assert other.get(f"/patients/{patient_id}/vaccination").status_code == 403


def test_the_patient_page_offers_vacciner_to_a_pharmacist(client: TestClient, patient_id: int) -> None:
    page = client.get(f"/patients/{patient_id}")

    assert f'href="/patients/{patient_id}/vaccination">Vacciner</a>' in page.text


def test_without_javascript_the_scan_answers_the_whole_page_with_the_pack_filled(client: TestClient,
                                                                                patient_id: int) -> None:
    answer = client.post(f"/patients/{patient_id}/vaccination/lire", data={"code": SCAN})

    assert answer.status_code == 200
    assert "Questions avant la vaccination" in answer.text and 'value="VX2611A"' in answer.text
