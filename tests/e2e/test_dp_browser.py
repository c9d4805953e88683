"""The demo's DP case in a real browser: the pharmacist takes DARK's ELIQUIS renewal the préparateur handed over;
the DP, consulted as the counter opens her, shows the ibuprofen the Pharmacie du Marché gave her, marked « DP »,
and the alerts then hold the association déconseillée it makes with apixaban. On her page, the DP panel shows the
window asked and will not close her DP without the confirmation ticked. Screenshots in test-artifacts/."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from comptoir.devtools import demo
from comptoir.services.platform.runtime import Runtime
from tests.conftest import Clock
from tests.e2e.conftest import ARTIFACTS, log_in, new_page

pytestmark = pytest.mark.browser


@pytest.fixture
def dp_demo(reference_runtime: Runtime, clock: Clock) -> None:
    """The whole demo pharmacy, its DP seeded today (the server's DP counts its windows from the real day)."""
    clock.now = datetime.now(UTC)
    demo.load_demo_pharmacy(reference_runtime, with_dispensations=True)


def test_the_other_pharmacys_ibuprofen_shows_at_the_counter_and_raises_its_interaction(
        dp_demo: None, server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    page = new_page(browser)
    page.goto(f"{server}/comptoir")
    log_in(page, "PH01")
    page.wait_for_url(re.compile(r"/comptoir/\d+"))

    page.locator("#waiting li", has_text="DARK Jeanne Marie").get_by_role("button", name="Reprendre").click()

    panel = page.locator("#dp-panel")
    expect(panel).to_contain_text("IBUPROFENE ARROW 400 mg")
    expect(panel).to_contain_text("Pharmacie du Marché, Villeurbanne")
    expect(panel.locator(".tag", has_text="DP")).to_be_visible()
    expect(page.locator("#alerts")).to_contain_text("Association déconseillée")
    page.screenshot(path=str(ARTIFACTS / "dp-comptoir.png"), full_page=True)


def test_the_patient_page_shows_her_dp_and_asks_a_confirmation_before_closing_it(
        dp_demo: None, server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    page = new_page(browser)
    page.goto(f"{server}/comptoir")
    log_in(page, "PH01")
    page.locator("#waiting li", has_text="DARK Jeanne Marie").get_by_role("button", name="Reprendre").click()
    page.get_by_role("link", name="DARK Jeanne Marie").first.click()

    panel = page.locator("#dp-panel")
    expect(panel).to_contain_text("IBUPROFENE ARROW 400 mg")
    panel.get_by_role("link", name="12 mois").click()
    expect(panel.get_by_role("link", name="12 mois")).to_have_attribute("aria-current", "true")
    panel.get_by_role("button", name="Fermer le DP").click()
    expect(panel).to_contain_text("Cochez la confirmation")
    expect(panel).to_contain_text("IBUPROFENE ARROW 400 mg")
    page.screenshot(path=str(ARTIFACTS / "dp-patient.png"), full_page=True)
