"""Numbers in full letters, as an ordonnance sécurisée writes its quantities and doses."""

from __future__ import annotations

import pytest

from comptoir.domain.eprescription.in_letters import in_letters, numbers_in_letters


@pytest.mark.parametrize(("number", "words"), [
    (0, "zéro"), (1, "un"), (16, "seize"), (17, "dix-sept"), (21, "vingt et un"), (28, "vingt-huit"),
    (30, "trente"), (60, "soixante"), (71, "soixante et onze"), (77, "soixante-dix-sept"), (80, "quatre-vingts"),
    (81, "quatre-vingt-un"), (91, "quatre-vingt-onze"), (100, "cent"), (180, "cent quatre-vingts"),
    (200, "deux cents"), (201, "deux cent un"), (1000, "mille"), (2000, "deux mille"), (80_000, "quatre-vingt mille"),
    (200_500, "deux cent mille cinq cents"),
])
def test_numbers_in_french(number: int, words: str) -> None:
    assert in_letters(number) == words


def test_one_agrees_with_a_feminine_unit() -> None:
    assert in_letters(1, feminine=True) == "une"
    assert in_letters(21, feminine=True) == "vingt et une"
    assert in_letters(11, feminine=True) == "onze"


def test_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError):
        in_letters(1_000_000)


@pytest.mark.parametrize(("text", "written"), [
    ("1 gélule matin et soir pendant 28 jours", "une gélule matin et soir pendant vingt-huit jours"),
    ("1 comprimé 3 fois par jour", "un comprimé trois fois par jour"),
    ("1/2 comprimé le soir", "un demi comprimé le soir"),
    ("21 gouttes", "vingt et une gouttes"),
    ("morphine 30 mg", "morphine trente milligrammes"),
    ("2,5 mg", "deux virgule cinq milligrammes"),
    ("désogestrel 0,075 mg", "désogestrel zéro virgule zéro sept cinq milligramme"),
    ("vitamine B12 1 ampoule", "vitamine B12 une ampoule"),
])
def test_numbers_of_a_posology_are_written_in_letters(text: str, written: str) -> None:
    assert numbers_in_letters(text) == written
