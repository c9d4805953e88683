"""Drug search and product sheet through the API and the pages, on the full reference."""

from __future__ import annotations

from collections.abc import Iterator
from html import escape

import pytest
from fastapi.testclient import TestClient

from comptoir.domain.operators import Role
from comptoir.refdata.search import DrugIndex
from comptoir.services.platform.runtime import Runtime
from comptoir.web.app import create_app
from tests.conftest import add_operator, open_session
from tests.integration.refdata.test_drug_search import some_packs


@pytest.fixture
def client(reference_runtime: Runtime) -> Iterator[TestClient]:
    add_operator(reference_runtime, "PR01", Role.PREPARATEUR)
    with TestClient(create_app(reference_runtime.settings, runtime=reference_runtime)) as test_client:
        open_session(test_client, "PR01")
        yield test_client


def test_the_api_searches_drugs_with_the_design_contract(client: TestClient) -> None:
    response = client.get("/api/drugs", params={"q": "doliprane 1000"})

    first = response.json()[0]
    assert response.status_code == 200
    assert set(first) == {"cis", "name", "substances", "cip13"}
    assert first["name"].startswith("DOLIPRANE 1000 mg")


def test_the_api_answers_an_unknown_query_with_an_empty_list(client: TestClient) -> None:
    assert client.get("/api/drugs", params={"q": "zzqxwv"}).json() == []


def test_the_api_product_sheet_holds_prices_conditions_and_generic_group(client: TestClient) -> None:
    sheet = client.get("/api/drugs/60234100").json()

    assert sheet["name"] == "DOLIPRANE 1000 mg, comprimé"
    assert {p["cip13"] for p in sheet["presentations"]} >= {"3400935955838"}
    assert any(p["price_eur"] for p in sheet["presentations"])
    assert sheet["composition"][0]["substance"] == "PARACÉTAMOL"


def test_an_unknown_cis_is_a_404_in_french(client: TestClient) -> None:
    response = client.get("/api/drugs/99999999")

    assert response.status_code == 404
    assert response.json()["detail"] == "Aucune spécialité de code CIS 99999999."


def test_the_search_page_lists_the_products(client: TestClient) -> None:
    page = client.get("/medicaments", params={"q": "amoxiciline 500"})

    assert page.status_code == 200
    assert "AMOXICILLINE" in page.text and "<html" in page.text


def test_an_htmx_search_gets_only_the_fragment(client: TestClient) -> None:
    fragment = client.get("/medicaments", params={"q": "kardegic"}, headers={"HX-Request": "true"})

    assert "KARDEGIC" in fragment.text
    assert "<html" not in fragment.text


def test_the_product_sheet_page_shows_a_narcotic_and_its_conditions(client: TestClient) -> None:
    found = client.get("/api/drugs", params={"q": "skenan 10"}).json()[0]

    page = client.get(f"/medicaments/{found['cis']}")

    assert "stupéfiants" in page.text
    assert "Groupe générique" in page.text or "Présentations" in page.text


def test_the_sheet_shows_a_shortage(client: TestClient) -> None:
    page = client.get("/medicaments/61436304")

    assert "Rupture de stock" in page.text


def test_the_openapi_schema_describes_the_api(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()

    assert "/api/drugs" in schema["paths"]
    assert "/api/patients/{patient_id}" in schema["paths"]


def test_a_scanned_pack_datamatrix_shows_its_specialty_lot_expiry_and_serial(client: TestClient,
                                                                             drug_index: DrugIndex) -> None:
    (cis, cip13), = some_packs(drug_index, 1)
    name = next(r.name for r in drug_index.records if r.cis == cis)

    page = client.get("/medicaments", params={"q": f"]d2010{cip13}17270531" + "10AB12C\x1d219X8Y7Z"})
    fragment = client.get("/medicaments", params={"q": f"(01)0{cip13}(17)270531(10)AB12C(21)9X8Y7Z"},
                          headers={"HX-Request": "true"})

    for answer in (page.text, fragment.text):
        assert answer.count('<a href="/medicaments/') == 1
        assert f'<a href="/medicaments/{cis}">{escape(name)}</a>' in answer
        assert "AB12C" in answer and "31/05/2027" in answer and "9X8Y7Z" in answer


def test_the_api_answers_a_scanned_pack_with_its_specialty_in_the_design_contract(client: TestClient,
                                                                                  drug_index: DrugIndex) -> None:
    (cis, cip13), = some_packs(drug_index, 1)

    found = client.get("/api/drugs", params={"q": f"010{cip13}17270531" + "10AB12C<GS>219X8Y7Z"}).json()

    assert [(d["cis"], cip13 in d["cip13"]) for d in found] == [(cis, True)]
