"""Interactions from the ANSM thesaurus: every level, the conditional entries, and silence where the
thesaurus has nothing to say."""

from __future__ import annotations

import pytest

from comptoir.analysis.reference import AnalysisReference
from comptoir.services.analysis.analyse import analyse_data
from tests.integration.analysis.builders import case, findings, levels, line


@pytest.mark.parametrize(("first", "second", "level"), [
    ("SIMVASTATINE 40 mg", "ITRACONAZOLE 100 mg", "CI"),          # CYP3A4 inhibitor + statin
    ("IBUPROFENE 400 mg", "SINTROM 4 mg", "ASDEC"),                # NSAID + oral anticoagulant
    ("OMEPRAZOLE 20 mg", "LEVOTHYROX 75", "PE"),                   # PPI + thyroid hormones
    ("CLOPIDOGREL 75 mg", "SINTROM 4 mg", "APEC"),                 # antiplatelet + anticoagulant
])
def test_each_thesaurus_level_is_reported(analysis_reference: AnalysisReference, first: str, second: str,
                                          level: str) -> None:
    assert levels(case(line(first), line(second)), analysis_reference, "interaction") == [level]


def test_a_line_is_checked_against_the_history_with_its_date(analysis_reference: AnalysisReference) -> None:
    found = findings(case(line("IBUPROFENE 400 mg"), history=(("SINTROM 4 mg", "2026-01-10"),)),
                     analysis_reference, "interaction")

    assert [f["level"] for f in found] == ["ASDEC"]
    assert "10/01/2026" in found[0]["message"]


def test_history_outside_the_window_is_ignored(analysis_reference: AnalysisReference) -> None:
    data = case(line("IBUPROFENE 400 mg"), history=(("SINTROM 4 mg", "2024-12-01"),))

    assert findings(data, analysis_reference, "interaction") == []


@pytest.mark.parametrize(("aspirin", "posology", "level"), [
    ("ASPIRINE 1000 mg cp effervescent", "1 cp si douleur", "CI"),         # anti-inflammatory dose per intake
    ("KARDEGIC 75 mg", "1 sachet par jour", "APEC"),                       # antiplatelet dose
    ("KARDEGIC 300 mg", "1 sachet par jour", "APEC"),                      # still 50–375 mg/day
])
def test_aspirin_with_an_anticoagulant_depends_on_the_dose(analysis_reference: AnalysisReference, aspirin: str,
                                                           posology: str, level: str) -> None:
    data = case(line(aspirin, posology), history=(("SINTROM 4 mg", "2026-02-01"),))

    assert levels(data, analysis_reference, "interaction") == [level]


def test_an_analgesic_aspirin_dose_leaves_the_ulcer_condition_open(analysis_reference: AnalysisReference) -> None:
    found = findings(case(line("ASPIRINE UPSA 500 mg", "1 cp 3 fois par jour"),
                          history=(("SINTROM 4 mg", "2026-02-01"),)), analysis_reference, "interaction")

    assert found[0]["level"] == "CI"
    assert "contre-indication ou association déconseillée" in found[0]["message"]


def test_two_torsadogenic_drugs_are_contraindicated_by_the_general_rule(analysis_reference: AnalysisReference) -> None:
    assert levels(case(line("SOTALOL 80 mg"), line("CORDARONE 200 mg")), analysis_reference, "interaction") == ["CI"]


def test_oral_erythromycin_escapes_the_intravenous_only_torsades_rule(analysis_reference: AnalysisReference) -> None:
    found = levels(case(line("ERYTHROMYCINE 500 mg cp"), line("CORDARONE 200 mg")), analysis_reference,
                   "interaction")

    assert "CI" not in found


def test_hydroxyzine_is_contraindicated_with_any_torsadogenic_drug(analysis_reference: AnalysisReference) -> None:
    assert levels(case(line("ATARAX 25 mg"), line("CORDARONE 200 mg")), analysis_reference, "interaction") == ["CI"]


def test_oral_erythromycin_is_not_a_torsadogenic_drug_even_for_hydroxyzine(
    analysis_reference: AnalysisReference,
) -> None:
    # "Pour l'érythromycine et la vincamine, seules les formes administrées par voie intraveineuse sont concernées."
    assert "CI" not in levels(case(line("ATARAX 25 mg"), line("ERYTHROMYCINE 500 mg cp")), analysis_reference,
                              "interaction")


def test_a_skin_cream_does_not_interact_systemically(analysis_reference: AnalysisReference) -> None:
    data = case(line("KETUM 2,5 % gel"), line("SINTROM 4 mg"))

    assert findings(data, analysis_reference, "interaction") == []


@pytest.mark.parametrize("pair", [
    ("DOLIPRANE 1000 mg", "AMOXICILLINE 1 g"),
    ("AMLODIPINE 5 mg", "METFORMINE 850 mg"),
    ("ATORVASTATINE 20 mg", "METFORMINE 850 mg"),
    ("LEVOTHYROX 75", "DOLIPRANE 1000 mg"),
    ("BISOPROLOL 5 mg", "ATORVASTATINE 20 mg"),
    ("RAMIPRIL 5 mg", "ATORVASTATINE 20 mg"),
])
def test_common_pairs_without_a_thesaurus_entry_stay_silent(analysis_reference: AnalysisReference,
                                                            pair: tuple[str, str]) -> None:
    assert findings(case(line(pair[0]), line(pair[1])), analysis_reference, "interaction") == []


def test_each_finding_cites_the_thesaurus_entry_and_page(analysis_reference: AnalysisReference) -> None:
    found = findings(case(line("SIMVASTATINE 40 mg"), line("ITRACONAZOLE 100 mg")), analysis_reference)[0]

    assert found["source"].startswith("ANSM, Thésaurus des interactions médicamenteuses (15/09/2023)")
    assert ", p. " in found["source"]
    assert set(found) == {"kind", "level", "drugs", "substances", "message", "source"}


def test_the_history_window_is_configurable(analysis_reference: AnalysisReference) -> None:
    data = case(line("IBUPROFENE 400 mg"), history=(("SINTROM 4 mg", "2025-12-01"),))

    assert levels(data, analysis_reference, "interaction") == ["ASDEC"]
    assert levels({**data, "history_window_days": 30}, analysis_reference, "interaction") == []


def test_alcohol_and_grapefruit_are_advice_apart_from_the_findings(analysis_reference: AnalysisReference) -> None:
    result = analyse_data(case(line("SIMVASTATINE 40 mg"), line("METFORMINE 850 mg")), analysis_reference).contract()

    advice = {f["substances"][1]: f for f in result["advice"]}  # type: ignore[union-attr]
    assert set(advice) == {"alcool", "pamplemousse"}
    assert "association déconseillée" in advice["pamplemousse"]["message"]
    assert result["findings"] == []


def test_a_line_may_be_a_cip13_a_cip7_or_a_cis(analysis_reference: AnalysisReference) -> None:
    for code in ("3400935955838", "3595583", "60234100"):
        result = analyse_data(case(line(code)), analysis_reference).contract()

        assert result["lines"][0]["name"] == "DOLIPRANE 1000 mg, comprimé", code  # type: ignore[index]
