"""The counter screen over HTTP (/comptoir): the page with its patient, a scan that adds a line beside its
alerts, a refused value kept beside its field, the préparateur's hand-over and the pharmacist's waiting list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from comptoir.domain.operators import Role
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation, DispensedLine
from comptoir.web.app import create_app
from tests.conftest import add_operator, open_session
from tests.integration.web.test_pages_in_french import ENGLISH_NUMBER, codes_on_screen, visible_text

CLARITHROMYCINE = "3400936860094"
"""CLARITHROMYCINE EG 500 mg: with simvastatin, a contraindication (ANSM thesaurus) a pharmacist must decide."""
SIMVASTATINE = "3400938834253"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def client(reference_runtime: Runtime) -> Iterator[TestClient]:
    for code, role in (("PH01", Role.TITULAIRE), ("PR01", Role.PREPARATEUR)):
        add_operator(reference_runtime, code, role)
    with TestClient(create_app(reference_runtime.settings, runtime=reference_runtime)) as test_client:
        yield test_client


@pytest.fixture
def patient_id(reference_runtime: Runtime) -> int:
    """MARTIN Louise, allergic to penicillins, given SINTROM a month ago in this pharmacy."""
    now = reference_runtime.clock()
    with reference_runtime.session_factory.begin() as session:
        patient = m.Patient(last_name="MARTIN", first_name="Louise", birth_date=date(1950, 5, 4), sex="F",
                            allergies=["pénicillines"], created_at=now)
        session.add(patient)
        session.flush()
        given = Dispensation(dispensed_at=now - timedelta(days=30), patient_id=patient.id, operator_code="PH01",
                             workstation="poste-1")
        session.add(given)
        session.flush()
        session.add(DispensedLine(dispensation_id=given.id, position=0, drug="SINTROM 4 mg", posology="selon INR",
                                  duration_days=30))
        return patient.id


def log_in(client: TestClient, code: str) -> None:
    client.cookies.clear()
    assert open_session(client, code).status_code == 200


def new_basket(client: TestClient, patient_id: int | None = None) -> int:
    response = client.get("/comptoir" + (f"?patient={patient_id}" if patient_id else ""), follow_redirects=False)
    assert response.status_code == 303
    found = re.fullmatch(r"/comptoir/(\d+)", response.headers["location"])
    assert found is not None
    return int(found.group(1))


def scan(client: TestClient, basket_id: int, text: str) -> str:
    response = client.post(f"/comptoir/{basket_id}/scan", data={"text": text}, headers=HTMX)
    assert response.status_code == 200, response.text
    return response.text


def test_the_page_shows_the_patient_band_the_history_and_an_empty_basket(client: TestClient, patient_id: int) -> None:
    log_in(client, "PH01")

    page = client.get(f"/comptoir/{new_basket(client, patient_id)}").text

    assert "MARTIN Louise" in page
    assert "Allergies : pénicillines" in page
    assert "SINTROM 4 mg" in page
    assert "Panier vide" in page
    # Each past dispensation leads to its documents (the paper prescription's scan).
    assert re.search(r'<a href="/delivrances/\d+/documents">n° \d+</a>', page)
    assert 'id="scan"' in page and "autofocus" in page
    assert "<kbd>Ctrl+Entrée</kbd> contrôler et valider" in page


def test_a_scanned_box_adds_its_line_with_price_and_rate_beside_the_alerts(client: TestClient,
                                                                          patient_id: int) -> None:
    log_in(client, "PH01")
    basket_id = new_basket(client, patient_id)

    scan(client, basket_id, CLARITHROMYCINE)
    work = scan(client, basket_id, SIMVASTATINE)

    assert work.lstrip().startswith('<div id="work"')
    assert "CLARITHROMYCINE EG 500 mg" in work and "SIMVASTATINE ARROW LAB 20 mg" in work
    assert re.search(r"\d+,\d\d €", work) and " %</td>" in work
    assert "Contre-indication" in work
    assert SIMVASTATINE not in _alerts(work)


def test_a_refused_value_comes_back_beside_its_field_as_typed(client: TestClient, patient_id: int) -> None:
    log_in(client, "PH01")
    basket_id = new_basket(client, patient_id)
    scan(client, basket_id, CLARITHROMYCINE)

    response = client.post(f"/comptoir/{basket_id}/lignes/1", data={"boxes": "deux", "changed": "boxes"},
                           headers=HTMX)

    assert response.status_code == 422
    assert 'value="deux"' in response.text
    assert 'aria-invalid="true" aria-describedby="boxes-1-error"' in response.text
    assert "Boîtes : un nombre entier de 1 à 99." in response.text
    assert "Impossible" not in response.text


def test_a_product_nobody_knows_is_refused_beside_the_scan_box_as_typed(client: TestClient) -> None:
    log_in(client, "PH01")
    basket_id = new_basket(client)

    response = client.post(f"/comptoir/{basket_id}/scan", data={"text": "zzqxw introuvable"}, headers=HTMX)

    assert response.status_code == 422
    assert 'value="zzqxw introuvable"' in response.text
    assert 'id="scan-error"' in response.text


def test_a_preparateur_sees_the_hand_over_and_no_override_form(client: TestClient, patient_id: int) -> None:
    log_in(client, "PR01")
    basket_id = new_basket(client, patient_id)
    scan(client, basket_id, CLARITHROMYCINE)
    scan(client, basket_id, SIMVASTATINE)

    page = client.get(f"/comptoir/{basket_id}").text

    assert "Transmettre au pharmacien" in page
    assert "Passer outre" not in page and "Intervention pharmaceutique" not in page
    assert "En attente du pharmacien" not in page


def test_a_pharmacist_sees_the_basket_a_preparateur_handed_over(client: TestClient, patient_id: int) -> None:
    log_in(client, "PR01")
    handed = new_basket(client, patient_id)
    scan(client, handed, CLARITHROMYCINE)
    assert client.post(f"/comptoir/{handed}/transmettre", follow_redirects=False).status_code == 303
    log_in(client, "PH01")

    own = new_basket(client)
    page = client.get(f"/comptoir/{own}").text
    waiting = page[page.index('id="waiting"'):page.index("</aside>", page.index('id="waiting"'))]

    assert re.search(r'En attente du pharmacien <span class="count ">1</span>', waiting)
    assert "MARTIN Louise" in waiting and f'action="/comptoir/{handed}/reprendre"' in waiting
    assert f'action="/comptoir/{handed}/reprendre"' in client.get(f"/comptoir/{own}/attente").text


def test_the_waiting_list_is_the_pharmacists(client: TestClient) -> None:
    log_in(client, "PR01")

    assert client.get(f"/comptoir/{new_basket(client)}/attente").status_code == 403


def test_the_vitale_reader_puts_the_patient_it_identifies_on_the_basket(client: TestClient) -> None:
    log_in(client, "PR01")
    basket_id = new_basket(client)
    reader = client.get(f"/vitale?retour=/comptoir/{basket_id}").text
    assert f'name="retour" value="/comptoir/{basket_id}"' in reader

    identified = client.post("/vitale/identifier", follow_redirects=False, data={
        "carte": "leroy", "support": "appli", "beneficiaire": "2", "retour": f"/comptoir/{basket_id}"})
    page = client.get(identified.headers["location"])

    assert identified.headers["location"].startswith(f"/comptoir/{basket_id}?patient=")
    assert 'class="band-name"' in page.text and 'id="patient-search"' not in page.text


def test_the_vitale_reader_sends_back_to_a_basket_and_nowhere_else(client: TestClient) -> None:
    log_in(client, "PR01")

    page = client.get("/vitale?retour=https://ailleurs.example/comptoir/1").text

    assert "ailleurs.example" not in page and 'name="retour"' not in page


def test_a_pharmacist_decides_then_validates_and_gets_a_new_basket(client: TestClient, patient_id: int) -> None:
    log_in(client, "PH01")
    basket_id = new_basket(client, patient_id)
    client.post(f"/comptoir/{basket_id}/ordonnance", headers=HTMX, data={
        "prescriber_name": "Dr Jean MARTIN", "prescriber_rpps": "10001234565", "prescribed_on": "19/02/2026"})
    scan(client, basket_id, CLARITHROMYCINE)
    work = scan(client, basket_id, SIMVASTATINE)
    key = re.search(r'name="alert" value="([^"]+)"', work)
    assert key is not None
    control = client.post(f"/comptoir/{basket_id}/controle", headers=HTMX).text
    assert "Valider la délivrance" not in control and "Décision d&#39;un pharmacien requise" in control

    decided = client.post(f"/comptoir/{basket_id}/alertes/decision", headers=HTMX, data={
        "alert": key.group(1), "kind": "intervention", "problem_code": "6.4", "intervention_code": "2",
        "outcome": "1", "reason": "Simvastatine suspendue par le prescripteur pendant l'antibiothérapie"})
    version = re.search(r'name="version" value="(\d+)"', decided.text)
    assert decided.status_code == 200 and version is not None
    done = client.post(f"/comptoir/{basket_id}/valider", data={"version": version.group(1)}, headers=HTMX)

    assert done.status_code == 200, done.text
    assert re.search(r"Délivrance n° \d+ enregistrée", done.text)
    assert "/delivrances/" in done.text and "Imprimer l'avis pharmaceutique" in done.text
    assert re.search(r"/comptoir/(\d+)", done.headers["HX-Push-Url"])
    assert done.headers["HX-Push-Url"] != f"/comptoir/{basket_id}"


def test_a_stale_validation_says_so_in_the_control_window(client: TestClient, patient_id: int) -> None:
    log_in(client, "PH01")
    basket_id = new_basket(client, patient_id)
    scan(client, basket_id, CLARITHROMYCINE)

    response = client.post(f"/comptoir/{basket_id}/valider", data={"version": "1"}, headers=HTMX)

    assert response.status_code == 409, response.text
    assert response.headers["HX-Retarget"] == "#control-dialog"
    assert "Contrôle avant validation" in response.text


def _alerts(work: str) -> str:
    return work[work.index('id="alerts"'):]


def test_the_counter_shows_no_internal_code_and_writes_numbers_the_french_way(client: TestClient,
                                                                              patient_id: int) -> None:
    log_in(client, "PH01")
    basket_id = new_basket(client, patient_id)
    client.post(f"/comptoir/{basket_id}/ordonnance", headers=HTMX, data={
        "prescriber_name": "Dr Jean MARTIN", "prescriber_rpps": "10001234565", "prescribed_on": "19/02/2026"})
    scan(client, basket_id, CLARITHROMYCINE)
    work = scan(client, basket_id, SIMVASTATINE)
    key = re.search(r'name="alert" value="([^"]+)"', work)
    assert key is not None
    decided = client.post(f"/comptoir/{basket_id}/alertes/decision", headers=HTMX, data={
        "alert": key.group(1), "kind": "override", "reason": "Traitement de 7 jours, statine suspendue"}).text
    version = re.search(r'name="version" value="(\d+)"', decided)
    assert version is not None

    pages = {"panier": client.get(f"/comptoir/{basket_id}").text,
             "fenêtre de contrôle": client.post(f"/comptoir/{basket_id}/controle", headers=HTMX).text,
             "délivrance validée": client.post(f"/comptoir/{basket_id}/valider", headers=HTMX,
                                               data={"version": version.group(1)}).text}

    found = {name: sorted(codes_on_screen(html)) for name, html in pages.items() if codes_on_screen(html)}
    english = {name: ENGLISH_NUMBER.findall(visible_text(html)) for name, html in pages.items()
               if ENGLISH_NUMBER.search(visible_text(html))}
    assert not found, found
    assert not english, english
    assert "Délivrance maintenue" in visible_text(pages["fenêtre de contrôle"])


def test_a_box_is_chosen_among_the_packs_of_the_line(client: TestClient, patient_id: int) -> None:
    log_in(client, "PH01")
    basket_id = new_basket(client, patient_id)
    work = scan(client, basket_id, CLARITHROMYCINE)
    select = work[work.index('<select id="pack-1"'):work.index("</select>", work.index('<select id="pack-1"'))]
    offered = re.findall(r'<option value="(\d{13})"', select)
    other = next(cip13 for cip13 in offered if cip13 != CLARITHROMYCINE)

    response = client.post(f"/comptoir/{basket_id}/lignes/1", data={"cip13": other, "changed": "cip13"}, headers=HTMX)

    assert response.status_code == 200
    assert re.search(rf'<option value="{other}" selected>', response.text)
    assert "comprimé(s) — " in response.text
