"""The "non substituable" mentions and when they hold (arrêté du 12 novembre 2019)."""

from __future__ import annotations

from datetime import date

import pytest

from comptoir.domain.dispensing.substitution import age_in_years, narrow_margin, substitution_rule

TODAY = date(2026, 2, 19)


@pytest.mark.parametrize("substance", ["LÉVOTHYROXINE SODIQUE", "lévothyroxine", "SODIUM (VALPROATE DE)",
                                       "CHLORHYDRATE DE BUPRÉNORPHINE", "MYCOPHÉNOLATE MOFÉTIL",
                                       "acide mycophénolique", "prégabaline", "LACOSAMIDE", "oxcarbazépine"])
def test_the_substances_of_the_list_have_a_narrow_margin(substance: str) -> None:
    assert narrow_margin([substance])


@pytest.mark.parametrize("substance", ["escitalopram", "DIVALPROATE DE SODIUM", "paracétamol", "ibuprofène",
                                       "valpromide"])
def test_other_substances_do_not(substance: str) -> None:
    assert not narrow_margin([substance])


def test_mte_on_levothyroxine_excludes_substitution() -> None:
    rule = substitution_rule("MTE", substances=["lévothyroxine sodique"], birth_date=None, today=TODAY)

    assert not rule.allowed and rule.warning is None


def test_mte_outside_the_list_is_ignored_with_a_warning() -> None:
    rule = substitution_rule("MTE", substances=["escitalopram"], birth_date=None, today=TODAY)

    assert rule.allowed
    assert rule.warning is not None and "marge thérapeutique étroite" in rule.warning


def test_efg_holds_for_a_child_under_six_only() -> None:
    child = substitution_rule("EFG", substances=["amoxicilline"], birth_date=date(2021, 6, 1), today=TODAY)
    six_today = substitution_rule("EFG", substances=["amoxicilline"], birth_date=date(2020, 2, 19), today=TODAY)
    adult = substitution_rule("EFG", substances=["amoxicilline"], birth_date=date(1969, 3, 20), today=TODAY)

    assert not child.allowed
    assert six_today.allowed and adult.allowed
    assert adult.warning is not None and "56 ans" in adult.warning


def test_cif_excludes_substitution_whatever_the_substance() -> None:
    assert not substitution_rule("CIF", substances=["escitalopram"], birth_date=None, today=TODAY).allowed


def test_no_mention_allows_substitution() -> None:
    rule = substitution_rule(None, substances=["lévothyroxine"], birth_date=None, today=TODAY)

    assert rule.allowed and rule.warning is None


def test_age_counts_whole_years_to_the_birthday() -> None:
    assert age_in_years(date(2020, 2, 20), TODAY) == 5
    assert age_in_years(date(2020, 2, 19), TODAY) == 6
