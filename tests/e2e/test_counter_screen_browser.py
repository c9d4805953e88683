"""The one counter screen (/comptoir) in a real browser at 1280×1024, driven by the keyboard and by what a
scanner types, never by the mouse: the three journeys of issue 11. Each checks that the screen is whole
(no horizontal scroll) and that the alerts are in sight. Screenshots in test-artifacts/."""

from __future__ import annotations

import io
import random
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from comptoir.devtools import demo
from comptoir.devtools.paper_prescriptions import drawing
from comptoir.devtools.paper_prescriptions.generator import rpps_number
from comptoir.devtools.paper_prescriptions.truth import PageTruth, Patient, Prescriber, TruthLine
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation, DispensedLine
from tests.e2e.conftest import ARTIFACTS, log_in

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1280, 1024


# --- the keyboard at the counter ------------------------------------------------------------------------


def counter(browser: Any, server: str, code: str) -> Any:
    page = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="fr-FR").new_page()
    page.goto(f"{server}/comptoir")
    log_in(page, code)
    page.wait_for_url(re.compile(r"/comptoir/\d+"))
    assert focused(page) == "scan"
    return page


def focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement ? document.activeElement.id : ''"))


def tab_to(page: Any, selector: str, *, limit: int = 90) -> None:
    """Tab until `selector` has the focus: it is reachable from the keyboard, in the tab order."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} jamais atteint au clavier")


def whole_at_1280(page: Any, shot: str) -> None:
    from playwright.sync_api import expect

    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    expect(page.locator("#alerts")).to_be_in_viewport()
    page.screenshot(path=str(ARTIFACTS / shot))


def choose_patient(page: Any, name: str) -> None:
    from playwright.sync_api import expect

    page.wait_for_load_state()
    for _ in range(20):  # right after a validation the screen may still be swapping in the next basket
        page.keyboard.press("F4")
        if focused(page) == "patient-search":
            break
        page.wait_for_timeout(250)
    assert focused(page) == "patient-search"
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    expect(page.locator("#patient-results button").first).to_contain_text(name)
    # One Tab from the search reaches the first patient found ("Chercher" is Enter's).
    page.keyboard.press("Tab")
    expect(page.locator("#patient-results button").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#patient-band .band-name")).to_contain_text(name)


def scan(page: Any, text: str) -> None:
    """What a USB scanner does: types the code into the focused box, then Enter. "/" brings the focus back to
    the box from anywhere but a field."""
    if focused(page) != "scan":
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.keyboard.press("/")
    assert focused(page) == "scan"
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def decide(page: Any, field: str, text: str) -> None:
    """The open decision of the first alert that needs one: its comment (intervention) or reason (override)."""
    tab_to(page, f'#alerts details[open] input[aria-label="{field}"]')
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def control(page: Any) -> Any:
    from playwright.sync_api import expect

    page.keyboard.press("Control+Enter")
    window = page.locator("#control-dialog")
    expect(window).to_be_visible()
    return window


def validate(page: Any) -> Any:
    from playwright.sync_api import expect

    window = control(page)
    expect(window.get_by_role("button", name="Valider la délivrance")).to_be_focused()
    page.keyboard.press("Control+Enter")
    done = page.locator("#done")
    expect(done).to_contain_text("enregistrée")
    assert focused(page) == "scan"
    return done


# --- journey (a): a paper prescription with a contraindication ------------------------------------------


def paper_prescription(today: date) -> bytes:
    """A clean page (devtools/paper_prescriptions) with clarithromycin and simvastatin: a contraindication
    (ANSM thesaurus)."""
    rng = random.Random(11)
    lines = tuple(TruthLine(drug=drug, posology="1 comprimé matin et soir pendant 7 jours", cis="", name="",
                            substances=(), strength="", written_as="dci", expected_posology={})
                  for drug in ("CLARITHROMYCINE 500 mg cp", "SIMVASTATINE 20 mg cp"))
    truth = PageTruth(prescriber=Prescriber("Dr Jean MARTIN", "Médecine générale", rpps_number(rng), "751234567",
                                            "12 rue Pasteur 75011 Paris", "01 43 00 00 00"),
                      patient=Patient("Mme", "LOISEAU", "Marina", "1980-01-21", None),
                      date=(today - timedelta(days=1)).isoformat(), lines=lines, advice=(), chronic_zones=False)
    image = drawing.draw_page(truth, drawing.pick_style(rng), rng)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def the_preparer_reads_the_paper_and_hands_it_over(browser: Any, server: str, scan_file: Any) -> None:
    from playwright.sync_api import expect

    preparer = counter(browser, server, "PR01")
    choose_patient(preparer, "LOISEAU")
    preparer.keyboard.press("F6")
    assert focused(preparer) == "paper-file"
    preparer.locator("#paper-file").set_input_files(str(scan_file))  # the file chooser's answer
    expect(preparer.locator("#paper-drug-2")).to_have_value(re.compile("SIMVASTATINE"), timeout=60_000)
    expect(preparer.locator("#paper-rpps")).not_to_have_value("")
    preparer.screenshot(path=str(ARTIFACTS / "comptoir-a1-lecture-papier.png"))
    preparer.keyboard.press("Control+Enter")

    alerts = preparer.locator("#alerts")
    expect(preparer.locator("#paper-dialog")).to_be_hidden()
    expect(preparer.locator("#basket tbody tr")).to_have_count(2)
    expect(alerts.locator("article").first).to_contain_text("Contre-indication")
    expect(alerts.locator("article").first).to_contain_text("CLARITHROMYCINE")
    assert not re.search(r"\b\d{13}\b", alerts.inner_text())
    expect(alerts).not_to_contain_text("Passer outre")
    whole_at_1280(preparer, "comptoir-a2-contre-indication.png")
    window = control(preparer)
    expect(window).to_contain_text("Validation impossible")
    expect(window.get_by_role("button", name="Valider la délivrance")).to_have_count(0)
    expect(window.get_by_role("button", name="Transmettre au pharmacien")).to_be_focused()
    preparer.keyboard.press("Control+Enter")
    expect(preparer.get_by_role("status")).to_contain_text("Panier transmis au pharmacien")


def test_a_paper_prescription_with_a_contraindication_waits_for_a_pharmacist(server: str, browser: Any,
                                                                              tmp_path: Any) -> None:
    from playwright.sync_api import expect

    scan_file = tmp_path / "ordonnance.png"
    scan_file.write_bytes(paper_prescription(datetime.now(UTC).date()))
    the_preparer_reads_the_paper_and_hands_it_over(browser, server, scan_file)

    pharmacist = counter(browser, server, "PH01")
    expect(pharmacist.locator("#waiting .count")).to_have_text("1")
    tab_to(pharmacist, "#waiting button")
    pharmacist.keyboard.press("Enter")
    expect(pharmacist.locator("#patient-band .band-name")).to_contain_text("LOISEAU")
    expect(control(pharmacist)).to_contain_text("Décision d'un pharmacien requise")
    pharmacist.keyboard.press("Escape")
    expect(pharmacist.locator("#control-dialog")).to_be_hidden()
    # An override without its reason is refused: the focus stays in the field in error, not the scan box.
    decide(pharmacist, "Passer outre : raison", "")
    expect(pharmacist.locator('#alerts input[aria-label="Passer outre : raison"]').first).to_be_focused()
    decide(pharmacist, "Intervention : commentaire", "Appel au Dr Martin : simvastatine suspendue 7 jours")
    expect(pharmacist.locator("#alerts article").first).to_contain_text("Intervention pharmaceutique")
    whole_at_1280(pharmacist, "comptoir-a3-decision.png")
    done = validate(pharmacist)

    avis = done.get_by_role("link", name="Imprimer l'avis pharmaceutique")
    expect(avis).to_have_attribute("href", re.compile(r"^/delivrances/\d+/avis\.pdf$"))
    assert pharmacist.request.get(server + avis.get_attribute("href")).headers["content-type"] == "application/pdf"
    scanned = pharmacist.request.get(server + done.get_by_role("link", name="Ordonnance scannée").get_attribute("href"))
    assert scanned.headers["content-type"] == "image/png"
    expect(pharmacist.locator("#basket")).to_contain_text("Panier vide")
    whole_at_1280(pharmacist, "comptoir-a4-valide.png")


# --- journey (b): an ON renewal that comes too early, and a generic substitution ------------------------


def prescribed_on(server: str) -> str:
    """The demo doctor prescribes through the API (the ON base emulator records it); the QR code's payload."""
    with httpx.Client(base_url=server, timeout=30) as client:
        token = client.post("/api/session", json={"code": "MED1", "password": demo.DEMO_PASSWORD}).json()["token"]
        created = client.post("/api/prescriptions", headers={"Authorization": f"Bearer {token}"}, json={
            "patient": {"last_name": "GENE", "first_name": "Alain", "birth_date": "1966-02-23", "sex": "M"},
            "consent": True,
            "lines": [{"text": "AMLOR 5 mg, gélule", "posology": "1 gélule le matin", "duration_days": 30,
                       "renewals": 2}]}).json()
    assert created["recorded"], created
    return str(created["qr_payload"])


