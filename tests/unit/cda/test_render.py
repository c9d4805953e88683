"""Reading CDA documents for a person: the kit's examples and ours, safely."""

from __future__ import annotations

import pytest

from comptoir.cda.dispensation import build_dispensation
from comptoir.cda.render import html_of, pdf_of
from comptoir.cda.report import build_report
from comptoir.cda.vaccination import build_vaccination
from tests.unit.cda import builders as b
from tests.unit.cda.kit import EXAMPLES, missing


@pytest.fixture
def examples() -> dict[str, bytes]:
    if missing():
        pytest.skip(missing())
    return {path.stem: path.read_bytes() for path in EXAMPLES.glob("*.xml")}


def test_the_kits_dispensation_shows_its_patient_author_and_products(examples: dict[str, bytes]) -> None:
    page = html_of(examples["eDISP-MED_2024.01"])

    assert "RUTH ISABELLE DECOURCY" in page
    assert "Pierre DELIVE" in page
    assert "PARACETAMOL VIATRIS 500 mg" in page
    assert "25/12/2024" in page


def test_the_kits_vaccination_and_niveau_1_show_their_patient(examples: dict[str, bytes]) -> None:
    vaccination = html_of(examples["VAC-NOTE_2023.01"])
    report = html_of(examples["DOC_NON_STRUCTURE_CDA-R2-N1"])

    assert "DOMINIQUE MARIE-LOUISE PAT-TROIS" in vaccination
    assert "VACCIN TETANIQUE PASTEUR" in vaccination
    assert "DOMINIQUE MARIE-LOUISE PAT-TROIS" in report
    assert "PDF joint" in report


def test_a_niveau_1_offers_its_pdf_and_a_structured_document_none(examples: dict[str, bytes]) -> None:
    assert (pdf_of(examples["DOC_NON_STRUCTURE_CDA-R2-N1"]) or b"").startswith(b"%PDF")
    assert pdf_of(examples["eDISP-MED_2024.01"]) is None


def test_a_prescription_it_did_not_build_is_shown_section_by_section(examples: dict[str, bytes]) -> None:
    page = html_of(examples["eP-MED-DM_2024.01_PosoStruct"])

    assert "Prescription de médicaments" in page
    assert page.count('<section class="cda-section">') >= 2


def test_our_documents_show_patient_pharmacist_and_products() -> None:
    dispensation = html_of(build_dispensation(b.dispensation(b.line(), b.line(b.DOLIPRANE))))
    vaccination = html_of(build_vaccination(b.vaccination()))
    report = build_report(b.report())

    assert "Anne Claire LEMAIRE (nom de naissance COSTE)" in dispensation
    assert "Thomas FAURE" in dispensation
    assert "BISOPROLOL REF 2,5 mg" in dispensation and "DOLIPRANE 1000 mg" in dispensation
    assert "INFLUVAC TETRA" in vaccination and "K42L07" in vaccination
    assert "Bilan partagé de médication" in html_of(report)
    assert (pdf_of(report) or b"").startswith(b"%PDF")


def test_markup_in_a_name_or_a_note_is_shown_as_text_never_run() -> None:
    hostile = b.patient(last_name="<script>alert('x')</script>")
    line = b.line(note='<img src=x onerror="alert(1)">')

    page = html_of(build_dispensation(b.dispensation(line, patient=hostile)))

    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


def test_narrative_markup_outside_the_safe_tags_keeps_only_its_text() -> None:
    xml = (b'<ClinicalDocument xmlns="urn:hl7-org:v3"><title>Autre</title><component><structuredBody><component>'
           b'<section><title>Inconnue</title><text><paragraph onclick="x()">Bonjour <linkHtml href="javascript:x()">'
           b'ici</linkHtml><script>alert(1)</script><td colspan="2 onmouseover=x">a</td></paragraph></text>'
           b'</section></component></structuredBody></component></ClinicalDocument>')

    page = html_of(xml)

    assert "<p>Bonjour ici" in page
    assert "javascript" not in page and "onclick" not in page and "onmouseover" not in page
    assert "<script" not in page


def test_what_is_not_a_cda_document_is_said_not_raised() -> None:
    assert "illisible" in html_of(b"<not xml")
    assert "illisible" in html_of(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
    assert pdf_of(b"<not xml") is None
