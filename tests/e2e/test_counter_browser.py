"""The counter in a real browser (Debian's chromium driven by Playwright) against a real server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, log_in, new_page

pytestmark = pytest.mark.browser


def test_a_pharmacist_logs_in_and_finds_a_drug(server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, 1400, 900)

    page.goto(f"{server}/")
    expect(page.get_by_role("heading", name="Connexion au comptoir")).to_be_visible()
    log_in(page, "PH01")
    expect(page.locator(".who .operator")).to_contain_text("Claire MartinPharmacien titulaire")

    page.locator("#scan").fill("doliprane 1000")
    page.locator("#scan").press("Enter")
    first = page.locator("table.results tbody tr").first.locator("a")
    expect(first).to_contain_text("DOLIPRANE 1000 mg")
    page.screenshot(path=str(ARTIFACTS / "recherche-doliprane.png"), full_page=True)

    first.click()
    expect(page.get_by_role("heading", name="Présentations")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "fiche-produit.png"), full_page=True)

    assert (ARTIFACTS / "recherche-doliprane.png").stat().st_size > 10_000
