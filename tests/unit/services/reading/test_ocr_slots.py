"""At most N readings at once: the next one waits a little, then is told the reader is busy (503)."""

from __future__ import annotations

import pytest

from comptoir.errors import Busy
from comptoir.services.reading.read_prescription import OcrSlots, ocr_slots


def test_a_reading_without_a_free_slot_is_told_to_retry() -> None:
    slots = OcrSlots(1, wait_s=0)

    with slots.taken(), pytest.raises(Busy, match="occupé"), slots.taken():
        pass


def test_a_slot_is_given_back_after_a_reading_even_a_failed_one() -> None:
    slots = OcrSlots(1, wait_s=0)
    with pytest.raises(ValueError), slots.taken():
        raise ValueError

    with slots.taken():
        pass


def test_the_slots_are_shared_by_the_whole_process() -> None:
    assert ocr_slots(2, 5.0) is ocr_slots(2, 5.0)
