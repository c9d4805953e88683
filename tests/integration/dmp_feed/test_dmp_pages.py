"""The DMP's pages: the patient's DMP read from his record (listed, opened, audited; French when the DMP is down;
not for a student), the opposition to the feeding set from the patient page, and the « Documents Ségur non
envoyés » with their confirmation."""

from __future__ import annotations

import html
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from comptoir.domain.operators import Role
from comptoir.national.dmp.client import DmpClient
from comptoir.national.http import HttpPolicy
from comptoir.store import models as m
from comptoir.web.app import create_app
from comptoir.web.dmp.pages import get_dmp
from tests.conftest import add_operator, open_session
from tests.emulators import free_port
from tests.fakes.dmp import GENE, kit_document
from tests.integration.dmp_feed.conftest import TOKEN, Pharmacy


@pytest.fixture
def client(pharmacy: Pharmacy) -> Iterator[TestClient]:
    add_operator(pharmacy.runtime, "ET01", Role.ETUDIANT)
    add_operator(pharmacy.runtime, "PR01", Role.PREPARATEUR)
    app = create_app(pharmacy.runtime.settings, runtime=pharmacy.runtime)
    app.dependency_overrides[get_dmp] = lambda: pharmacy.dmp
    with TestClient(app) as test_client:
        yield test_client


def audited(pharmacy: Pharmacy, object_type: str) -> list[tuple[str, str]]:
    with pharmacy.runtime.session_factory() as session:
        return [(e.operator_code, e.detail) for e in session.scalars(
            select(m.AuditEntry).where(m.AuditEntry.object_type == object_type).order_by(m.AuditEntry.seq))]


def test_the_patients_dmp_lists_the_dispensation_sent_and_opens_it(pharmacy: Pharmacy, client: TestClient) -> None:
    pharmacy.qualify()
    pharmacy.validate_counter_dispensation()
    pharmacy.worker.run_once()
    [record] = pharmacy.documents()
    open_session(client, "PR01")

    listed = client.get(f"/patients/{pharmacy.place.patient_id}/dmp")
    opened = client.get(f"/patients/{pharmacy.place.patient_id}/dmp/documents/{record.document_id}")

    assert listed.status_code == 200 and "Dispensation médicamenteuse" in listed.text
    assert f"/dmp/documents/{record.document_id}" in listed.text
    assert opened.status_code == 200 and "AMLODIPINE TEST 5 mg" in opened.text
    assert [code for code, _ in audited(pharmacy, "dmp")] == ["PR01", "PR01"]


def test_a_document_whose_id_has_an_extension_is_listed_and_opened(pharmacy: Pharmacy, client: TestClient) -> None:
    pharmacy.qualify()
    unique_id = "1.2.250.1.213.1.1.1.54.2024.1.1^DISP-2024.7"
    pharmacy.dmp.submit(kit_document("eDISP-MED_2024.01.xml", patient=GENE, document_id=unique_id))
    open_session(client, "PR01")

    listed = client.get(f"/patients/{pharmacy.place.patient_id}/dmp")
    link = f"/patients/{pharmacy.place.patient_id}/dmp/documents/{quote(unique_id, safe='/')}"
    opened = client.get(link)

    assert f'href="{link}"' in listed.text
    assert opened.status_code == 200 and "Dispensation" in opened.text


def test_a_student_does_not_read_the_dmp(pharmacy: Pharmacy, client: TestClient) -> None:
    pharmacy.qualify()
    open_session(client, "ET01")

    page = client.get(f"/patients/{pharmacy.place.patient_id}/dmp")

    assert page.status_code == 403 and audited(pharmacy, "dmp") == []


def test_a_dmp_down_is_said_on_the_page(pharmacy: Pharmacy, client: TestClient) -> None:
    pharmacy.qualify()
    nowhere = DmpClient.at(f"http://127.0.0.1:{free_port()}", HttpPolicy(timeout_s=0.3, retries=0), token=TOKEN)
    client.app.dependency_overrides[get_dmp] = lambda: nowhere  # type: ignore[attr-defined]
    open_session(client, "PH01")

    page = client.get(f"/patients/{pharmacy.place.patient_id}/dmp")

    assert page.status_code == 200 and "Le DMP ne répond pas" in page.text
    nowhere.close()


def test_the_opposition_set_on_the_patient_page_stops_the_feeding(pharmacy: Pharmacy, client: TestClient) -> None:
    pharmacy.qualify()
    open_session(client, "PR01")
    patient_id = pharmacy.place.patient_id

    answer = client.post(f"/patients/{patient_id}/dmp/opposition", data={"opposed": "oui"}, follow_redirects=False)
    pharmacy.validate_counter_dispensation()

    assert answer.status_code == 303
    assert "s'oppose à l'alimentation" in html.unescape(client.get(f"/patients/{patient_id}/dmp/panneau").text)
    assert [d.status for d in pharmacy.documents()] == ["opposition"] and pharmacy.dmp.search(GENE.matricule) == []
    assert audited(pharmacy, "patient")[-1] == ("PR01", "opposition alimentation DMP=oui")


def test_a_document_not_sent_is_sent_from_its_page_after_confirmation(pharmacy: Pharmacy, client: TestClient) -> None:
    pharmacy.validate_counter_dispensation()
    open_session(client, "PH01")
    listed = client.get("/dmp/non-envoyes")
    assert "identité non qualifiée" in listed.text and "Qualifier l'INS" in html.unescape(listed.text)
    pharmacy.qualify()
    [record] = pharmacy.documents()

    unconfirmed = client.post(f"/dmp/non-envoyes/{record.id}/envoyer", data={})
    confirmed = client.post(f"/dmp/non-envoyes/{record.id}/envoyer", data={"confirmed": "oui"},
                            follow_redirects=False)
    pharmacy.worker.run_once()

    assert unconfirmed.status_code == 422 and "Confirmez l'envoi" in html.unescape(unconfirmed.text)
    assert confirmed.status_code == 303
    assert "Tout document produit pour le DMP y a été envoyé" in client.get("/dmp/non-envoyes").text
    assert len(pharmacy.dmp.search(GENE.matricule)) == 1


def test_only_a_pharmacist_sends_a_document_to_the_dmp(pharmacy: Pharmacy, client: TestClient) -> None:
    pharmacy.validate_counter_dispensation()
    pharmacy.qualify()
    [record] = pharmacy.documents()
    open_session(client, "PR01")

    answer = client.post(f"/dmp/non-envoyes/{record.id}/envoyer", data={"confirmed": "oui"})

    assert answer.status_code == 403 and pharmacy.documents()[0].status == "non_envoye"
