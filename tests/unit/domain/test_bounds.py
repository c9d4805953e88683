"""What comptoir accepts from outside: names of a person, birth dates of someone alive, texts that fit."""

from __future__ import annotations

from datetime import date

import pytest

from comptoir.domain.bounds import check_birth_date, check_length, check_name, check_typed_birth_date, typed_date
from comptoir.errors import RuleViolation

TODAY = date(2026, 2, 19)


@pytest.mark.parametrize("name", ["DARK", "Jeanne Marie", "D'ARC", "Lefèvre-Dupré", "N’Diaye", "Ô"])
def test_accepts_the_names_of_people(name: str) -> None:
    assert check_name(f"  {name} ", "Nom") == name


@pytest.mark.parametrize(("name", "why"), [("", "obligatoire"), ("A" * 101, "100 caractères au plus"),
                                           ("J3anne", "lettres"), ("<script>", "lettres"), ("-", "lettres")])
def test_refuses_what_is_not_a_name(name: str, why: str) -> None:
    with pytest.raises(RuleViolation, match=why):
        check_name(name, "Nom")


@pytest.mark.parametrize("born", [date(2030, 1, 1), date(9999, 12, 31), date(1, 1, 1), date(1879, 12, 31)])
def test_refuses_a_birth_date_no_one_alive_has(born: date) -> None:
    with pytest.raises(RuleViolation, match="Date de naissance"):
        check_birth_date(born, today=TODAY)


def test_accepts_a_birth_today_and_in_1880() -> None:
    check_birth_date(TODAY, today=TODAY)
    check_birth_date(date(1880, 1, 1), today=TODAY)


@pytest.mark.parametrize(("born", "why"), [(date(2030, 1, 1), "dans le futur"), (date(1899, 12, 31), "avant 1900"),
                                           (date(1890, 6, 1), "avant 1900")])
def test_refuses_a_typed_birth_date_in_the_future_or_before_1900(born: date, why: str) -> None:
    with pytest.raises(RuleViolation, match=why):
        check_typed_birth_date(born, today=TODAY)


def test_accepts_a_typed_birth_date_from_1900_to_today() -> None:
    check_typed_birth_date(date(1900, 1, 1), today=TODAY)
    check_typed_birth_date(TODAY, today=TODAY)


@pytest.mark.parametrize("text", ["2026-02-12", "12/02/2026", " 12/2/2026 "])
def test_reads_a_date_typed_as_a_date_field_sends_it_or_as_people_write_it(text: str) -> None:
    assert typed_date(text, "Date") == date(2026, 2, 12)


@pytest.mark.parametrize(("text", "why"), [("", "obligatoire"), ("31/02/2026", "date impossible"),
                                           ("hier", "date impossible"), ("2026-13-01", "date impossible")])
def test_refuses_what_is_not_a_date(text: str, why: str) -> None:
    with pytest.raises(RuleViolation, match=f"Date : {why}"):
        typed_date(text, "Date")


def test_refuses_a_text_beyond_its_length() -> None:
    with pytest.raises(RuleViolation, match="Posologie : 500 caractères au plus \\(501 saisis\\)"):
        check_length("x" * 501, 500, "Posologie")
