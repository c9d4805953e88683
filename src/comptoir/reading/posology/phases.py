"""Phases ("puis") and segments ("1 cp le matin et 2 le soir"), and what a phase amounts to."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from comptoir.reading.posology.doses import _Dose, _parse_segment, _Segment, _segment_daily
from comptoir.reading.posology.durations import _has_duration, _take_duration
from comptoir.reading.posology.frequency import _share_rest_of_week
from comptoir.reading.posology.limits import _Limit, _take_limits
from comptoir.reading.posology.numbers import _NUMR, _START, _divide
from comptoir.reading.posology.patterns import _C, _Buffer, _rare
from comptoir.reading.posology.schedules import rewrite_day_schedule
from comptoir.reading.posology.units import _MASS_UNITS, _NON_COUNT, _UNIT

_OFFSETS = (
    _rare(rf"(?:au\s+moins\s+|environ\s+)?{_NUMR}\s*(?:h|heures?|hrs?|min|minutes?|mn)\b\s*(?:avant|apres)",
          "avant", "apres"),
    _rare(rf"{_START}{_NUMR}\s*(?:min|minutes?|mn)\b", "min", "mn"),
)
_BOTH_SIDES = _rare(r"\b(?:chaque|chacune\s+des|les|des|2|par)\s+(?:narines?|yeux|oeil|oreilles?)\b|\bodg\b"
                    r"|\bod\s*(?:et|\+|/)\s*og\b|\bdroit\w*\s+et\s+gauche\w*|\bgauche\w*\s+et\s+droit\w*",
                    "narine", "yeux", "oeil", "oreille", "og", "droit", "gauche")


_HARD_SPLIT = _C(r"\bpuis\b|\bensuite\b|\bet\s+apres\b|\bsuivi\s+de\b|\brelais\s+par\b")
_SOFT_SPLIT = _C(r"[,;:]|\.(?!\d)|\bet\b")
_DURATION_HINT = _C(r"\d\s*(?:j|jours?|jrs?|sem\w*|mois|ans?|annees?)\b|premi|1\s*(?:er|ere|re)\b|unique")
_SEGMENT_SPLIT = _C(r"[,;+]|\.(?!\d)|\bet\b")
_OWN_DOSE = _C(rf"{_START}{_NUMR}\s*(?:de\s+|d')?{_UNIT}"
               rf"|{_START}{_NUMR}\s*(?:le\s+|la\s+|au\s+|a\s+|l')?(?:matin|midi|soir|coucher|nuit)\b"
               r"|(?<![\w./-])\d{1,2}(?:\.\d+)?(?:\s*[-/+]\s*\d{1,2}(?:\.\d+)?){2,3}")
_REGIMEN = _C(rf"{_OWN_DOSE.pattern}|\bfois\b|\bx\s*\d|\d\s*x\b|/\s*j\b|\bpar\s+(?:jour|semaine|mois)\b"
              r"|\b(?:matin|midi|soir|coucher)\b|\btou(?:te)?s\s+les\b|\bchaque\b")


def _pieces(text: str, separator: re.Pattern[str]) -> list[str]:
    bounds = [0, *(match.start() for match in separator.finditer(text)), len(text)]
    return [text[start:end] for start, end in pairwise(bounds) if end > start]


_Marks = tuple[bool, bool]


def _group(pieces: Iterable[str], mark: Callable[[str], _Marks],
           starts_new: Callable[[_Marks, _Marks], bool]) -> list[str]:
    """Joins pieces into groups; a group's marks are its pieces' marks or-ed together."""
    groups: list[str] = []
    marks: list[_Marks] = []
    for piece in pieces:
        piece_marks = mark(piece)
        if groups and not starts_new(marks[-1], piece_marks):
            groups[-1] += piece
            marks[-1] = (marks[-1][0] or piece_marks[0], marks[-1][1] or piece_marks[1])
        else:
            groups.append(piece)
            marks.append(piece_marks)
    return groups


def _regimen_mark(piece: str) -> _Marks:
    return bool(_REGIMEN.search(piece)), False


def _dose_mark(piece: str) -> _Marks:
    return bool(_OWN_DOSE.search(piece)), False


def _dose_and_duration_marks(piece: str) -> _Marks:
    return bool(_OWN_DOSE.search(piece)), _has_duration(piece)


def _new_phase_after_puis(_current: _Marks, piece: _Marks) -> bool:
    return piece[0]


def _new_soft_phase(current: _Marks, piece: _Marks) -> bool:
    return piece[0] and piece[1] and current[1]


def _new_segment(current: _Marks, piece: _Marks) -> bool:
    return piece[0] and current[0]


def _split_phases(text: str) -> list[str]:
    hard = _group(_pieces(text, _HARD_SPLIT), _regimen_mark, _new_phase_after_puis)
    if len(_DURATION_HINT.findall(text)) < 2:
        return hard
    return [phase for part in hard
            for phase in _group(_pieces(part, _SOFT_SPLIT), _dose_and_duration_marks, _new_soft_phase)]


# --- one phase ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Phase:
    unit: str | None
    daily: float | None
    duration: float | None
    dose: _Dose | None
    per_intake: float | None = None


@dataclass(slots=True)
class _PhaseParts:
    segments: list[_Segment]
    limits: list[_Limit] = field(default_factory=list)
    multiplier: float = 1.0


def _parse_phase(text: str, previous: _Dose | None) -> _Phase:
    buffer = _Buffer(text)
    duration = _take_duration(buffer)
    limits = _take_limits(buffer)
    for offset in _OFFSETS:
        buffer.take(offset)
    multiplier = 2.0 if buffer.take(_BOTH_SIDES) else 1.0
    pieces = _group(_pieces(buffer.text, _SEGMENT_SPLIT), _dose_mark, _new_segment)
    parts = _PhaseParts([_parse_segment(piece) for piece in pieces], limits, multiplier)
    segments = _main_segments(parts.segments)
    _share_rest_of_week([segment.frequency for segment in segments])
    dose = next((s.dose for s in segments if s.dose is not None), None)
    unit = dose.unit if dose else previous.unit if previous and _inherits(segments) else None
    unit = unit or next((limit.unit for limit in limits if limit.unit), None)
    daily = _phase_daily(parts, segments, previous, dose or previous)
    intakes = [amount for s in segments if (amount := _segment_per_intake(s, previous)) is not None]
    per_intake = max(intakes) * multiplier if intakes else None
    return _Phase(unit, daily, duration, dose, per_intake)


def _segment_per_intake(segment: _Segment, previous: _Dose | None) -> float | None:
    frequency = segment.frequency
    if segment.sequence is not None:
        return max(segment.sequence)
    dose = segment.dose or (previous if frequency.known() else None)
    if dose is None:
        return None
    if segment.dose is not None and (dose.per_days == 1 or frequency.split):
        return dose.amount / (frequency.per_day or frequency.slots or 1)
    return dose.amount


def _inherits(segments: list[_Segment]) -> bool:
    return any(s.dose is None and s.sequence is None and s.frequency.known() for s in segments)


def _main_segments(segments: list[_Segment]) -> list[_Segment]:
    """Keeps the segments in the phase's unit: a lone "500 mg" beside "1 cp" is the strength."""
    units = [s.dose.unit for s in segments if s.dose is not None and s.dose.unit]
    counted = [unit for unit in units if unit not in _NON_COUNT]
    main = next(iter(counted or units), None)
    kept = [s for s in segments if s.dose is None or s.dose.unit in (main, None)]
    _inherit_frequency(kept)
    return kept


