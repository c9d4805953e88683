"""A pharmacist's report written on the patient's DMP page: refused beside its field when the file is not a PDF
(what was typed kept), otherwise a CDA niveau 1 that passes the ANS kit and reaches the DMP once the worker ran."""

from __future__ import annotations

import base64
import html
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from comptoir.domain.operators import Role
from comptoir.web.app import create_app
from comptoir.web.dmp.pages import get_dmp
from tests.conftest import add_operator, open_session
from tests.fakes.dmp import GENE
from tests.integration.dmp_feed.conftest import Pharmacy
from tests.unit.cda.kit import Kit, missing, open_kit

HL7 = {"h": "urn:hl7-org:v3"}
PDF = b"%PDF-1.4\n% bilan partage de medication\n%%EOF\n"
TYPED = {"type_code": "78601-2", "title": "Entretien AVK", "text": "INR expliqué au patient.",
         "invisible_patient": "on"}


@pytest.fixture(scope="session")
def kit() -> Kit:
    why = missing()
    if why:
        pytest.skip(why)
    return open_kit()


@pytest.fixture
def client(pharmacy: Pharmacy) -> Iterator[TestClient]:
    add_operator(pharmacy.runtime, "PR01", Role.PREPARATEUR)
    app = create_app(pharmacy.runtime.settings, runtime=pharmacy.runtime)
    app.dependency_overrides[get_dmp] = lambda: pharmacy.dmp
    with TestClient(app) as test_client:
        yield test_client


def test_a_file_that_is_not_a_pdf_is_refused_beside_its_field_with_the_values_kept(
        pharmacy: Pharmacy, client: TestClient) -> None:
    pharmacy.qualify()
    open_session(client, "PH01")

    page = client.post(f"/patients/{pharmacy.place.patient_id}/dmp/compte-rendu", data=TYPED,
                       files={"pdf": ("photo.png", b"\x89PNG\r\n", "image/png")})

    text = html.unescape(page.text)
    assert page.status_code == 422 and "n'est pas un PDF" in text
    assert 'value="Entretien AVK"' in text and "INR expliqué au patient." in text
    assert '<option value="78601-2" selected>' in text and 'name="invisible_patient" value="on" checked' in text
    assert pharmacy.documents() == []


def test_a_report_with_its_pdf_passes_the_kit_and_reaches_the_dmp(
        pharmacy: Pharmacy, client: TestClient, kit: Kit) -> None:
    pharmacy.qualify()
    open_session(client, "PH01")
    patient_id = pharmacy.place.patient_id

    answer = client.post(f"/patients/{patient_id}/dmp/compte-rendu", follow_redirects=False,
                         data=TYPED | {"type_code": "56445-0", "title": "Bilan partagé de médication"},
                         files={"pdf": ("bilan.pdf", PDF, "application/pdf")})
    pharmacy.worker.run_once()

    assert answer.status_code == 303
    [record] = pharmacy.documents()
    assert kit.failures(record.content) == []
    [entry] = pharmacy.dmp.search(GENE.matricule)
    assert (entry.unique_id, entry.type_code) == (record.document_id, "56445-0")
    document = etree.fromstring(pharmacy.dmp.retrieve(entry.unique_id).content)
    assert base64.b64decode(document.findtext("h:component/h:nonXMLBody/h:text", namespaces=HL7) or "") == PDF


def test_the_form_is_reached_from_the_dmp_page_prefilled_with_its_warning(pharmacy: Pharmacy,
                                                                          client: TestClient) -> None:
    pharmacy.qualify()
    open_session(client, "PH01")
    patient_id = pharmacy.place.patient_id

    dmp_page = client.get(f"/patients/{patient_id}/dmp")
    form = html.unescape(client.get(f"/patients/{patient_id}/dmp/compte-rendu").text)

    assert f'href="/patients/{patient_id}/dmp/compte-rendu"' in dmp_page.text
    assert 'value="Bilan partagé de médication"' in form and "ne peut plus leur être masqué" in form


def test_a_preparer_does_not_write_a_report(pharmacy: Pharmacy, client: TestClient) -> None:
    open_session(client, "PR01")

    page = client.get(f"/patients/{pharmacy.place.patient_id}/dmp/compte-rendu")

    assert page.status_code == 403
