"""The patient's band in a real browser: the profile edited in place from the keyboard, a refused weight said
beside its field with everything typed kept, then the band again."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from tests.e2e.conftest import ARTIFACTS, log_in, new_page

pytestmark = pytest.mark.browser


def test_a_preparateur_records_a_pregnancy_and_a_weight_in_the_band(server: str, browser: Any,
                                                                     reference_runtime: Runtime) -> None:
    from playwright.sync_api import expect

    with reference_runtime.session_factory() as session:
        patient_id = session.scalar(select(m.Patient.id).where(m.Patient.last_name == "LOISEAU"))
    page = new_page(browser)
    page.goto(f"{server}/connexion")
    log_in(page, "PR01")
    page.goto(f"{server}/patients/{patient_id}")
    band = page.locator(f"#bandeau-{patient_id}")
    expect(band).to_contain_text("Poids non renseigné")

    band.get_by_role("link", name="Modifier le profil de LOISEAU Marina Anne").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Allergies (séparées par des virgules)")).to_be_focused()
    page.get_by_label("Enceinte").check()
    page.get_by_label("Terme aujourd'hui (SA)").fill("23")
    page.get_by_label("Poids (kg)").fill("-5")
    page.get_by_role("button", name="Enregistrer le profil").click()

    weight = page.get_by_label("Poids (kg)")
    expect(page.locator("#profil-weight_kg-erreur")).to_have_text("Poids impossible : plus de 0 kg et 350 kg au plus.")
    expect(weight).to_have_value("-5")
    expect(weight).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Terme aujourd'hui (SA)")).to_have_value("23")
    page.screenshot(path=str(ARTIFACTS / "bandeau-poids-refuse.png"), full_page=True)

    weight.fill("52,5")
    page.get_by_role("button", name="Enregistrer le profil").click()

    expect(band).to_contain_text("enceinte, 23 SA")
    expect(band).to_contain_text("52,5 kg (le ")
    expect(band).to_contain_text("Allergies : amoxicilline")
    page.screenshot(path=str(ARTIFACTS / "bandeau-profil.png"), full_page=True)
