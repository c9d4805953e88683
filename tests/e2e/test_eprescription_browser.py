"""The ordonnance numérique circuit in a real browser: the doctor creates an ON, the PDF's QR code is
decoded, the pharmacist scans it and dispenses with one substitution and one partial line, the doctor
(consent yes) sees what was dispensed. Screenshots in test-artifacts/."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from comptoir.reading.barcode_image import decode_barcodes
from tests.e2e.conftest import ARTIFACTS, log_in, new_page

pytestmark = pytest.mark.browser




def choose(select: Any, text: str) -> None:
    select.select_option(select.locator("option", has_text=text).first.get_attribute("value"))


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def the_doctor_prescribes(page: Any, server: str) -> str:
    page.goto(f"{server}/prescripteur/nouvelle")
    log_in(page, "MED1")
    # The doctor never sees the pharmacy's records: he types his new patient's identity.
    page.get_by_label("Nom", exact=True).fill("GENE")
    page.get_by_label("Prénom", exact=True).fill("Alain")
    page.get_by_label("Né(e) le", exact=True).fill("1966-02-23")
    page.get_by_label("Sexe", exact=True).select_option("M")
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


def test_the_ordonnance_numerique_from_doctor_to_pharmacist_and_back(server: str, browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    doctor = new_page(browser, 1500, 1000)
    ident = the_doctor_prescribes(doctor, server)
    qr = qr_of_the_pdf(doctor, server, tmp_path)
    assert f'"ID":"{ident}"' in qr

    pharmacist = new_page(browser, 1500, 1000)
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
