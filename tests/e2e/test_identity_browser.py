"""A patient's identity qualified in a real browser: Vitale read (F5), INSi, document, "qualifiée"."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from comptoir.services import demo
from comptoir.services.runtime import Runtime
from tests.e2e.test_counter_browser import ARTIFACTS, CHROMIUM, wait_until_up
from tests.emulators import free_port

pytestmark = pytest.mark.browser


@pytest.fixture
def server(reference_runtime: Runtime, tmp_path: Path) -> Iterator[str]:
    with reference_runtime.session_factory.begin() as session:
        demo.load_demo(session, now=reference_runtime.clock())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "COMPTOIR_DATABASE_URL": reference_runtime.settings.database_url,
           "COMPTOIR_INSI_URL": f"{base}/emulateurs/insi", "COMPTOIR_VAR_DIR": str(tmp_path / "var")}
    command = [str(Path(sys.executable).parent / "comptoir"), "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (scripts/system-deps.sh)")
def test_a_preparateur_qualifies_a_patient_from_a_vitale_read(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        page.goto(f"{server}/connexion")
        page.get_by_label("Code opérateur").fill("PR01")
        page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_text("Julie Robert · Préparateur en pharmacie")).to_be_visible()

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
        browser.close()

    assert (ARTIFACTS / "ins-qualifiee.png").stat().st_size > 10_000
