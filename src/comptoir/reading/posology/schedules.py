"""Schedules that change by day: "0,5 cp au jour 1 puis 0,75 cp au jour 2", "J1 : 2 cp, J2 à J5 : 1 cp".

Each day marker becomes a phase of its own length ("jour 1" → 1 day, "jours 2 à 5" → 4 days,
"semaine 2" → 7 days, "à partir de J3" → a phase with no stated end), written the way the phase
reader already understands: "pendant N jours", phases joined by "puis". The phases then give the
daily quantity (the largest daily amount reached) and, when every phase has a length, the duration.
"""

from __future__ import annotations

import re

from comptoir.reading.posology.patterns import _C
from comptoir.reading.posology.units import _UNIT

_NOT_A_LENGTH = (r"(?!\s*(?:[.,]\d|j\b|jours?\b|jrs?\b|semaines?\b|sem\b|mois\b|ans?\b|h\b|heures?\b"
                 rf"|fois\b|x\b|/|{_UNIT}))")
_FROM = r"(?P<from>(?:a\s+partir|a\s+compter)\s+(?:de\s+|du\s+|de\s+la\s+)?|des\s+(?:le\s+|la\s+)?)?"
# "par jour 3 semaines", "chaque jour 2" and "/j 10 j" are frequencies followed by a number, no marker
_DAY_MARKER = _C(
    rf"(?<!par )(?<!chaque )(?<!les )(?<!/)(?<!/ )\b{_FROM}(?:(?:au|le|la|du|des)\s+)?"
    r"(?:(?P<day>jours?|j)|(?P<week>semaines?|sem))\s*(?P<a>\d{1,2})(?![\d.])"
    rf"(?:\s*(?:a|-|au)\s*(?:(?:jours?|j|semaines?|sem)\s*)?(?P<b>\d{{1,2}})(?![\d.]))?{_NOT_A_LENGTH}"
    r"|\b(?:le|au)\s+(?P<nth>[2-9]|1\d)\s*(?:e|eme|ieme)\s+(?P<nthu>jour|semaine)\b"
)
_OWN_DOSE = _C(rf"(?<![\w.])\d+(?:\.\d+)?\s*(?:de\s+|d')?{_UNIT}")


def rewrite_day_schedule(text: str) -> str:
    """Writes day markers as phases; text without them, or with days it cannot join, is returned unchanged."""
    groups = _marker_groups(text)
    if not groups:
        return text
    dose = _OWN_DOSE.search(text)
    marker_first = dose is None or groups[0][0].start() < dose.start()
    pieces: list[str] = []
    last = 0
    for index, group in enumerate(groups):
        days = _group_days(group)
        if days is False:
            return text  # "à J0 et J28": days apart, no phase to write
        pieces.append(text[last:group[0].start()])
        pieces.append(_phase_words(days, marker_first and index > 0, not marker_first))
        last = group[-1].end()
    pieces.append(text[last:])
    return "".join(pieces)


def _marker_groups(text: str) -> list[list[re.Match[str]]]:
    """Markers with no dose between them name the days of one phase ("1 cp à J1, J2 et J3")."""
    groups: list[list[re.Match[str]]] = []
    for marker in _DAY_MARKER.finditer(text):
        if groups and not _OWN_DOSE.search(text, groups[-1][-1].end(), marker.start()):
            groups[-1].append(marker)
        else:
            groups.append([marker])
    return groups


def _group_days(group: list[re.Match[str]]) -> float | bool | None:
    """The phase's days, None when open-ended, False when the markers name days that are not in a row."""
    if len(group) == 1:
        return _marker_days(group[0])
    if any(marker.group("nth") or marker.group("from") or marker.group("week") for marker in group):
        return False
    days = sorted({day for marker in group
                   for day in range(int(marker.group("a")), int(marker.group("b") or marker.group("a")) + 1)})
    return float(len(days)) if days == list(range(days[0], days[-1] + 1)) else False


def _phase_words(days: float | None, before: bool, after: bool) -> str:
    length = "" if days is None else f" pendant {days:g} jours "
    return f"{' puis ' if before else ' '}{length}{' puis ' if after else ' '}"


def _marker_days(marker: re.Match[str]) -> float | None:
    if marker.group("nth"):
        return 7.0 if marker.group("nthu") == "semaine" else 1.0
    if marker.group("from"):
        return None  # "à partir de J3": runs on with no stated end
    first, last = int(marker.group("a")), int(marker.group("b") or marker.group("a"))
    span = max(last - first + 1, 1)
    return span * (7.0 if marker.group("week") else 1.0)
