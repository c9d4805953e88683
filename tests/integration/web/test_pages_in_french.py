"""The pages as the counter reads them, filled with the demo pharmacy's life (an ON prescribed, scanned,
dispensed and waiting in the outbox, the deferred check run, a pair of look-alike patients, an analysis
with its intervention, the audit trail): no internal code nor field name shows as text, and numbers are
written the French way. The patient pages (patient*.html, _patient_*) belong to the identity work and are
left out, as is the JSON API (its codes are its contract)."""

from __future__ import annotations

import re
import shutil
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from comptoir.analysis.reference import AnalysisReference
from comptoir.devtools.demo_dispensations import load_demo_dispensations
from comptoir.devtools.paper_prescriptions.generator import generate_pages, load_posology_samples
from comptoir.refdata.search import DrugIndex
from comptoir.services.analysis.deferred_check import check_period
from comptoir.services.platform.runtime import Runtime
from comptoir.web.labels import TABLES
from tests.integration.eprescription.test_circuit import log_in, patient_id, prescribe, world  # noqa: F401

FRENCH_WORDS_TOO = {"interaction", "dose", "identitovigilance", "patient", "session", "dispensation", "allergies",
                    "G", "E", "EC", "BC", "TE"}
"""Codes that are also French words (or one or two capitals that drug names hold): not looked for as codes."""
CODES = {code for table in TABLES.values() for code in table} - FRENCH_WORDS_TOO
ENGLISH_NUMBER = re.compile(r"\d\.\d+\s*(?:%|kg|s\b|ml|€)|\d%")
CORPUS = Path(__file__).resolve().parents[2] / "data" / "posology_corpus.jsonl"


