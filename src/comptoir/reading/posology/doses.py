"""One segment of a phase: a dose and how often it is taken."""

from __future__ import annotations

import re
from dataclasses import dataclass

from comptoir.reading.posology.frequency import (
    _count_slots,
    _Frequency,
    _take_sequence,
    _take_shares,
    _take_times_a_day,
)
from comptoir.reading.posology.numbers import _DAY, _NUM, _NUMR, _START, _high, _period_days
from comptoir.reading.posology.patterns import _C, _Buffer
from comptoir.reading.posology.units import _NON_COUNT, _UNIT, _canonical_unit


@dataclass(frozen=True, slots=True)
class _Dose:
    amount: float
    unit: str | None = None
    per_days: float | None = None
    strength: tuple[float, str] | None = None


@dataclass(slots=True)
class _Segment:
    dose: _Dose | None
    frequency: _Frequency
    sequence: tuple[float, ...] | None = None


_UNIT_DOSE = _C(rf"{_START}(?P<n>{_NUMR})\s*(?:de\s+|d')?(?P<unit>{_UNIT})")
_STRENGTH = _C(rf"\s*(?:de|a|dosee?s?\s+a)\s*(?P<n>{_NUM})\s*(?P<unit>mg|g|µg|mcg|ui)(?![a-z])")
_PER_SUFFIX = _C(rf"(?:\s+(?!matin|midi|soir|le\b|la\b|au\b|a\b)[a-z][a-z'-]*){{0,2}}?\s*(?:par|/|pour)\s*"
                 rf"(?:(?P<p>prises?)|(?P<per>{_DAY}|semaines?|sem|mois|trimestres?|semestres?|ans?"
                 r"|annees?))\b")
_BARE_NUMBER = _C(rf"{_START}(?P<n>{_NUMR})(?![\w.]|\s*(?:h\b|heures?|min))")


def _take_dose(buffer: _Buffer) -> _Dose | None:
    candidates = list(_UNIT_DOSE.finditer(buffer.text))
    counted = [m for m in candidates if _canonical_unit(m.group("unit")) not in _NON_COUNT]
    chosen = next(iter(counted or candidates), None)
    if chosen is not None:
        return _read_dose(buffer, chosen, _canonical_unit(chosen.group("unit")))
    bare = _BARE_NUMBER.search(buffer.text)
    return _read_dose(buffer, bare, None) if bare else None


def _read_dose(buffer: _Buffer, match: re.Match[str], unit: str | None) -> _Dose:
    end, strength = match.end(), None
    found = _STRENGTH.match(buffer.text, end)
    if found:
        end, strength = found.end(), (float(found.group("n")), _canonical_unit(found.group("unit")) or "")
    per_days = None
    suffix = _PER_SUFFIX.match(buffer.text, end)
    if suffix and not suffix.group("p"):
        end, per_days = suffix.end(), _period_days(suffix.group("per"))
    buffer.cut(match.start(), end)
    return _Dose(_high(match.group("n")), unit, per_days, strength)


def _parse_segment(text: str) -> _Segment:
    buffer = _Buffer(text)
    sequence = _take_sequence(buffer)
    frequency = _Frequency()
    _take_shares(buffer, frequency)
    _take_times_a_day(buffer, frequency)
    dose = None if sequence is not None else _take_dose(buffer)
    _count_slots(buffer, frequency)
    return _Segment(dose, frequency, sequence)


def _segment_daily(segment: _Segment, previous: _Dose | None) -> float | None:
    frequency = segment.frequency
    if segment.sequence is not None:
        return sum(segment.sequence) * frequency.days()
    dose = segment.dose or (previous if frequency.known() else None)
    if dose is None:
        return 1.0 * frequency.intakes() if frequency.known() else None
    if segment.dose is not None and dose.per_days:
        # a weekly dose already says which days; a daily one may still skip some ("sauf le dimanche")
        days = frequency.days() if dose.per_days == 1 else frequency.ratio
        return dose.amount / dose.per_days * days
    if frequency.split:
        return dose.amount * frequency.days()
    return dose.amount * frequency.intakes()
