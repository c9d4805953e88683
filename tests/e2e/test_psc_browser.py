"""Pro Santé Connect in the browser: from comptoir's login page to the provider's page and back, logged in."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import ARTIFACTS, new_page


def test_the_titulaire_logs_in_with_her_ecps(server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    page = new_page(browser)
    page.goto(f"{server}/connexion")

    page.get_by_role("button", name="Se connecter avec Pro Santé Connect").click()
    page.get_by_label("Identifiant national (RPPS ou 8 + RPPS)").fill("810003456789")
    page.get_by_role("button", name="Recevoir la demande sur mon téléphone").click()
    expect(page.get_by_text("Ouvrez l'application e-CPS et validez-la.")).to_be_visible()
    page.get_by_role("button", name="J'ai validé sur l'application e-CPS").click()

    operator = page.locator(".operator")
    expect(operator).to_contain_text("Claire Martin")
    expect(operator).to_contain_text("Pharmacien titulaire")
    page.screenshot(path=str(ARTIFACTS / "psc-connexion-e-cps.png"))


def test_logging_out_offers_to_end_the_psc_session(server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    page = new_page(browser)
    page.goto(f"{server}/connexion")
    page.get_by_role("button", name="Se connecter avec Pro Santé Connect").click()
    page.get_by_label("Carte insérée dans le lecteur").select_option("10004567891")
    page.get_by_label("Code PIN (4 chiffres)").fill("1234")
    page.get_by_role("button", name="Valider le code PIN").click()
    expect(page.locator(".operator")).to_contain_text("Pharmacien adjoint")

    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("link", name="Terminer aussi la session Pro Santé Connect").click()

    expect(page.get_by_role("button", name="Se connecter avec Pro Santé Connect")).to_be_visible()
