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
