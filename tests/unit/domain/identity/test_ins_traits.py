"""INS traits: written the INS way, first birth first name, differences with the INSi answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from comptoir.domain.identity.ins import InsTraits, differences, ins_text

DARK = InsTraits("DARK", "JEANNE MARIE", date(1939, 8, 13), "F", "88154")


def test_names_are_compared_upper_case_without_accents() -> None:
    assert ins_text("  Hélène   Zoé-Œdipe ") == "HELENE ZOE-OEDIPE"


def test_the_first_birth_first_name_keeps_a_compound_name_whole() -> None:
    assert replace(DARK, birth_given_names="Anne-Sophie Marie").first_birth_given_name == "ANNE-SOPHIE"


def test_identical_traits_written_differently_show_no_difference() -> None:
    assert differences(replace(DARK, birth_name="Dark", birth_given_names="Jeanne  Marie"), DARK) == ()


def test_a_changed_birth_name_and_place_are_shown_side_by_side() -> None:
    ours = replace(DARK, birth_name="DUBOIS", birth_place="")

    found = differences(ours, DARK)

    assert [(d.label, d.ours, d.theirs) for d in found] == [
        ("Nom de naissance", "DUBOIS", "DARK"), ("Lieu de naissance (code INSEE)", "", "88154")]
