"""The qualification workflow over HTTP (API and pages), with the INSi emulator on a real socket."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO

import pytest
import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select

from comptoir.devtools import demo
from comptoir.domain.operators import Role
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.web.app import create_app
from tests.conftest import add_operator, open_session
from tests.emulators import insi_client, insi_emulator

DARK_DM = ("IS010000000000000000000000S1239088815400243S21.2.250.1.213.1.4.8\x1dS3JEANNE MARIE\x1dS4DARK\x1d"
           "S5FS613-08-1939S788154")


@pytest.fixture(scope="module")
def insi_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with insi_emulator(tmp_path_factory.mktemp("insi")) as url:
        yield url


@pytest.fixture
def client(runtime: Runtime, insi_url: str) -> Iterator[TestClient]:
    add_operator(runtime, "PR01", Role.PREPARATEUR)
    add_operator(runtime, "PH01", Role.TITULAIRE)
    app = create_app(runtime.settings, runtime=runtime)
    app.state.insi = insi_client(insi_url)
    with TestClient(app) as test_client:
        yield test_client


def log_in(client: TestClient, code: str = "PR01") -> None:
    assert open_session(client, code).status_code == 200


def patients_count(runtime: Runtime) -> int:
    with runtime.session_factory() as session:
        return session.scalar(select(func.count()).select_from(m.Patient)) or 0


def test_from_a_vitale_read_to_a_qualified_identity_over_the_api(client: TestClient) -> None:
    log_in(client)

    read = client.post("/api/vitale/dark/identify", json={"beneficiary": 0}).json()
    patient_id, answer = read["patient_id"], read["pending_insi"]
    accepted = client.post(f"/api/patients/{patient_id}/insi/accept", json={"answer_id": answer["answer_id"]}).json()
    qualified = client.post(f"/api/patients/{patient_id}/document", json={"outcome": "presentee", "document": "PA"})

    assert (read["status"], accepted["status"], qualified.json()["status"]) == ("PROV", "RECUP", "QUAL")
    assert answer["identity"]["matricule"] == "239088815400243"
    assert qualified.json()["sharing_refusal"] is None
    assert [e["kind"] for e in qualified.json()["history"]] == ["piece", "insi", "creation"]


def test_insi_down_answers_502_in_french_and_writes_nothing(client: TestClient, runtime: Runtime) -> None:
    log_in(client)

    response = client.post("/api/vitale/test-panne/identify", json={"beneficiary": 0})

    assert response.status_code == 502
    assert "INSi est indisponible" in response.json()["detail"]
    assert patients_count(runtime) == 0


def test_a_document_without_its_kind_is_refused_and_the_status_stays(client: TestClient) -> None:
    log_in(client)
    patient_id = client.post("/api/vitale/dark/identify", json={}).json()["patient_id"]

    refused = client.post(f"/api/patients/{patient_id}/document", json={"outcome": "presentee"})

    assert refused.status_code == 422 and "Choisissez la pièce" in refused.json()["detail"]
    assert client.get(f"/api/patients/{patient_id}/identity").json()["status"] == "PROV"


def test_the_api_checks_a_nir_like_the_cli(client: TestClient) -> None:
    log_in(client)

    answer = client.get("/api/ins/check", params={"nir": "2 80 01 75 056 016 18"}).json()

    assert answer["valid"] is False and "35" in answer["reason"]


def test_the_ins_panel_says_the_demo_nir_has_a_wrong_key(client: TestClient, runtime: Runtime) -> None:
    with runtime.session_factory.begin() as session:
        demo.load_demo(session, now=runtime.clock())
        loiseau = session.scalars(select(m.Patient).where(m.Patient.last_name == "LOISEAU")).one().id
    log_in(client)

    page = client.get(f"/patients/{loiseau}")

    assert page.status_code == 200
    assert "Matricule invalide : La clé 18 ne correspond pas au numéro : la clé attendue est 35." in page.text
    assert "n&#39;est pas qualifié" in page.text or "n'est pas qualifié" in page.text


def test_the_pages_show_the_insi_traits_beside_the_record_with_differences(client: TestClient) -> None:
    log_in(client)

    response = client.post("/vitale/identifier", data={"carte": "dubois", "support": "carte", "beneficiaire": "0"})

    assert response.status_code == 200  # followed the redirect to the record
    assert "Réponse du téléservice INSi" in response.text
    assert '<tr class="diff"><th>Nom de naissance</th>' in response.text
    assert "LEFEBVRE" in response.text


def test_a_page_action_refused_by_insi_shows_the_reason_on_the_page(client: TestClient, runtime: Runtime) -> None:
    log_in(client)

    response = client.post("/vitale/identifier", data={"carte": "test-lenteur", "support": "carte",
                                                       "beneficiaire": "0"})

    assert response.status_code == 502
    assert "n'a pas répondu dans le délai" in response.text.replace("&#39;", "'")
    assert patients_count(runtime) == 0


def test_a_datamatrix_image_fills_the_same_workflow(client: TestClient) -> None:
    log_in(client)
    created = client.post("/api/patients", json={"last_name": "DARK", "first_name": "Jeanne",
                                                 "birth_date": "1939-08-13", "sex": "F"}).json()
    image = zxingcpp.create_barcode(DARK_DM, zxingcpp.BarcodeFormat.DataMatrix).to_image(scale=6)
    png = BytesIO()
    Image.frombytes("L", (image.shape[1], image.shape[0]), bytes(image)).save(png, format="PNG")

    page = client.post(f"/patients/{created['id']}/datamatrix", files={"image": ("dm.png", png.getvalue())})

    assert "DataMatrix INS d&#39;un document" in page.text or "DataMatrix INS d'un document" in page.text
    assert "Réponse du téléservice INSi" in page.text


def test_an_unreadable_datamatrix_is_said_and_changes_nothing(client: TestClient) -> None:
    log_in(client)
    created = client.post("/api/patients", json={"last_name": "DARK", "first_name": "Jeanne",
                                                 "birth_date": "1939-08-13", "sex": "F"}).json()

    response = client.post(f"/api/patients/{created['id']}/datamatrix", json={"text": "IS01 n'importe quoi"})

    assert response.status_code == 422 and "DataMatrix INS" in response.json()["detail"]
    assert client.get(f"/api/patients/{created['id']}/identity").json()["pending_insi"] is None


def test_the_vitale_app_qualifies_at_once_over_the_api(client: TestClient) -> None:
    log_in(client)

    read = client.post("/api/vitale/leroy/identify", json={"beneficiary": 2, "medium": "appli"}).json()

    assert (read["status"], read["matricule"], read["document"]) == ("QUAL", "115037511501281", "AV")


def test_only_a_pharmacist_merges_and_the_review_list_is_shown(client: TestClient, runtime: Runtime) -> None:
    with runtime.session_factory.begin() as session:
        demo.load_demo(session, now=runtime.clock())
    log_in(client)
    client.post("/identitovigilance/detecter")
    reviews = client.get("/api/identitovigilance/reviews").json()
    pair = {"keep_id": reviews[0]["first"], "merge_id": reviews[0]["second"], "reason": "faute de frappe"}

    refused = client.post("/api/identitovigilance/merge", json=pair)
    log_in(client, "PH01")
    page = client.get("/identitovigilance")
    merged = client.post("/api/identitovigilance/merge", json=pair)

    assert refused.status_code == 403
    assert "Doublon probable" in page.text
    assert merged.status_code == 200
    assert client.get("/api/identitovigilance/report").json()["merges"] == 1


def test_the_patient_page_shows_only_its_own_notices_never_text_from_the_address(client: TestClient) -> None:
    log_in(client)
    created = client.post("/api/patients", json={"last_name": "DARK", "first_name": "Jeanne",
                                                 "birth_date": "1939-08-13", "sex": "F"}).json()

    known = client.get(f"/patients/{created['id']}", params={"info": "dossiers-fusionnes"})
    crafted = client.get(f"/patients/{created['id']}",
                         params={"info": "Rappelez le 01 23 45 67 89"})

    assert 'role="status">Dossiers fusionnés</p>' in known.text
    assert crafted.status_code == 200
    assert "Rappelez" not in crafted.text and 'role="status"' not in crafted.text
