"""Identitovigilance: duplicates, collisions and homonyms found from the traits."""

from __future__ import annotations

from datetime import date

from comptoir.domain.identity.duplicates import Finding, IdentityRecord, suspicions


def record(id: int, name: str, given: str, born: date, sex: str = "F", matricule: str = "",
           place: str = "") -> IdentityRecord:
    return IdentityRecord(id, (name,), given, born, sex, place, matricule)


def test_a_typo_in_the_name_is_a_probable_duplicate() -> None:
    found = suspicions([record(1, "DARK", "Jeanne Marie", date(1939, 8, 13)),
                        record(2, "DARC", "Jeanne", date(1939, 8, 13))])

    assert [(s.finding, s.first_id, s.second_id) for s in found] == [(Finding.DUPLICATE, 1, 2)]


def test_day_and_month_swapped_are_still_found() -> None:
    found = suspicions([record(1, "PAYET", "Marie Josée", date(1995, 10, 8)),
                        record(2, "PAYET", "Marie-Josée", date(1995, 8, 10))])

    assert found and found[0].finding is Finding.DUPLICATE


def test_one_matricule_on_two_different_persons_is_a_collision() -> None:
    found = suspicions([record(1, "DARK", "Jeanne", date(1939, 8, 13), matricule="239088815400243"),
                        record(2, "MARTIN", "Pierre", date(1975, 6, 12), sex="M", matricule="239088815400243")])

    assert [s.finding for s in found] == [Finding.COLLISION]


def test_two_persons_with_the_same_traits_and_their_own_matricule_are_homonyms() -> None:
    found = suspicions([record(1, "MARTIN", "Pierre Louis", date(1975, 6, 12), "M", "175066912304585"),
                        record(2, "MARTIN", "Pierre Jean", date(1975, 6, 12), "M", "175061305507815")])

    assert [s.finding for s in found] == [Finding.HOMONYM]


def test_different_people_born_the_same_day_are_left_alone() -> None:
    assert suspicions([record(1, "DARK", "Jeanne", date(1939, 8, 13)),
                       record(2, "GASLY", "Henri", date(1939, 8, 13), "M")]) == []