def test_an_on_renewal_too_early_is_refused_with_its_date_then_a_generic_is_given(server: str,
                                                                                   browser: Any) -> None:
    from playwright.sync_api import expect

    qr = prescribed_on(server)
    page = counter(browser, server, "PH01")
    choose_patient(page, "GENE")
    scan(page, qr)
    expect(page.locator("#prescription")).to_contain_text("délivrance initiale")
    validate(page)

    choose_patient(page, "GENE")
    scan(page, qr)
    today = datetime.now(UTC).date().strftime("%d/%m/%Y")
    expect(page.locator("#prescription")).to_contain_text("renouvellement n° 1")
    expect(page.locator("#alerts")).to_contain_text(f"délivré le {today}")
    whole_at_1280(page, "comptoir-b1-renouvellement-trop-tot.png")
    window = control(page)
    expect(window).to_contain_text("Validation impossible")
    expect(window.get_by_role("button", name="Valider la délivrance")).to_have_count(0)
    page.keyboard.press("Escape")

    tab_to(page, "#substitute-1")
    page.keyboard.press("Space")
    row = page.locator("#row-1")
    expect(row.locator("strong")).not_to_contain_text("AMLOR")
    expect(row.locator("strong")).to_contain_text("AMLODIPINE")
    expect(page.locator("#substitute-1")).to_be_checked()
    assert focused(page) == "substitute-1"
    expect(control(page)).to_contain_text("Substitution générique")
    whole_at_1280(page, "comptoir-b2-substitution.png")


