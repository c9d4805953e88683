"""The conditions of the thesaurus' multi-level entries, evaluated on the real 2023 entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from comptoir.analysis.conditions import DrugFacts, evaluate, sub_blocks
from comptoir.refdata.search import fold
from comptoir.refdata.thesaurus import InteractionEntry, read_thesaurus_csv


@pytest.fixture(scope="module")
def entries(reference_data: Path) -> dict[tuple[str, str], InteractionEntry]:
    thesaurus = read_thesaurus_csv(reference_data / "thesaurus")
    return {(e.protagonist_a, e.protagonist_b): e for e in thesaurus.entries}


def aspirin(per_intake: float | None, per_day: float | None) -> DrugFacts:
    return DrugFacts(frozenset({"acide acetylsalicylique"}), ("orale",), per_intake, per_day)


WARFARIN = DrugFacts(frozenset({"warfarine"}), ("orale",))


@pytest.mark.parametrize(("per_intake", "per_day", "level", "unchecked"), [
    (1000, 3000, "CI", False),    # anti-inflammatory doses
    (500, 1500, "CI", True),      # analgesic: CI with an ulcer history, ASDEC without — unknown here
    (75, 75, "APEC", False),      # antiplatelet doses
    (300, 300, "APEC", False),
])
def test_aspirin_with_oral_anticoagulants_follows_the_printed_doses(
    entries: dict[tuple[str, str], InteractionEntry], per_intake: float, per_day: float, level: str, unchecked: bool
) -> None:
    entry = entries[("ACIDE ACETYLSALICYLIQUE", "ANTICOAGULANTS ORAUX")]

    result = evaluate(entry, aspirin(per_intake, per_day), WARFARIN)

    assert result is not None
    assert (result.level, result.unchecked) == (level, unchecked)


def test_the_analgesic_case_names_both_possible_levels(entries: dict[tuple[str, str], InteractionEntry]) -> None:
    result = evaluate(entries[("ACIDE ACETYLSALICYLIQUE", "ANTICOAGULANTS ORAUX")], aspirin(500, 1500), WARFARIN)

    assert result is not None and result.possible[:2] == ("CI", "AD")


def test_a_substance_named_in_the_contraindication_bullet_sets_the_level(
    entries: dict[tuple[str, str], InteractionEntry],
) -> None:
    entry = entries[("SUBSTANCES SUSCEPTIBLES DE DONNER DES TORSADES DE POINTES",
                     "TORSADOGÈNES (SAUF ARSÉNIEUX, ANTIPARASITAIRES, NEUROLEPTIQUES, MÉTHADONE...)")]
    hydroxyzine = DrugFacts(frozenset({"hydroxyzine"}), ("orale",))
    escitalopram = DrugFacts(frozenset({"escitalopram"}), ("orale",))

    result = evaluate(entry, hydroxyzine, escitalopram)

    assert result is not None and result.level == "CI" and "escitalopram" in fold(result.bullet)


def test_an_intravenous_only_rule_excludes_the_oral_form(entries: dict[tuple[str, str], InteractionEntry]) -> None:
    entry = entries[("SUBSTANCES SUSCEPTIBLES DE DONNER DES TORSADES DE POINTES",
                     "TORSADOGÈNES (SAUF ARSÉNIEUX, ANTIPARASITAIRES, NEUROLEPTIQUES, MÉTHADONE...)")]
    oral = DrugFacts(frozenset({"erythromycine"}), ("orale",))
    intravenous = DrugFacts(frozenset({"erythromycine"}), ("intraveineuse",))
    amiodarone = DrugFacts(frozenset({"amiodarone"}), ("orale",))

    assert evaluate(entry, oral, amiodarone) is None
    assert evaluate(entry, intravenous, amiodarone) is not None


def test_every_multi_level_entry_is_split_into_its_level_blocks(
    entries: dict[tuple[str, str], InteractionEntry],
) -> None:
    combined = [e for e in entries.values() if len(e.levels) > 1]

    split = [e for e in combined if {code for code, _ in sub_blocks(e.conduct)} == set(e.levels)]

    # The rest are prose without level heads; they are reported at their most severe level.
    assert len(combined) > 100
    assert len(split) / len(combined) > 0.8


@pytest.mark.parametrize("dose", [None, 1.0, 100.0, 10_000.0])
def test_every_entry_evaluates_to_one_of_its_own_levels(entries: dict[tuple[str, str], InteractionEntry],
                                                        dose: float | None) -> None:
    for entry in entries.values():
        first = DrugFacts(frozenset({fold(entry.protagonist_a)}), ("orale",), dose, dose)
        second = DrugFacts(frozenset({fold(entry.protagonist_b)}), ("orale",), dose, dose)

        result = evaluate(entry, first, second)

        assert result is None or result.level in entry.levels, entry


def test_a_bound_written_in_words_is_read_as_a_bound() -> None:
    from comptoir.analysis.conditions import _dose_bounds

    lows, highs = _dose_bounds("pour des doses supérieures à 20 mg par semaine ; inférieures ou égales à 3 g par jour")

    assert lows == [(">", 20.0, "semaine")]
    assert highs == [("<=", 3000.0, "jour")]
