"""The counter's keys in a real browser (static/comptoir.js): "/" and Échap leave typed fields alone,
Ctrl+Entrée submits the page's main form from anywhere, the search as you type keeps one history entry."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from comptoir.devtools.paper_prescriptions.generator import generate_pages, load_posology_samples
from comptoir.refdata.search import DrugIndex
from tests.e2e.conftest import log_in, new_page

pytestmark = pytest.mark.browser
CORPUS = Path(__file__).resolve().parents[1] / "data" / "posology_corpus.jsonl"


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr absent")
def test_on_a_read_prescription_a_typed_slash_stays_in_the_posology_and_ctrl_enter_analyses_from_anywhere(
        server: str, browser: Any, drug_index: DrugIndex, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    scan = generate_pages(tmp_path, records=drug_index.records, samples=load_posology_samples(CORPUS), count=1,
                          seed=8, noise="mild")[0]
    page = new_page(browser)
    page.goto(f"{server}/ordonnances/lecture")
    log_in(page, "PH01")
    page.locator("#scan").set_input_files(scan)
    page.get_by_role("button", name="Lire l'ordonnance").click()
    posology = page.get_by_label("Posologie 1", exact=True)
    posology.fill("", timeout=60_000)

    posology.click()
    page.keyboard.type("1 cp/8h")
    page.keyboard.press("Escape")
    expect(posology).to_have_value("1 cp/8h")
    expect(posology).to_be_focused()
    page.get_by_role("heading", name="Ordonnance papier").click()  # the focus leaves the fields
    page.keyboard.press("Control+Enter")

    expect(page.get_by_role("complementary", name="Alertes")).to_be_visible(timeout=60_000)
    assert page.url == f"{server}/analyse"
    expect(page.get_by_label("Posologie 1", exact=True)).to_have_value("1 cp/8h")


def test_in_the_drug_search_slash_and_escape_reach_the_box_and_typing_keeps_one_history_entry(
        server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    page = new_page(browser)
    page.goto(f"{server}/medicaments")
    log_in(page, "PH01")
    box, heading = page.locator("#scan"), page.get_by_role("heading", name="Médicaments")
    before = page.evaluate("history.length")

    box.click()
    for letter in "kardegic":
        page.keyboard.type(letter)
        page.wait_for_load_state("networkidle")
    expect(page.locator("table.results")).to_contain_text("KARDEGIC")
    expect(page).to_have_url(f"{server}/medicaments?q=kardegic")
    assert page.evaluate("history.length") == before

    heading.click()
    page.keyboard.press("/")
    expect(box).to_be_focused()
    heading.click()
    page.keyboard.press("Escape")
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    expect(page.locator("table.results")).to_have_count(0)
