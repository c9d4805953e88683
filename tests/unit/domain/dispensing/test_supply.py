"""How much one delivery may supply (CSP R.5123-2): a month, "quatre semaines ou trente jours selon le
conditionnement", three months for a pack made for longer or a contraceptive, never less than one box."""

from __future__ import annotations

import pytest

from comptoir.domain.dispensing.supply import capped, contraceptive, max_boxes, oversupply


@pytest.mark.parametrize(("per_box", "daily", "most"), [
    (28, 1, 1),    # four weeks
    (30, 1, 1),    # thirty days
    (14, 1, 2),    # two boxes of two weeks
    (8, 1, 3),     # 24 days: a fourth box would pass the month
    (20, 1, 1),    # one box, even if a second would make 40 days
    (90, 1, 1),    # a three-month pack is given whole
    (56, 2, 1),    # 28 days at two a day
])
def test_one_delivery_gives_the_boxes_that_last_a_month_at_the_posology(per_box: int, daily: float,
                                                                          most: int) -> None:
    assert max_boxes(per_box, daily) == most


def test_packs_made_for_more_than_a_month_go_up_to_three_months() -> None:
    assert max_boxes(45, 1) == 2 and max_boxes(84, 1) == 1


def test_contraceptives_are_delivered_for_three_months() -> None:
    assert contraceptive("G03AA07") and contraceptive("G02BB01") and not contraceptive("C10AA01")
    assert max_boxes(28, 1, contraceptive=True) == 3


def test_the_cap_gives_fewer_boxes_and_says_why_with_its_rule() -> None:
    given = capped(4, 28, 1)

    assert (given.boxes, given.days) == (1, 28)
    assert given.reason is not None and "CSP R.5123-2" in given.reason and "1 boîte(s) pour 28 jours au lieu de 4" \
        in given.reason


def test_boxes_within_the_month_are_left_as_they_are() -> None:
    assert capped(2, 14, 1).boxes == 2 and capped(2, 14, 1).reason is None


def test_boxes_beyond_the_month_are_said() -> None:
    assert oversupply(3, 28, 1) == "3 boîtes couvrent 84 jours : une délivrance couvre 30 jours au plus (CSP R.5123-2)."
    assert oversupply(1, 28, 1) is None and oversupply(3, 28, 1, contraceptive=True) is None
