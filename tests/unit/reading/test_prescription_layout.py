"""Sorting a prescription's OCR lines into prescriber, patient, date, prescribed lines and advice."""

from __future__ import annotations

from comptoir.reading.ocr import Box, OcrLine, OcrWord
from comptoir.reading.prescription_layout import found_date, lay_out

KNOWN_DRUGS = ("DOLIPRANE", "AMOXICILLINE", "KARDEGIC")


def names_drug(designation: str, _confidence: float) -> bool:
    return any(name in designation.upper() for name in KNOWN_DRUGS)


def page(*texts: str) -> list[OcrLine]:
    lines = []
    for row, text in enumerate(texts):
        words, left = [], 100
        for word in text.split():
            words.append(OcrWord(word, 0.95, Box(left, 60 * row, 18 * len(word), 30)))
            left += 18 * len(word) + 12
        lines.append(OcrLine(tuple(words), 1))
    return lines


PRESCRIPTION = page(
    "Dr Jean MARTIN",
    "Médecine générale",
    "RPPS : 10001234565",
    "N° AM : 75 1 12345 6",
    "12 rue Pasteur 75011 Paris",
    "Tél. : 01 23 45 67 89",
    "Paris, le 12 février 2026",
    "Mme Sophie DUBOIS, née le 03/04/1950",
    "Poids : 62 kg",
    "Prescriptions relatives au traitement de l'affection de longue durée",
    "1. DOLIPRANE 1000 mg cp",
    "1 cp 3 fois par jour si douleur",
    "pendant 5 jours",
    "2. AMOXICILLINE 1 g : 1 cp matin et soir pendant 6 jours",
    "KARDEGIC 75 mg sachet",
    "1 sachet par jour",
    "Conseils : boire au moins 1,5 L d'eau par jour",
    "Hors ordonnance numérique : bas de contention",
    "Signature",
)


def test_it_reads_the_prescriber_block() -> None:
    prescriber = lay_out(PRESCRIPTION, names_drug=names_drug).prescriber

    assert prescriber.name == "Dr Jean MARTIN"
    assert prescriber.rpps == "10001234565" and prescriber.rpps_valid is True
    assert prescriber.am == "751123456"


def test_it_reads_the_patient_and_the_date_of_the_prescription_not_the_birth_date() -> None:
    layout = lay_out(PRESCRIPTION, names_drug=names_drug)

    assert layout.patient.name == "Sophie DUBOIS"
    assert layout.patient.birth_date == "1950-04-03"
    assert layout.patient.weight_kg == 62
    assert layout.date == "2026-02-12"


def test_each_line_keeps_the_posology_written_below_it() -> None:
    items = lay_out(PRESCRIPTION, names_drug=names_drug).items

    assert [item.text for item in items] == ["1. DOLIPRANE 1000 mg cp",
                                            "2. AMOXICILLINE 1 g : 1 cp matin et soir pendant 6 jours",
                                            "KARDEGIC 75 mg sachet"]
    assert items[0].posology == "1 cp 3 fois par jour si douleur pendant 5 jours"
    assert items[2].posology == "1 sachet par jour"


def test_advice_and_lines_outside_the_e_prescription_are_kept_apart() -> None:
    layout = lay_out(PRESCRIPTION, names_drug=names_drug)

    assert layout.advice == ["Conseils : boire au moins 1,5 L d'eau par jour",
                             "Hors ordonnance numérique : bas de contention"]
    assert all("Conseil" not in item.text and "contention" not in item.posology for item in layout.items)


def test_the_ald_heading_the_phone_and_the_signature_are_no_prescription_lines() -> None:
    layout = lay_out(PRESCRIPTION, names_drug=names_drug)

    assert not any("affection" in item.text or "Signature" in item.posology for item in layout.items)
    assert any("affection" in text for text in layout.other)


def test_a_wrong_rpps_key_is_reported_not_hidden() -> None:
    layout = lay_out(page("Dr Jean MARTIN", "RPPS 10001234566"), names_drug=names_drug)

    assert layout.prescriber.rpps == "10001234566"
    assert layout.prescriber.rpps_valid is False


def test_a_finess_number_is_read_for_a_hospital_prescription() -> None:
    layout = lay_out(page("Centre hospitalier", "FINESS : 750 712 184", "Dr Anne PETIT"), names_drug=names_drug)

    assert layout.prescriber.finess == "750712184"


def test_a_child_s_age_and_weight_are_read() -> None:
    layout = lay_out(page("Enfant Léa MARTIN (5 ans)", "Poids : 18,5 kg"), names_drug=names_drug)

    assert layout.patient.name == "Léa MARTIN"
    assert layout.patient.age_years == 5
    assert layout.patient.weight_kg == 18.5


def test_a_page_without_prescription_lines_has_no_items() -> None:
    layout = lay_out(page("Compte rendu de consultation", "Le patient va bien."), names_drug=names_drug)

    assert layout.items == []


def test_dates_are_read_in_the_ways_prescribers_write_them() -> None:
    assert found_date("Le 18.12.2025") == "2025-12-18"
    assert found_date("Lyon, le 1er mars 2026") == "2026-03-01"
    assert found_date("le 05/01/26") == "2026-01-05"
    assert found_date("Tél. 01.99.34.12.30") is None


BIZONE = page(
    "Dr Jean MARTIN",
    "Prescriptions relatives au traitement de l'affection de longue durée reconnue (liste ou",
    "hors liste)",
    "1. KARDEGIC 75 mg sachet : 1 sachet par jour",
    "2. DOLIPRANE 1000 mg cp : 1 cp 3 fois par jour",
    "Prescriptions SANS RAPPORT avec l'affection de longue durée (maladies",
    "intercurrentes)",
    "3. AMOXICILLINE 1 g : 1 cp matin et soir pendant 6 jours",
)


def test_the_lines_of_the_ald_zone_are_marked_and_the_others_not() -> None:
    items = lay_out(BIZONE, names_drug=names_drug).items

    assert [(item.text.split()[1], item.ald) for item in items] == [("KARDEGIC", True), ("DOLIPRANE", True),
                                                                    ("AMOXICILLINE", False)]


def test_a_prescription_without_zones_has_no_ald_line() -> None:
    assert not any(item.ald for item in lay_out(page("1. KARDEGIC 75 mg sachet"), names_drug=names_drug).items)


def test_a_header_field_keeps_the_confidence_of_its_least_sure_word() -> None:
    lines = page("Dr Jean MARTIN", "RPPS : 10001234565")
    blurred = OcrLine(tuple(OcrWord(w.text, 0.4 if w.text[0].isdigit() else 0.95, w.box) for w in lines[1].words), 1)

    layout = lay_out([lines[0], blurred], names_drug=names_drug)

    assert layout.field_confidence["prescriber.rpps"] == 0.4
    assert layout.field_confidence["prescriber.name"] == 0.95