def _inherit_frequency(segments: list[_Segment]) -> None:
    known = [s.frequency for s in segments if s.frequency.known()]
    for segment in segments:
        if known and not segment.frequency.known() and segment.dose and not segment.dose.per_days:
            segment.frequency = known[-1]


def _phase_daily(parts: _PhaseParts, segments: list[_Segment], previous: _Dose | None,
                 dose: _Dose | None) -> float | None:
    dailies = [daily for s in segments if (daily := _segment_daily(s, previous)) is not None]
    daily = sum(dailies) * parts.multiplier if dailies else None
    ceilings = [units for limit in parts.limits if (units := _limit_units(limit, dose)) is not None]
    if not ceilings:
        return daily
    regular = any(s.frequency.known() or s.sequence is not None or (s.dose and s.dose.per_days)
                  for s in segments)
    return min(daily, *ceilings) if daily is not None and regular else min(ceilings)


def _limit_units(limit: _Limit, dose: _Dose | None) -> float | None:
    if limit.intakes:
        return limit.per_day * (dose.amount if dose else 1.0)
    if limit.unit is None or dose is None or limit.unit == dose.unit:
        return limit.per_day
    if dose.strength and limit.unit in _MASS_UNITS and dose.strength[1] in _MASS_UNITS:
        strength = dose.strength[0] * _MASS_UNITS[dose.strength[1]]
        return _divide(limit.per_day * _MASS_UNITS[limit.unit], strength)
    return None


def _parse_phases(text: str) -> list[_Phase]:
    phases: list[_Phase] = []
    previous: _Dose | None = None
    for chunk in _split_phases(rewrite_day_schedule(text)):
        phase = _parse_phase(chunk, previous)
        phases.append(phase)
        previous = phase.dose or previous
    return phases


def _durations(phases: list[_Phase]) -> float | None:
    durations = [phase.duration for phase in phases]
    return sum(d for d in durations if d is not None) if durations and None not in durations else None


def _total(phases: list[_Phase]) -> float | None:
    if any(phase.daily is None or phase.duration is None for phase in phases) or not phases:
        return None
    return sum((phase.daily or 0.0) * (phase.duration or 0.0) for phase in phases)
