"""Issue 17: redundancy within an ATC level-4 class (lines and history still covering today), cross-intolerance
of declared allergies, age contraindications by class, conditional thesaurus entries read with the dose."""

from __future__ import annotations

from comptoir.analysis.reference import AnalysisReference
from tests.integration.analysis.builders import case, findings, levels, line


def test_two_benzodiazepines_on_the_prescription_are_a_redundancy(analysis_reference: AnalysisReference) -> None:
    data = case(line("ALPRAZOLAM 0,25 mg cp", "1 cp le soir"), line("BROMAZEPAM 6 mg cp sec", "1/2 cp le soir"))

    found = findings(data, analysis_reference, "redundancy")

    assert [f["level"] for f in found] == ["PE"]
    assert "N05BA" in found[0]["message"]


def test_a_hypnotic_z_drug_and_a_benzodiazepine_are_one_class(analysis_reference: AnalysisReference) -> None:
    data = case(line("ALPRAZOLAM 0,25 mg cp", "1 cp le soir"), line("ZOLPIDEM 10 mg cp", "1 cp au coucher"))

    assert levels(data, analysis_reference, "redundancy") == ["PE"]


def test_a_benzodiazepine_still_covering_today_is_a_redundancy_with_the_new_one(
        analysis_reference: AnalysisReference) -> None:
    recent = case(line("ALPRAZOLAM 0,25 mg cp"), history=(("LORAZEPAM 1 mg cp", "2026-02-05"),))
    old = case(line("ALPRAZOLAM 0,25 mg cp"), history=(("LORAZEPAM 1 mg cp", "2025-12-01"),))

    assert levels(recent, analysis_reference, "redundancy") == ["APEC"]
    assert levels(old, analysis_reference, "redundancy") == []


def test_a_long_dispensation_covers_today_for_its_whole_duration(analysis_reference: AnalysisReference) -> None:
    data = case(line("ALPRAZOLAM 0,25 mg cp"), history=(("LORAZEPAM 1 mg cp", "2025-12-01"),))
    data["history"][0]["duration_days"] = 84

    assert levels(data, analysis_reference, "redundancy") == ["APEC"]


def test_an_aspirin_allergy_contraindicates_the_other_nsaids(analysis_reference: AnalysisReference) -> None:
    found = findings(case(line("KETOPROFENE 100 mg LP"), allergies=["aspirine"]), analysis_reference, "allergy")

    assert [f["level"] for f in found] == ["CI"]
    assert "hypersensibilité croisée" in found[0]["message"]


def test_an_nsaid_allergy_contraindicates_aspirin_and_another_nsaid(analysis_reference: AnalysisReference) -> None:
    assert levels(case(line("KARDEGIC 75 mg"), allergies=["ibuprofène"]), analysis_reference, "allergy") == ["CI"]
    assert levels(case(line("KARDEGIC 75 mg"), allergies=["AINS"]), analysis_reference, "allergy") == ["CI"]
    assert levels(case(line("NUROFEN 200 mg"), allergies=["aspirine"]), analysis_reference, "allergy") == ["CI"]


def test_an_aspirin_allergy_says_nothing_of_clopidogrel(analysis_reference: AnalysisReference) -> None:
    data = case(line("CLOPIDOGREL 75 mg cp"), allergies=["acide acétylsalicylique"])

    assert levels(data, analysis_reference, "allergy") == []


def test_a_penicillin_allergy_is_a_precaution_on_a_cephalosporin(analysis_reference: AnalysisReference) -> None:
    assert levels(case(line("CEFPODOXIME 100 mg cp"), allergies=["amoxicilline"]),
                  analysis_reference, "allergy") == ["PE"]


def test_a_fluoroquinolone_is_contraindicated_in_a_child(analysis_reference: AnalysisReference) -> None:
    child = case(line("LEVOFLOXACINE 500 mg cp", "1 cp par jour"), birth_date="2016-05-01")
    adult = case(line("LEVOFLOXACINE 500 mg cp", "1 cp par jour"))

    found = findings(child, analysis_reference, "contraindication")

    assert [f["level"] for f in found] == ["CI"]
    assert "fluoroquinolone" in found[0]["message"] and "4.3" in found[0]["source"]
    assert levels(adult, analysis_reference, "contraindication") == []


def test_ciprofloxacin_in_a_child_is_to_avoid_not_forbidden(analysis_reference: AnalysisReference) -> None:
    child = case(line("CIPROFLOXACINE 500 mg cp", "1 cp matin et soir"), birth_date="2016-05-01")

    assert levels(child, analysis_reference, "contraindication") == ["ASDEC"]


def test_a_tetracycline_before_8_years_is_reported_once(analysis_reference: AnalysisReference) -> None:
    child = case(line("DOXYCYCLINE 100 mg cp"), birth_date="2021-01-01")

    assert levels(child, analysis_reference, "contraindication") == ["CI"]


def test_methotrexate_below_20_mg_a_week_with_aspirin_is_a_precaution(analysis_reference: AnalysisReference) -> None:
    low = case(line("METHOTREXATE 2,5 mg cp", "4 cp le lundi"), line("ASPIRINE UPSA 1000 mg", "1 cp 3 fois par jour"))
    high = case(line("METHOTREXATE 2,5 mg cp", "10 cp le lundi"), line("ASPIRINE UPSA 1000 mg", "1 cp 3 fois par jour"))

    assert levels(low, analysis_reference, "interaction") == ["PE"]
    assert levels(high, analysis_reference, "interaction") == ["CI"]


def test_methotrexate_dose_written_in_words_sets_the_nsaid_level(analysis_reference: AnalysisReference) -> None:
    low = case(line("METHOTREXATE 2,5 mg cp", "4 cp une fois par semaine"), line("IBUPROFENE 400 mg cp", "1 cp"))
    high = case(line("METHOTREXATE 2,5 mg cp", "10 cp une fois par semaine"), line("IBUPROFENE 400 mg cp", "1 cp"))

    assert levels(low, analysis_reference, "interaction") == ["PE"]
    assert levels(high, analysis_reference, "interaction") == ["ASDEC"]


def test_an_nsaid_generic_without_atc_code_is_known_by_its_substance(analysis_reference: AnalysisReference) -> None:
    data = case(line("CELECOXIB 200 mg gél", "1 gél par jour"), allergies=["aspirine"])

    assert levels(data, analysis_reference, "allergy") == ["CI"]
