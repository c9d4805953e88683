"""A pack scanned at the counter, in a real browser against a real server and its mounted NMVS emulator: a pack of
the recalled demo batch is refused at the scan with its French message and code, and the basket stays empty; a
sound pack of the same product joins the basket, shown verified."""

from __future__ import annotations

import re
from typing import Any

import pytest

from comptoir.devtools.demo_nmvs import demo_datamatrix
from tests.e2e.conftest import ARTIFACTS, log_in, new_page

pytestmark = pytest.mark.browser


def scanned(page: Any, text: str) -> None:
    """What a USB scanner does in the scan box: types, then Enter; the work area comes back from the server."""
    page.locator("#scan").fill(text)
    with page.expect_response(lambda answer: answer.url.endswith("/scan")):
        page.locator("#scan").press("Enter")


def test_a_recalled_pack_is_refused_at_the_scan_in_french(server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    page = new_page(browser)
    page.goto(f"{server}/comptoir")
    log_in(page, "PH01")
    page.wait_for_url(re.compile(r"/comptoir/\d+"))

    scanned(page, demo_datamatrix("rappelee"))

    refusal = page.locator("#scan-error")
    expect(refusal).to_contain_text("Boîte refusée par le système de vérification (NMVS)")
    expect(refusal).to_contain_text("rappelée")
    expect(refusal).to_contain_text("NMVS_NC_PCK_22")
    expect(page.locator("#basket tbody")).to_contain_text("Panier vide")
    page.screenshot(path=str(ARTIFACTS / "comptoir-nmvs-boite-rappelee.png"), full_page=True)

    scanned(page, demo_datamatrix("saine"))

    expect(page.locator("#scan-error")).to_have_count(0)
    expect(page.locator("#basket .line-packs")).to_contain_text("vérifiée NMVS")
