"""Renewals: never before the previous period has run out (minus its tolerance), never beyond those
prescribed, and the prescription's status from what is left."""

from __future__ import annotations

from datetime import date

import pytest

from comptoir.domain.dispensing.renewals import (
    RENEWAL_TOLERANCE_DAYS,
    check_renewal_date,
    days_covered,
    earliest_renewal,
    offered,
    remaining,
    status_from,
)
from comptoir.domain.eprescription.prescription import Status
from comptoir.errors import RuleViolation


def test_a_28_day_box_may_be_renewed_from_the_end_of_its_period_minus_the_tolerance() -> None:
    first = date(2026, 2, 1)

    assert RENEWAL_TOLERANCE_DAYS == 7
    assert earliest_renewal(first, 28) == date(2026, 2, 22)
    assert earliest_renewal(first, 30) == date(2026, 2, 24)


def test_a_short_period_keeps_a_proportionate_tolerance() -> None:
    assert earliest_renewal(date(2026, 2, 1), 7) == date(2026, 2, 7)


def test_no_tolerance_where_overlap_is_forbidden() -> None:
    assert earliest_renewal(date(2026, 2, 1), 28, overlap_forbidden=True) == date(2026, 3, 1)


def test_the_days_covered_come_from_the_boxes_given_and_the_posology() -> None:
    assert days_covered(2, 28, 1, 30) == 56
    assert days_covered(1, 30, 2, 30) == 15
    assert days_covered(1, None, 1, 30) == 30


def test_a_renewal_the_same_day_as_the_first_delivery_is_refused_naming_the_date_and_the_rule() -> None:
    earliest = earliest_renewal(date(2026, 2, 19), 30)

    with pytest.raises(RuleViolation) as refused:
        check_renewal_date(1, 1, earliest=earliest, today=date(2026, 2, 19))

    assert "14/03/2026" in str(refused.value) and "R.5132-14" in str(refused.value)
    check_renewal_date(1, 1, earliest=earliest, today=earliest)


def test_a_non_renewable_line_offers_its_first_delivery_only() -> None:
    assert offered(0, 0) and not offered(0, 1)
    assert offered(2, 2) and not offered(2, 3)


def test_status_follows_what_is_left_to_deliver() -> None:
    nothing = remaining([1, 3], closed=[], line_numbers=[1, 2])
    some = remaining([1, 3], closed=[(1, 0)], line_numbers=[1, 2])
    everything = remaining([1, 1], closed=[(1, 0), (2, 0)], line_numbers=[1, 2])

    assert status_from(nothing, cancelled=False, expired=False) is Status.ACTIVE
    assert status_from(some, cancelled=False, expired=False) is Status.PARTIAL
    assert status_from(everything, cancelled=False, expired=False) is Status.EXECUTED
    assert status_from(everything, cancelled=False, expired=True) is Status.EXECUTED
    assert status_from(some, cancelled=False, expired=True) is Status.EXPIRED
    assert status_from(nothing, cancelled=True, expired=False) is Status.CANCELLED
