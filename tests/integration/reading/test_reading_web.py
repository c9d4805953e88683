"""Paper prescriptions at the counter: the upload page, the JSON API, who may use them."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from comptoir.devtools.paper_prescriptions.generator import generate_pages, load_posology_samples
from comptoir.domain.operators import Role
from comptoir.refdata.search import DrugIndex
from comptoir.services.platform.runtime import Runtime
from comptoir.web.app import create_app
from tests.conftest import add_operator, open_session

CORPUS = Path(__file__).resolve().parents[2] / "data" / "posology_corpus.jsonl"
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr absent")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, drug_index: DrugIndex) -> Path:
    directory = tmp_path_factory.mktemp("web-pages")
    return generate_pages(directory, records=drug_index.records, samples=load_posology_samples(CORPUS), count=1,
                          seed=8, noise="mild")[0]


@pytest.fixture
def app_of(reference_runtime: Runtime) -> Iterator[TestClient]:
    add_operator(reference_runtime, "PR01", Role.PREPARATEUR)
    add_operator(reference_runtime, "AD01", Role.ADMIN)
    with TestClient(create_app(reference_runtime.settings, runtime=reference_runtime)) as client:
        yield client


def log_in(client: TestClient, code: str) -> TestClient:
    open_session(client, code)
    return client


@needs_tesseract
def test_the_api_reads_an_uploaded_prescription_and_prepares_the_analysis_case(app_of: TestClient,
                                                                               page: Path) -> None:
    client = log_in(app_of, "PR01")

    response = client.post("/api/prescriptions/read", files={"file": (page.name, page.read_bytes(), "image/png")})

    body = response.json()
    assert response.status_code == 200
    assert body["lines"] and set(body["lines"][0]) >= {"text", "substances", "cis", "posology", "confidence"}
    assert [line["drug"] for line in body["analysis_case"]["lines"]] == [
        line["cis"] or line["drug"] for line in body["lines"]]
    assert body["analysis_case"]["today"] == body["date"]


@needs_tesseract
def test_the_page_shows_each_line_with_its_product_sheet_and_posts_the_lines_to_the_analysis(app_of: TestClient,
                                                                                              page: Path) -> None:
    client = log_in(app_of, "PR01")

    response = client.post("/ordonnances/lecture", files={"file": (page.name, page.read_bytes(), "image/jpeg")})

    assert response.status_code == 200
    assert 'action="/analyse"' in response.text
    assert 'href="/medicaments/' in response.text
    assert 'name="drug_0"' in response.text and 'name="posology_0"' in response.text


@needs_tesseract
def test_a_blank_upload_says_so_in_french(app_of: TestClient) -> None:
    client = log_in(app_of, "PR01")
    blank = io.BytesIO()
    Image.new("L", (1200, 1700), 255).save(blank, format="PNG")

    response = client.post("/api/prescriptions/read", files={"file": ("blanc.png", blank.getvalue(), "image/png")})

    assert response.status_code == 200
    assert response.json()["lines"] == []
    assert response.json()["warning"].startswith("Aucun texte lisible")


def test_the_upload_form_is_at_the_counter(app_of: TestClient) -> None:
    response = log_in(app_of, "PR01").get("/ordonnances/lecture")

    assert response.status_code == 200
    assert 'type="file"' in response.text and 'enctype="multipart/form-data"' in response.text


def test_the_technical_administrator_sees_no_prescription(app_of: TestClient) -> None:
    client = log_in(app_of, "AD01")

    response = client.post("/api/prescriptions/read", files={"file": ("x.png", b"x", "image/png")})

    assert response.status_code == 403


def test_without_a_session_the_api_answers_401(app_of: TestClient) -> None:
    assert app_of.post("/api/prescriptions/read", files={"file": ("x.png", b"x", "image/png")}).status_code == 401
