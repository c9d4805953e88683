"""Matching a prescription line read by the OCR to the drug reference, and cutting it into product and posology."""

from __future__ import annotations

import pytest

from comptoir.reading.line_matcher import LineMatcher, repair, split_line, strength_signature, strip_marker
from comptoir.refdata.search import DrugIndex, DrugRecord


def record(cis: str, name: str, *substances: str, strengths: tuple[float, ...] = ()) -> DrugRecord:
    return DrugRecord(cis=cis, name=name, substances=substances, cip13=(f"34009{cis}",), cip7=(), marketed=True,
                      strengths_mg=strengths)


REFERENCE = [
    record("60234100", "DOLIPRANE 1000 mg, comprimé", "paracétamol", strengths=(1000.0,)),
    record("63368332", "DOLIPRANE 500 mg, comprimé", "paracétamol", strengths=(500.0,)),
    record("66567738", "DOLIPRANE 1000 mg, comprimé effervescent sécable", "paracétamol", strengths=(1000.0,)),
    record("61000001", "PARACETAMOL BIOGARAN 1 g, comprimé", "paracétamol", strengths=(1000.0,)),
    record("61000002", "VALSARTAN ARROW 160 mg, comprimé pelliculé", "valsartan", strengths=(160.0,)),
    record("61000003", "AMLODIPINE/VALSARTAN ARROW 10 mg/160 mg, comprimé pelliculé", "amlodipine", "valsartan",
           strengths=(10.0, 160.0)),
    record("61000004", "AMOXICILLINE SANDOZ 500 mg, gélule", "amoxicilline", strengths=(500.0,)),
    record("61000005", "AMOXICILLINE SANDOZ 1 g, comprimé dispersible", "amoxicilline", strengths=(1000.0,)),
    record("61000006", "KARDEGIC 75 mg, poudre pour solution buvable en sachet", "acétylsalicylate de lysine",
           strengths=(75.0,)),
    record("61000007", "TRAMADOL EVOLUGEN L.P. 100 mg, comprimé à libération prolongée", "tramadol",
           strengths=(100.0,)),
]


@pytest.fixture(scope="module")
def matcher() -> LineMatcher:
    return LineMatcher(DrugIndex(REFERENCE))


@pytest.mark.parametrize(("read", "meant"), [
    ("D0LIPRANE 1OOO rng", "DOLIPRANE 1000 mg"),
    ("AMOXICILLINE l g", "AMOXICILLINE 1 g"),
    ("qsp 15)", "qsp 15j"),
    ("1 cp/)", "1 cp/j"),
    ("i cppar jour", "1 cp par jour"),
    ("pendant S jours", "pendant 5 jours"),
    ("Tramadol evolugen 1.p. 100 mg", "Tramadol evolugen LP 100 mg"),
    ("15 m1! 3 fois par jour", "15 ml 3 fois par jour"),
])
def test_it_undoes_the_usual_ocr_confusions(read: str, meant: str) -> None:
    assert repair(read) == meant


def test_a_numbered_line_keeps_its_bracket_and_a_bracket_in_parentheses_stays() -> None:
    assert repair("1) DOLIPRANE 1000 mg (cp)") == "1) DOLIPRANE 1000 mg (cp)"


@pytest.mark.parametrize(("line", "designation", "posology"), [
    ("KARDEGIC 75 mg sachet : 1 sachet par jour", "KARDEGIC 75 mg sachet", "1 sachet par jour"),
    ("DOLIPRANE 1000 mg cp 1 cp 3 fois par jour", "DOLIPRANE 1000 mg cp", "1 cp 3 fois par jour"),
    ("AMOXICILLINE 1 g 1-0-1 pendant 6 jours", "AMOXICILLINE 1 g", "1-0-1 pendant 6 jours"),
    ("MACROGOL 4000 ARROW 4 g sachet", "MACROGOL 4000 ARROW 4 g sachet", ""),
    ("un quart de comprimé par jour", "", "un quart de comprimé par jour"),
    ("Traitement à renouveler 3 fois.", "", "Traitement à renouveler 3 fois."),
])
def test_it_cuts_a_line_into_product_and_posology(line: str, designation: str, posology: str) -> None:
    assert split_line(line) == (designation, posology)


def test_a_number_or_bullet_opens_a_line_but_a_dose_does_not() -> None:
    assert strip_marker("2) DOLIPRANE 1000 mg") == ("DOLIPRANE 1000 mg", True)
    assert strip_marker("- DOLIPRANE 1000 mg") == ("DOLIPRANE 1000 mg", True)
    assert strip_marker("5, DÉFÉRASIROX 90 mg") == ("DÉFÉRASIROX 90 mg", True)
    assert strip_marker("1 cp le soir") == ("1 cp le soir", False)


def test_a_brand_with_strength_and_form_is_recognised_with_confidence(matcher: LineMatcher) -> None:
    found = matcher.match("DOLIPRANE 1000 mg cp")

    assert found.record is not None and found.record.cis == "60234100"
    assert not found.uncertain
    assert found.confidence > 0.9


def test_a_line_spoiled_by_the_ocr_is_still_recognised(matcher: LineMatcher) -> None:
    line = matcher.read("D0LIPRANE 1OOO rng cp : 1 cp 3 fois par jour")

    assert line.contract()["cis"] == "60234100"
    assert line.posology.daily_quantity == 3


def test_a_dci_line_is_matched_to_a_product_of_that_substance_and_strength(matcher: LineMatcher) -> None:
    found = matcher.match("paracétamol 1 g cp")

    assert found.record is not None
    assert found.record.substances == ("paracétamol",)
    assert strength_signature(found.record)[1] == (1000.0,)
    assert not found.uncertain


def test_a_single_substance_is_not_taken_for_a_combination_holding_it(matcher: LineMatcher) -> None:
    found = matcher.match("valsartan 160 mg")

    assert found.record is not None and found.record.cis == "61000002"


def test_a_brand_without_strength_is_left_to_the_pharmacist_with_candidates(matcher: LineMatcher) -> None:
    line = matcher.read("DOLIPRANE cp : 1 cp si douleur").contract()

    assert line["uncertain"] is True
    assert line["cis"] is None
    assert {c["name"][:17] for c in line["candidates"]} >= {"DOLIPRANE 1000 mg", "DOLIPRANE 500 mg,"}


def test_a_strength_that_no_product_has_is_never_guessed(matcher: LineMatcher) -> None:
    line = matcher.read("AMOXICILLINE 509 mg gél : 1 gél matin et soir").contract()

    assert line["uncertain"] is True and line["cis"] is None
    assert line["candidates"][0]["name"].startswith("AMOXICILLINE SANDOZ 500 mg")


def test_words_that_name_no_product_give_no_match(matcher: LineMatcher) -> None:
    found = matcher.match("Repos à domicile")

    assert found.record is None and found.uncertain


def test_the_posology_below_the_line_is_parsed_with_it(matcher: LineMatcher) -> None:
    line = matcher.read("KARDEGIC 75 mg sachet", posology="1 sachet par jour pendant 1 mois").contract()

    assert line["cis"] == "61000006"
    assert line["posology"]["unit"] == "sachet"
    assert line["posology"]["duration_days"] == 30


def test_a_specialty_beside_a_street_does_not_name_a_drug(matcher: LineMatcher) -> None:
    assert not matcher.names_drug("Pédiatrie")
    assert not matcher.names_drug("sur 2")
    assert matcher.names_drug("Tramadol evolugen LP 100 mg")
