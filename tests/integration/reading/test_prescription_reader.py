"""Reading generated paper prescriptions with Tesseract against the full drug reference."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from comptoir.devtools.paper_prescriptions.generator import generate_pages, load_posology_samples
from comptoir.reading.line_matcher import substance_key
from comptoir.reading.prescription_reader import NO_LINES, NO_TEXT, read_prescription
from comptoir.reading.read_eval import evaluate_directory
from comptoir.refdata.search import DrugIndex

CORPUS = Path(__file__).resolve().parents[2] / "data" / "posology_corpus.jsonl"
pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr absent")


@pytest.fixture(scope="module")
def clean_pages(tmp_path_factory: pytest.TempPathFactory, drug_index: DrugIndex) -> Path:
    directory = tmp_path_factory.mktemp("clean")
    generate_pages(directory, records=drug_index.records, samples=load_posology_samples(CORPUS), count=3, seed=11,
                   noise="clean")
    return directory


@pytest.fixture(scope="module")
def scanned_pages(tmp_path_factory: pytest.TempPathFactory, drug_index: DrugIndex) -> Path:
    directory = tmp_path_factory.mktemp("scanned")
    generate_pages(directory, records=drug_index.records, samples=load_posology_samples(CORPUS), count=6, seed=23,
                   noise="mild")
    return directory


def molecules(line: dict[str, object]) -> set[str]:
    substances = line["substances"]
    assert isinstance(substances, list)
    return {substance_key(s) for s in substances}


def first_page(directory: Path) -> tuple[Path, dict[str, object]]:
    truth = sorted(directory.glob("*.json"))[0]
    image = next(truth.with_suffix(s) for s in (".png", ".jpg") if truth.with_suffix(s).is_file())
    return image, json.loads(truth.read_text(encoding="utf-8"))


def test_every_line_of_a_clean_page_is_found(clean_pages: Path, drug_index: DrugIndex) -> None:
    report = evaluate_directory(clean_pages, index=drug_index)

    assert report.recall == 1.0
    assert report.precision == 1.0


def test_the_prescriber_the_patient_and_the_date_are_read(clean_pages: Path, drug_index: DrugIndex) -> None:
    image, truth = first_page(clean_pages)

    result = read_prescription(image, index=drug_index).contract()

    prescriber, patient = truth["prescriber"], truth["patient"]
    assert isinstance(prescriber, dict) and isinstance(patient, dict)
    assert result["prescriber"]["rpps"] == prescriber["rpps"] and result["prescriber"]["rpps_valid"] is True
    assert result["prescriber"]["am"] == prescriber["am"]
    assert result["patient"]["birth_date"] == patient["birth_date"]
    assert patient["last_name"] in result["patient"]["name"]
    assert result["date"] == truth["date"]
    assert result["warning"] is None


def test_scans_with_tilt_blur_grain_and_jpeg_artefacts_meet_the_targets(scanned_pages: Path,
                                                                       drug_index: DrugIndex) -> None:
    report = evaluate_directory(scanned_pages, index=drug_index)

    assert report.recall >= 0.95
    assert report.precision >= 0.95
    assert report.posology_accuracy >= 0.9


def test_a_page_tilted_by_four_degrees_is_put_straight_and_read(clean_pages: Path, drug_index: DrugIndex,
                                                                tmp_path: Path) -> None:
    image, truth = first_page(clean_pages)
    tilted = tmp_path / "penchee.png"
    Image.open(image).rotate(4, expand=True, fillcolor=255).save(tilted)

    result = read_prescription(tilted, index=drug_index).contract()

    lines = truth["lines"]
    assert isinstance(lines, list)
    assert len(result["lines"]) == len(lines)
    assert [molecules(line) for line in result["lines"]] == [molecules(line) for line in lines]


def test_the_same_page_read_from_bytes_or_from_a_scanned_pdf_gives_the_same_lines(clean_pages: Path,
                                                                                   drug_index: DrugIndex) -> None:
    image, _ = first_page(clean_pages)
    pdf = io.BytesIO()
    Image.open(image).convert("RGB").save(pdf, format="PDF", resolution=200)

    from_file = read_prescription(image, index=drug_index).contract()
    from_pdf = read_prescription(pdf.getvalue(), index=drug_index).contract()

    assert [molecules(line) for line in from_pdf["lines"]] == [molecules(line) for line in from_file["lines"]]
    assert from_pdf["pages"] == 1


def test_a_blank_image_gives_no_lines_and_a_warning(drug_index: DrugIndex) -> None:
    blank = io.BytesIO()
    Image.new("L", (1654, 2339), 250).save(blank, format="PNG")

    result = read_prescription(blank.getvalue(), index=drug_index).contract()

    assert result["lines"] == []
    assert result["warning"] == NO_TEXT


def test_a_page_that_is_no_prescription_gives_no_lines_and_a_warning(drug_index: DrugIndex) -> None:
    letter = Image.new("L", (1654, 2339), 255)
    pen = ImageDraw.Draw(letter)
    for row, text in enumerate(("Compte rendu de réunion", "Nous avons parlé du planning des congés.",
                                "La prochaine réunion aura lieu mardi.")):
        pen.text((150, 200 + 80 * row), text, font=ImageFont.load_default(40), fill=0)
    page = io.BytesIO()
    letter.save(page, format="PNG")

    result = read_prescription(page.getvalue(), index=drug_index).contract()

    assert result["lines"] == []
    assert result["warning"] == NO_LINES


def test_a_pdf_without_page_and_a_file_that_is_no_image_get_a_clear_answer(drug_index: DrugIndex) -> None:
    empty_pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" \
                b"trailer<</Root 1 0 R>>\n%%EOF\n"

    from_pdf = read_prescription(empty_pdf, index=drug_index).contract()
    from_text = read_prescription(b"bonjour", index=drug_index).contract()

    assert from_pdf["lines"] == [] and "aucune page" in str(from_pdf["warning"])
    assert from_text["lines"] == [] and "ni une image" in str(from_text["warning"])
