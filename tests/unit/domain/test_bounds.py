"""What comptoir accepts from outside: names of a person, birth dates of someone alive, texts that fit."""

from __future__ import annotations

from datetime import date

import pytest

from comptoir.domain.bounds import check_birth_date, check_length, check_name
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


def test_refuses_a_text_beyond_its_length() -> None:
    with pytest.raises(RuleViolation, match="Posologie : 500 caractères au plus \\(501 saisis\\)"):
        check_length("x" * 501, 500, "Posologie")
