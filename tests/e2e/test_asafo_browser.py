"""A fake prescription of the seeds' kind caught at the counter, in a real browser: an anti-TNF over 300 € and a
tramadol for an unknown patient, from an unknown prescriber whose RPPS is on ASAFO's list (the demo's,
devtools/demo_asafo.py). The ASAFO hit and the reinforced check hold the validation until the pharmacist acts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from comptoir.devtools import demo, demo_asafo
from comptoir.services.platform.runtime import Runtime, utc_now
from tests.e2e.conftest import ARTIFACTS, log_in, new_page

pytestmark = pytest.mark.browser
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def fake_basket(reference_runtime: Runtime) -> int:
    # The server's clock is the real one: a basket dated by the tests' clock would be a stale one it abandons.
    reference_runtime.clock = utc_now
    with reference_runtime.session_factory.begin() as session:
        demo.load_demo(session, now=reference_runtime.clock())
    demo_asafo.load_demo_asafo(reference_runtime)
    found = demo_asafo.demo_basket_id(reference_runtime)
    assert found is not None
    return found


def control(page: Any) -> Any:
    from playwright.sync_api import expect

    page.keyboard.press("Control+Enter")
    window = page.locator("#control-dialog")
    expect(window).to_be_visible()
    return window


def close(page: Any) -> None:
    from playwright.sync_api import expect

    page.keyboard.press("Escape")
    expect(page.locator("#control-dialog")).to_be_hidden()


def test_a_fake_prescription_is_held_until_the_pharmacist_checks_it_and_declares_it(
        fake_basket: int, server: str, browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, 1400, 1000)
    page.goto(f"{server}/")
    log_in(page, "PH01")
    page.goto(f"{server}/comptoir/{fake_basket}")

    alerts = page.locator("#alerts")
    expect(alerts).to_contain_text("Alerte ASAFO ASAFO-2026-0042")
    expect(alerts).to_contain_text("patient inconnu")
    expect(page.locator("#expensive-check")).to_contain_text("HUMIRA 40 mg")
    window = control(page)
    expect(window).to_contain_text("Contrôle renforcé requis")
    expect(window).to_contain_text("Décision d'un pharmacien requise")
    expect(window.get_by_role("button", name="Valider la délivrance")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "asafo-fausse-ordonnance.png"), full_page=True)
    close(page)

    # The prescriber, called at the Annuaire Santé's number, never wrote it: the check says so, then the declaration.
    checklist = page.locator("#expensive-check")
    checklist.get_by_label("Original de l'ordonnance vu", exact=False).check()
    checklist.get_by_label("Refus de délivrance").check()
    checklist.get_by_role("button", name="Enregistrer le contrôle").click()
    expect(page.locator("#expensive-outcome")).to_contain_text("Refus de délivrance")

    scan = tmp_path / "fausse-ordonnance.png"
    scan.write_bytes(PNG)
    declare = page.locator("#asafo-declare")
    declare.locator("summary").click()
    declare.locator("input[type=file]").set_input_files(str(scan))
    declare.get_by_label("Fausse ordonnance authentifiée par le prescripteur", exact=False).check()
    declare.get_by_role("button", name="Envoyer le signalement à l'ASAFO").click()
    expect(page.locator("#asafo-declared")).to_contain_text("Signalée à l'ASAFO")
    window = control(page)
    expect(window).to_contain_text("signalée comme fausse")
    expect(window).to_contain_text("Refus de délivrance")
    close(page)

    page.goto(f"{server}/asafo/signalements")
    row = page.locator("#declarations tbody tr").first
    expect(row).to_contain_text("GARNIER Thomas")
    expect(row).to_contain_text(re.compile("En attente d'envoi|En cours d'instruction"))
    page.screenshot(path=str(ARTIFACTS / "asafo-mes-signalements.png"), full_page=True)


def test_the_list_of_confirmed_fakes_filters_by_region(fake_basket: int, server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    page = new_page(browser)
    page.goto(f"{server}/")
    log_in(page, "PH01")
    page.goto(f"{server}/asafo/alertes?region=Occitanie")

    rows = page.locator("#asafo-alerts tbody tr")
    expect(rows.first).to_contain_text("Occitanie")
    expect(page.locator("#asafo-alerts")).not_to_contain_text("Île-de-France")
