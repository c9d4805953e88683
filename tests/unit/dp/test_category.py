"""The DP category the pharmacy computes from the ATC code (SPEC §6 windows: vaccines 21 y, biologicals 3 y)."""

from __future__ import annotations

from datetime import date

import pytest

from comptoir.national.dp.emulator import months_before, window_start
from comptoir.national.dp.port import Category
from comptoir.services.dp.category import category_of


@pytest.mark.parametrize(("atc", "expected"), [
    ("J07BB02", Category.VACCINE), ("L04AB04", Category.BIOLOGICAL), ("A10AE04", Category.BIOLOGICAL),
    ("B01AB05", Category.BIOLOGICAL), ("L01FA01", Category.BIOLOGICAL), ("B01AA07", Category.ORDINARY),
    ("M01AE01", Category.ORDINARY), (None, Category.ORDINARY), ("", Category.ORDINARY)])
def test_the_category_follows_the_atc_class(atc: str | None, expected: Category) -> None:
    assert category_of(atc) is expected


def test_a_window_of_months_ends_on_the_same_day_or_the_last_of_a_shorter_month() -> None:
    assert months_before(date(2026, 2, 19), 4) == date(2025, 10, 19)
    assert months_before(date(2026, 7, 31), 5) == date(2026, 2, 28)
    assert window_start("vaccin", date(2026, 2, 19), 4) == date(2005, 2, 19)
    assert window_start("biologique", date(2026, 2, 19), 12) == date(2023, 2, 19)
