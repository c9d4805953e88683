"""The demo's DP case in a real browser: the pharmacist takes DARK's ELIQUIS renewal the préparateur handed over;
the DP, consulted as the counter opens her, shows the ibuprofen the Pharmacie du Marché gave her, marked « DP »,
and the alerts then hold the association déconseillée it makes with apixaban. Screenshot in test-artifacts/."""

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
