"""The prescriber's form in a real browser: the patient found by typing (HTMX) and picked with the keyboard,
a line naming several products refused beside itself with the choices, the pick prescribed. Screenshots in
test-artifacts/."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from comptoir.domain.identity.status import IdentityStatus
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.eprescription import IssuedPrescription
from tests.e2e.conftest import ARTIFACTS, log_in, new_page

pytestmark = pytest.mark.browser
HTMX = Path(__file__).resolve().parents[2] / "src/comptoir/web/static/vendor/htmx.min.js"


def patients_of_med1(runtime: Runtime, *names: str) -> None:
    now = runtime.clock()
    with runtime.session_factory.begin() as session:
        for name in names:
            patient = m.Patient(last_name=name, first_name="Jeanne", birth_date=date(1950, 1, 1), sex="F", nir=None,
                                allergies=[], created_at=now, identity_status=IdentityStatus.PROVISIONAL.value,
                                identity_attributes=[], collection_method="SM", document_prompts_left=0)
            session.add(patient)
            session.flush()
            session.add(IssuedPrescription(prescription_id=None, created_at=now, operator_code="MED1",
                                           patient_id=patient.id, patient={}, lines=[], consent=True, recorded=False))


def test_the_doctor_finds_his_patient_by_typing_and_picks_the_product(server: str, browser: Any,
                                                                       reference_runtime: Runtime) -> None:
    from playwright.sync_api import expect

    patients_of_med1(reference_runtime, "BERNARDIN", "BERTRAND", "DURAND")
    page = new_page(browser, 1500, 1000)
    page.goto(f"{server}/prescripteur/nouvelle")
    log_in(page, "MED1")

    search = page.get_by_label("Rechercher parmi vos patients")
    search.press_sequentially("ber", delay=60)
    if not HTMX.is_file():  # without htmx (scripts/setup.sh fetches it), Entrée searches: a plain form
        search.press("Enter")
        search = page.get_by_label("Rechercher parmi vos patients")
    results = page.locator("#patient-results")
    expect(results).to_contain_text("BERTRAND Jeanne")
    expect(results).not_to_contain_text("DURAND")
    search.focus()
    page.keyboard.press("Tab")  # the search button
    page.keyboard.press("Tab")  # the radio group, on its checked option ("Nouveau patient")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("BERTRAND Jeanne")).to_be_checked()

    page.get_by_label("Produit 1", exact=True).fill("doliprane")
    page.get_by_label("Posologie 1", exact=True).fill("1 comprimé 3 fois par jour")
    page.get_by_label("Durée 1", exact=True).fill("5")
    page.get_by_label("Oui").check()
    page.get_by_role("button", name="Enregistrer et imprimer").click()

    expect(page.locator("#text_0-erreur")).to_contain_text("désigne plusieurs médicaments")
    expect(page.get_by_label("BERTRAND Jeanne")).to_be_checked()
    expect(page.get_by_label("Posologie 1", exact=True)).to_have_value("1 comprimé 3 fois par jour")
    page.screenshot(path=str(ARTIFACTS / "prescripteur-choix-du-produit.png"), full_page=True)
    page.get_by_label("DOLIPRANE 1000 mg, comprimé", exact=True).check()
    page.get_by_label("Posologie 1", exact=True).press("Control+Enter")

    expect(page.locator("h1")).to_contain_text("Ordonnance", timeout=20_000)
    expect(page.locator(".meta")).to_contain_text("BERTRAND Jeanne")
    expect(page.locator("ol")).to_contain_text("DOLIPRANE 1000 mg, comprimé")