def visible_text(html: str) -> str:
    """What a reader sees: no script or style, no tags (their attributes with them), entities decoded."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return unescape(re.sub(r"<[^>]*>", " ", html))


def codes_on_screen(html: str) -> set[str]:
    return set(re.findall(r"[\w.]*\w", visible_text(html))) & CODES


def the_life_of_the_pharmacy(client: TestClient, runtime: Runtime, reference: AnalysisReference,
                             drug_index: DrugIndex, tmp_path: Path) -> dict[str, str]:
    """The pages, each as its HTML, after the acts that fill them."""
    pharmacist, doctor = log_in(client, "PH01"), log_in(client, "MED1")
    pages: dict[str, str] = {}
    issued = prescribe(client, runtime)
    gene = str(patient_id(runtime, "GENE"))
    scanned = client.post("/ordonnance-numerique", data={"code": issued["prescription_id"], "patient_id": gene},
                          headers=pharmacist, follow_redirects=False)
    pages["ON au comptoir"] = client.get(scanned.headers["location"], headers=pharmacist).text
    choice = {"patient_id": gene, "renewal": "0", "cip13_1": _selected(pages["ON au comptoir"], 1),
              "quantity_1": "1"}
    ident = issued["prescription_id"]
    pages["fenêtre de contrôle"] = client.post(f"/ordonnance-numerique/{ident}/controle", data=choice,
                                                headers=pharmacist).text
    pages["délivrance enregistrée"] = client.post(f"/ordonnance-numerique/{ident}/delivrer", data=choice,
                                                   headers=pharmacist).text
    with runtime.session_factory.begin() as session:
        load_demo_dispensations(session)
    with runtime.unit_of_work() as uow:
        check_period(date(2025, 1, 1), uow=uow, reference=reference, until=runtime.clock().date())
    client.post("/identitovigilance/detecter", headers=pharmacist)
    analysed = client.post("/analyse", headers=pharmacist, data={
        "drug_0": "ATARAX 25 mg", "posology_0": "1 cp le soir", "drug_1": "ESCITALOPRAM 20 mg",
        "posology_1": "1 cp/j", "weight_kg": "52,5", "birth_date": "1969-03-20"})
    pages["analyse"] = analysed.text
    pages["intervention enregistrée"] = client.post("/analyse/decision", headers=pharmacist, data={
        "kind": "interaction", "level": "CI", "message": "test", "drugs": "ATARAX 25 mg", "substances": "hydroxyzine",
        "decision": "intervention", "problem": "6.4", "intervention": "2"}).text
    for name, path in [("accueil", "/"), ("recherche", "/medicaments?q=doliprane+1000"),
                       ("fiche produit", "/medicaments/60234100"), ("scan ON", "/ordonnance-numerique"),
                       ("tableau des ON", "/ordonnances-numeriques"), ("envois", "/envois"),
                       ("contrôle à revoir", "/controle?file=a_revoir"),
                       ("contrôle à contrôler", "/controle?file=a_controler"),
                       ("contrôle contrôlées", "/controle?file=controlee"),
                       ("identitovigilance", "/identitovigilance"), ("vitale", "/vitale?carte=dark"),
                       ("lecture papier", "/ordonnances/lecture")]:
        pages[name] = client.get(path, headers=pharmacist).text
    review = re.search(r'href="(/identitovigilance/\d+)"', pages["identitovigilance"])
    if review:
        pages["revue d'identité"] = client.get(review.group(1), headers=pharmacist).text
    for name, path in [("prescripteur", "/prescripteur"), ("nouvelle ON", "/prescripteur/nouvelle"),
                       ("ON du prescripteur", f"/prescripteur/ordonnances/{issued['id']}")]:
        pages[name] = client.get(path, headers=doctor).text
    if shutil.which("tesseract"):
        scan = generate_pages(tmp_path, records=drug_index.records, samples=load_posology_samples(CORPUS), count=1,
                              seed=8, noise="mild")[0]
        pages["ordonnance papier lue"] = client.post("/ordonnances/lecture", headers=pharmacist, files={
            "file": (scan.name, scan.read_bytes(), "image/jpeg")}).text
    pages["journal d'audit"] = client.get("/journal", headers=pharmacist).text
    return pages


def _selected(html: str, line: int) -> str:
    block = html.split(f'name="cip13_{line}"')[1].split("</select>")[0]
    return block.split(" selected")[0].rsplit('value="', 1)[1].split('"')[0]


def test_no_page_shows_an_internal_code_or_a_field_name_and_numbers_are_french(
        world: tuple[TestClient, Runtime, str], analysis_reference: AnalysisReference,  # noqa: F811
        drug_index: DrugIndex, tmp_path: Path) -> None:
    client, runtime, _ = world

    pages = the_life_of_the_pharmacy(client, runtime, analysis_reference, drug_index, tmp_path)

    found = {name: sorted(codes_on_screen(html)) for name, html in pages.items() if codes_on_screen(html)}
    english = {name: ENGLISH_NUMBER.findall(visible_text(html)) for name, html in pages.items()
               if ENGLISH_NUMBER.search(visible_text(html))}
    assert not found, found
    assert not english, english
    assert "Ordonnance numérique : exécution" in visible_text(pages["envois"])
    assert re.search(r"Thésaurus relié à la BDPM : \d+,\d %", visible_text(pages["accueil"]))
    assert "Contre-indication" in visible_text(pages["contrôle à revoir"])


def test_the_filters_fail_on_an_english_page() -> None:
    assert codes_on_screen('<p class="status-PROV">PROV</p><td title="egfr">egfr</td><td>on.execution</td>') == {
        "PROV", "egfr", "on.execution"}
    assert codes_on_screen('<p class="status-PROV" data-x="weight_kg">Identité provisoire</p>') == set()
    assert ENGLISH_NUMBER.findall("88.1 % · 52.5 kg · 88%") == ["8.1 %", "2.5 kg", "8%"]


@pytest.mark.parametrize(("typed", "shown"), [("abc", "Poids (kg) : nombre attendu."),
                                               ("52,5", None)])
def test_the_analysis_page_reads_a_french_weight_and_names_a_wrong_one_as_its_form_does(
        world: tuple[TestClient, Runtime, str], typed: str, shown: str | None) -> None:  # noqa: F811
    client, _, _ = world

    page = client.post("/analyse", headers=log_in(client, "PH01"),
                       data={"drug_0": "DOLIPRANE 1000 mg", "posology_0": "1 cp/8h", "weight_kg": typed})

    assert ("weight_kg" not in visible_text(page.text)) and 'value="1 cp/8h"' in page.text
    if shown:
        assert page.status_code == 422 and shown in visible_text(page.text) and f'value="{typed}"' in page.text
    else:
        assert page.status_code == 200 and "alerte(s)" in page.text
