"""The dispensing rules of one delivery: each line once, never more boxes than are left to deliver."""

from __future__ import annotations

import pytest

from comptoir.domain.eprescription.dispensing import Choice, check_choice, check_line_numbers, differences
from comptoir.errors import RuleViolation
from tests.eprescription_builders import line


def given(quantity: int, *, needed: int = 2, same_product: bool = True) -> Choice:
    return Choice(line_number=1, quantity=quantity, needed=needed, cis=None, cip13=None, label="AMLODIPINE",
                  same_product=same_product, same_group=True)


def test_refuses_a_line_given_twice_in_one_delivery() -> None:
    with pytest.raises(RuleViolation, match="plusieurs fois : 1"):
        check_line_numbers([1, 2, 1, 1, 1, 1])


def test_accepts_distinct_lines() -> None:
    check_line_numbers([1, 2, 3])


def test_refuses_to_deliver_more_boxes_than_are_left() -> None:
    with pytest.raises(RuleViolation, match="99 boîte\\(s\\) demandée\\(s\\), il en reste 2"):
        check_choice(line(quantity=2), given(99))


def test_accepts_exactly_what_is_left_and_a_partial_delivery() -> None:
    check_choice(line(quantity=2), given(2))
    check_choice(line(quantity=2), given(1))


def test_a_partial_delivery_is_a_difference_the_control_window_shows() -> None:
    found = differences(line(quantity=2), given(1))

    assert found == ["Ligne 1 : délivrance partielle, 1 boîte(s) sur 2."]
