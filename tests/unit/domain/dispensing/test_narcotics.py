"""How many days one delivery of a stupéfiant covers: the product's maximum, one fraction, no overlap."""

from __future__ import annotations

from datetime import date

from comptoir.domain.dispensing.conditions import read_conditions
from comptoir.domain.dispensing.narcotics import (
    EarlierDelivery,
    delivery_days,
    overlap_refusal,
    overlap_warning,
)

NARCOTIC = read_conditions(["stupéfiants", "prescription limitée à 4 semaines"])
FRACTIONED = read_conditions(["stupéfiants", "prescription limitée à 28 jours", "délivrance fractionnée de 7 jours",
                              "chevauchement interdit sauf mention expresse du prescripteur portée sur l'ordonnance"])
ORDINARY = read_conditions(["liste I"])


def test_a_narcotic_for_60_days_is_delivered_for_its_28_days_with_a_reason() -> None:
    planned = delivery_days(NARCOTIC, 60)

    assert planned.days == 28
    assert planned.reason is not None and "60 jours" in planned.reason and "28 jours" in planned.reason


def test_a_narcotic_within_its_maximum_is_delivered_as_prescribed() -> None:
    assert delivery_days(NARCOTIC, 14) == delivery_days(ORDINARY, 14)
    assert delivery_days(NARCOTIC, 14).days == 14 and delivery_days(NARCOTIC, 14).reason is None


def test_an_ordinary_product_is_not_capped() -> None:
    assert delivery_days(ORDINARY, 90).days == 90


def test_a_product_whose_prescription_is_limited_is_capped_with_its_rule() -> None:
    anxiolytic = read_conditions(["liste I", "prescription limitée à 12 semaines"])

    planned = delivery_days(anxiolytic, 120)

    assert planned.days == 84 and planned.reason is not None and "R.5132-21" in planned.reason


def test_a_fractioned_narcotic_plans_its_first_fraction_and_says_so() -> None:
    planned = delivery_days(FRACTIONED, 28)

    assert planned.days == 7 and planned.reason is None
    assert any("fraction" in w for w in planned.warnings)


def test_the_prescriber_may_exclude_the_fractions() -> None:
    assert delivery_days(FRACTIONED, 28, single_delivery=True).days == 28


def test_overlap_is_refused_until_the_previous_period_ends_unless_the_prescriber_allows_it() -> None:
    earlier, today = EarlierDelivery(date(2026, 1, 29), 28, "MORPHINE 10 mg (morphine)"), date(2026, 2, 19)

    refused = overlap_refusal(FRACTIONED, earlier=earlier, today=today, overlap_allowed=False)

    assert refused is not None
    assert "MORPHINE 10 mg (morphine) délivré le 29/01/2026 pour 28 jours" in refused
    assert "couvert jusqu'au 25/02/2026" in refused and "avant le 26/02/2026" in refused
    assert overlap_refusal(FRACTIONED, earlier=earlier, today=today, overlap_allowed=True) is None
    assert overlap_refusal(FRACTIONED, earlier=earlier, today=date(2026, 2, 26), overlap_allowed=False) is None
    assert overlap_refusal(ORDINARY, earlier=earlier, today=today, overlap_allowed=False) is None


def test_the_last_day_covered_is_still_refused() -> None:
    earlier = EarlierDelivery(date(2026, 1, 29), 28)

    assert overlap_refusal(NARCOTIC, earlier=earlier, today=date(2026, 2, 25), overlap_allowed=False) is not None
    assert overlap_refusal(NARCOTIC, earlier=earlier, today=date(2026, 2, 26), overlap_allowed=False) is None


def test_the_pharmacist_is_reminded_to_check_overlap_when_forbidden() -> None:
    assert overlap_warning(FRACTIONED, overlap_allowed=False) is not None
    assert overlap_warning(FRACTIONED, overlap_allowed=True) is None
    assert overlap_warning(ORDINARY, overlap_allowed=False) is None
