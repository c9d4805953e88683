"""NIR / NIA checks: the examples of the pharmacy course, Corsica, overseas, foreign-born, bad input."""

from __future__ import annotations

from datetime import date

import pytest

from comptoir.domain.identity.nir import check_nir, contradictions, format_nir, nir_key

TODAY = date(2026, 2, 19)


def test_the_course_example_of_dark_jeanne_marie_is_valid() -> None:
    check = check_nir("2 39 08 88 154 002 43", today=TODAY)

    assert check.valid
    assert (check.sex, check.birth_year, check.birth_month, check.birth_place) == ("F", 1939, 8, "88154")
    assert check.contract()["reason"] is None


def test_the_course_example_of_loiseau_has_a_wrong_key_and_says_the_right_one() -> None:
    check = check_nir("2 80 01 75 056 016 18", today=TODAY)

    assert not check.valid
    assert check.reason == "La clé 18 ne correspond pas au numéro : la clé attendue est 35."
    assert check_nir("280017505601635", today=TODAY).valid


@pytest.mark.parametrize(("number", "place"), [("186022A21532523", "2A215"), ("179052b03304570", "2B033")])
def test_corsica_departments_use_their_letters_in_the_key(number: str, place: str) -> None:
    check = check_nir(number, today=TODAY)

    assert check.valid and check.birth_place == place


def test_overseas_births_take_the_third_digit_of_the_department() -> None:
    assert check_nir("295109741112324", today=TODAY).birth_place == "97411"


def test_a_foreign_birth_gives_the_country_code() -> None:
    assert check_nir("188059935001290", today=TODAY).birth_place == "99350"


def test_an_unknown_month_is_accepted_and_reported_as_unknown() -> None:
    body = "1885099350012"
    check = check_nir(body + f"{nir_key(body):02d}", today=TODAY)

    assert check.valid and check.birth_month is None


@pytest.mark.parametrize(("number", "words"), [
    ("", "Aucun numéro"),
    ("23908881540", "11 caractères"),
    ("339088815400243", "commence par 1 ou 2"),
    ("2390888154002X3", "caractères non autorisés"),
    ("239158815400243", "mois de naissance 15 est impossible"),
    ("239008815400243", "mois de naissance 00"),
    ("239089615400243", "département de naissance 96"),
])
def test_bad_numbers_get_a_french_reason(number: str, words: str) -> None:
    check = check_nir(number, today=TODAY)

    assert not check.valid
    assert words in check.reason


def test_the_century_is_the_latest_that_is_not_in_the_future() -> None:
    body = "2250375115011"

    assert check_nir(body + f"{nir_key(body):02d}", today=TODAY).birth_year == 2025
    assert check_nir(body + f"{nir_key(body):02d}", today=date(2024, 12, 31)).birth_year == 1925


def test_a_sex_digit_that_contradicts_the_declared_sex_is_reported() -> None:
    check = check_nir("239088815400243", today=TODAY)

    found = contradictions(check, sex="M", birth_date=date(1939, 8, 13), birth_place="88154")

    assert found == ("Le NIR commence par 2 (sexe F) alors que le sexe déclaré est M.",)


def test_a_birth_date_and_place_that_contradict_the_nir_are_reported() -> None:
    check = check_nir("239088815400243", today=TODAY)

    found = contradictions(check, sex="F", birth_date=date(1940, 9, 13), birth_place="75056")

    assert len(found) == 3


def test_a_nir_is_printed_in_its_groups() -> None:
    assert format_nir("239088815400243") == "2 39 08 88 154 002 43"
