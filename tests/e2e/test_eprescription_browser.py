"""The ordonnance numérique circuit in a real browser: the doctor creates an ON, the PDF's QR code is
decoded, the pharmacist scans it and dispenses with one substitution and one partial line, the doctor
(consent yes) sees what was dispensed. Screenshots in test-artifacts/."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from comptoir.reading.barcode_image import decode_barcodes
from comptoir.services import demo
from comptoir.services.runtime import Runtime
from tests.e2e.test_counter_browser import ARTIFACTS, CHROMIUM, wait_until_up
from tests.emulators import free_port

pytestmark = pytest.mark.browser
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture
def server(reference_runtime: Runtime, tmp_path: Path) -> Iterator[str]:
    with reference_runtime.session_factory.begin() as session:
        demo.load_demo(session, now=reference_runtime.clock())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "COMPTOIR_DATABASE_URL": reference_runtime.settings.database_url,
           "COMPTOIR_EPRESCRIPTION_URL": f"{base}/emulateurs/ordonnance-numerique",
           "COMPTOIR_VAR_DIR": str(tmp_path / "var"), "COMPTOIR_OUTBOX_POLL_S": "0.2"}
    command = [str(Path(sys.executable).parent / "comptoir"), "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def log_in(page: Any, code: str) -> None:
    page.get_by_label("Code opérateur").fill(code)
    page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def choose(select: Any, text: str) -> None:
    select.select_option(select.locator("option", has_text=text).first.get_attribute("value"))


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def the_doctor_prescribes(page: Any, server: str) -> str:
    page.goto(f"{server}/prescripteur/nouvelle")
    log_in(page, "MED1")
    choose(page.get_by_label("Patient", exact=True), "GENE Alain")
    page.wait_for_url("**/prescripteur/nouvelle?patient=*")
    rows = [("AMLOR 5 mg, gélule", "1 gélule le matin", "30", "2"),
            ("METFORMINE BIOGARAN 1000 mg", "1 comprimé matin et soir", "90", "0"),
            ("Crème hydratante", "2 fois par jour", "", "0")]
    for n, (product, posology, duration, renewals) in enumerate(rows, start=1):
        page.get_by_label(f"Produit {n}", exact=True).fill(product)
        page.get_by_label(f"Posologie {n}", exact=True).fill(posology)
        page.get_by_label(f"Durée {n}", exact=True).fill(duration)
        page.get_by_label(f"Renouvellements {n}", exact=True).fill(renewals)
    page.get_by_label("Hors ON 3", exact=True).check()
    page.get_by_label("Oui").check()
    shot(page, "on-1-prescripteur-saisie.png")
    page.get_by_role("button", name="Enregistrer et imprimer").click()
    ident = page.locator("#prescription-id").inner_text(timeout=20_000)
    shot(page, "on-2-prescripteur-ordonnance.png")
    return ident


def qr_of_the_pdf(page: Any, server: str, tmp_path: Path) -> str:
    pdf = page.request.get(server + page.locator("#pdf").get_attribute("href"))
    (tmp_path / "on.pdf").write_bytes(pdf.body())
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "on.pdf"),
                    str(ARTIFACTS / "on-3-ordonnance-pdf")], check=True)
    found = decode_barcodes((ARTIFACTS / "on-3-ordonnance-pdf.png").read_bytes(), formats="QRCode")
    assert len(found) == 1
    return found[0]


def the_pharmacist_dispenses(page: Any, server: str, qr: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server}/ordonnance-numerique")
    log_in(page, "PH01")
    choose(page.get_by_label("Patient au comptoir"), "GENE Alain")
    page.locator("#scan").fill(qr)
    page.locator("#scan").press("Enter")
    expect(page.get_by_text("c'est bien le patient de l'ordonnance")).to_be_visible()
    choose(page.get_by_label("Produit ligne 1"), "(générique)")
    boxes = page.get_by_label("Boîtes ligne 2")
    boxes.fill(str(int(boxes.input_value()) - 1))
    shot(page, "on-4-comptoir-delivrance.png")
    page.get_by_role("button", name="Contrôler la délivrance").click()
    control = page.locator("#control")
    expect(control).to_contain_text("substitution générique")
    expect(control).to_contain_text("délivrance partielle")
    shot(page, "on-5-fenetre-de-controle.png")
    page.get_by_role("button", name="Valider la délivrance").click()
    expect(page.get_by_role("status")).to_contain_text("enregistrée")
    shot(page, "on-6-delivrance-enregistree.png")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (scripts/system-deps.sh)")
def test_the_ordonnance_numerique_from_doctor_to_pharmacist_and_back(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        doctor = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="fr-FR").new_page()
        ident = the_doctor_prescribes(doctor, server)
        qr = qr_of_the_pdf(doctor, server, tmp_path)
        assert f'"ID":"{ident}"' in qr

        pharmacist = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="fr-FR").new_page()
        the_pharmacist_dispenses(pharmacist, server, qr)

        deliveries = doctor.locator("#deliveries")
        for _ in range(40):
            doctor.reload()
            if deliveries.count():
                break
            time.sleep(0.25)
        expect(deliveries).to_contain_text("générique")
        expect(deliveries.locator("tr", has_text="METFORMINE")).to_contain_text("oui")
        shot(doctor, "on-7-prescripteur-voit-la-delivrance.png")
        browser.close()
