"""A patient's identity qualified in a real browser: Vitale read (F5), INSi, document, "qualifiée"."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, log_in, new_page

pytestmark = pytest.mark.browser




def test_a_preparateur_qualifies_a_patient_from_a_vitale_read(server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, 1400, 1000)
    page.goto(f"{server}/connexion")
    log_in(page, "PR01")
    expect(page.locator(".who .operator")).to_contain_text("Julie RobertPréparateur en pharmacie")

    page.keyboard.press("F5")
    expect(page.get_by_role("heading", name="Lecture de la carte Vitale")).to_be_visible()
    page.get_by_label("Carte dans le lecteur (émulé)").select_option("dark")
    page.get_by_role("button", name="Lire").click()
    page.get_by_role("button", name="Identifier et interroger l'INSi").click()

    expect(page.get_by_role("heading", name="Réponse du téléservice INSi")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "ins-reponse-insi.png"), full_page=True)
    page.get_by_role("button", name="C'est bien le patient : reprendre l'identité INSi").click()
    expect(page.locator("#statut")).to_have_text("Identité récupérée")

    page.get_by_label("Pièce présentée").select_option("CN")
    page.get_by_role("button", name="Pièce vérifiée, conforme").click()
    expect(page.locator("#statut")).to_have_text("Identité qualifiée")
    expect(page.get_by_text("INS qualifié : il peut alimenter le DMP")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "ins-qualifiee.png"), full_page=True)

    assert (ARTIFACTS / "ins-qualifiee.png").stat().st_size > 10_000