# --- journey (c): a sale without prescription that meets the history -------------------------------------


def given_sintrom(runtime: Runtime, last_name: str) -> None:
    """The patient's history in this pharmacy: SINTROM three weeks ago."""
    with runtime.session_factory.begin() as session:
        patient_id = session.scalar(select(m.Patient.id).where(m.Patient.last_name == last_name))
        row = Dispensation(dispensed_at=datetime.now(UTC) - timedelta(days=21), patient_id=patient_id,
                           operator_code="PH01", workstation="poste-1")
        session.add(row)
        session.flush()
        session.add(DispensedLine(dispensation_id=row.id, position=0, drug="SINTROM 4 mg", posology="selon INR",
                                  duration_days=30))


def test_a_sale_without_prescription_meets_the_patients_history(server: str, browser: Any,
                                                                reference_runtime: Runtime) -> None:
    from playwright.sync_api import expect

    given_sintrom(reference_runtime, "GASLY")
    page = counter(browser, server, "PH01")
    choose_patient(page, "GASLY")
    expect(page.locator("#patient-history")).to_contain_text("SINTROM 4 mg")
    tab_to(page, 'button[name="kind"][value="sans_ordonnance"]')
    page.keyboard.press("Enter")
    expect(page.locator('button[name="kind"][value="sans_ordonnance"]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#patient-band .band-name")).to_contain_text("GASLY")

    scan(page, "nurofen 200")
    expect(page.locator(".candidates button").first).to_contain_text("NUROFEN 200 mg")
    tab_to(page, ".candidates button")
    page.keyboard.press("Enter")
    alert = page.locator("#alerts article").first
    expect(alert).to_contain_text("Association déconseillée")
    expect(alert).to_contain_text("SINTROM")
    whole_at_1280(page, "comptoir-c1-interaction-historique.png")
    tab_to(page, "#posology-1")
    page.keyboard.type("1 cp/6 h si douleur, 2 jours au plus")
    # The posology's change re-renders the work area: typed before that answer lands, the reason would be lost.
    with page.expect_response(lambda answer: "/lignes/1" in answer.url):
        page.keyboard.press("Tab")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#posology-1")).to_have_value("1 cp/6 h si douleur, 2 jours au plus")
    decide(page, "Passer outre : raison", "Prise unique ce soir, INR contrôlé jeudi, patient prévenu")
    expect(alert).to_contain_text("Délivrance maintenue")
    validate(page)

    expect(page.locator("#basket")).to_contain_text("Panier vide")
    whole_at_1280(page, "comptoir-c2-valide.png")


# --- the band: the profile edited in place, and the basket analysed again --------------------------------

METFORMINE = "3400930118801"
"""METFORMINE BIOGARAN 1000 mg: contraindicated under an eGFR of 30 ml/min (RCP)."""


def test_the_profile_typed_in_the_band_is_checked_and_the_basket_analysed_again(server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    page = counter(browser, server, "PH01")
    choose_patient(page, "BOCRIE")
    scan(page, METFORMINE)
    expect(page.locator("#basket tbody tr")).to_have_count(1)
    expect(page.locator("#alerts")).not_to_contain_text("Fonction rénale")

    tab_to(page, "#patient-band .band-edit")
    page.keyboard.press("Enter")
    expect(page.locator("#profil-allergies")).to_be_focused()
    tab_to(page, "#profil-weight_kg")
    page.keyboard.type("cinquante")
    tab_to(page, "#profil-egfr")
    page.keyboard.type("22,5")
    page.keyboard.press("Enter")
    expect(page.locator("#profil-weight_kg")).to_have_value("cinquante")
    expect(page.locator("#patient-band")).to_contain_text("Poids : un nombre")
    expect(page.locator("#alerts")).not_to_contain_text("Fonction rénale")
    tab_to(page, "#profil-weight_kg")
    page.keyboard.press("Control+A")
    page.keyboard.type("72,5")
    page.keyboard.press("Enter")

    expect(page.locator("#patient-band")).to_contain_text("72,5 kg")
    expect(page.locator("#alerts article").first).to_contain_text("Fonction rénale")
    whole_at_1280(page, "comptoir-d1-profil-dans-le-bandeau.png")
