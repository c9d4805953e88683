"""The vaccination in a real browser, keyboard and scanner first: from the patient page « Vacciner », the pack's
DataMatrix typed in the scan box fills CIP13, lot and expiry, the questions answered with the arrows, a missing
consent said beside its box with the answers kept, then the confirmation and its certificate."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from comptoir.devtools.demo_vaccination import demo_flu_pack
from comptoir.domain.vaccination.questionnaire import QUESTION_CODES
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from tests.e2e.conftest import ARTIFACTS, log_in, new_page

pytestmark = pytest.mark.browser


def test_a_pharmacist_scans_answers_and_records_a_flu_vaccination(server: str, browser: Any,
                                                                 reference_runtime: Runtime) -> None:
    from playwright.sync_api import expect

    with reference_runtime.session_factory() as session:
        patient_id = session.scalar(select(m.Patient.id).where(m.Patient.last_name == "GASLY"))
    pack = demo_flu_pack(date.today())  # the server runs on the real clock
    page = new_page(browser)
    page.goto(f"{server}/connexion")
    log_in(page, "PH01")
    page.goto(f"{server}/patients/{patient_id}")
    page.locator("#vacciner").focus()
    page.keyboard.press("Enter")

    scan = page.get_by_label("Scanner la boîte (DataMatrix) ou taper le CIP13, puis Entrée")
    expect(scan).to_be_focused()
    # A DataMatrix without its serial: the server's NMVS (its own var directory) does not hold the demo's pack;
    # the serialised path is tested in tests/integration/vaccination/test_vaccination_nmvs_dp.py.
    page.keyboard.type(pack.typed)
    page.keyboard.press("Enter")
    expect(page.locator("#vaccin-lu")).to_contain_text("VAXIGRIP")
    expect(page.get_by_label("Lot", exact=True)).to_have_value(pack.lot)
    expect(page.get_by_label("Péremption")).to_have_value(pack.expiry.isoformat())
    expect(page.locator("#q_allergy-oui")).to_be_focused()
    for _ in QUESTION_CODES:
        page.keyboard.press("ArrowRight")  # « non »
        page.keyboard.press("Tab")
    page.keyboard.press("Control+Enter")

    expect(page.locator("#consent-erreur")).to_contain_text("consentement du patient est obligatoire")
    expect(page.locator("#q_fever-non")).to_be_checked()
    expect(page.get_by_label("Lot", exact=True)).to_have_value(pack.lot)
    page.screenshot(path=str(ARTIFACTS / "vaccination-consentement.png"), full_page=True)
    page.get_by_label("Le patient, informé, consent à la vaccination").check()
    page.keyboard.press("Control+Enter")

    expect(page.get_by_role("heading", name="Vaccination enregistrée")).to_be_visible()
    expect(page.locator("#statut-dmp")).to_contain_text("identité non qualifiée")
    certificate = page.request.get(server + page.locator("#certificat").get_attribute("href"))
    assert certificate.headers["content-type"] == "application/pdf"
    page.screenshot(path=str(ARTIFACTS / "vaccination-enregistree.png"), full_page=True)
