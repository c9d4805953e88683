"""Durations of a phase: "pendant 10 jours", "qsp 3 mois", "en prise unique"."""

from __future__ import annotations

import re

from comptoir.reading.posology.numbers import _NUM, _NUMR, _high, _period_days
from comptoir.reading.posology.patterns import _C, _Buffer, _rare

_DURATION_UNIT = r"(?P<u>jours?|jrs?|j|semaines?|sem|mois|ans?|annees?)"
_DURATION_PREFIX = (r"\b(?:pendant|pdt|durant|sur|pour|qsp|q\.?s\.?p\.?|x|duree(?:\s+de)?"
                    r"|traitement\s+(?:de|d')|cure\s+(?:de|d')|a\s+poursuivre)")
_DURATION_PATTERNS = (
    _C(rf"{_DURATION_PREFIX}\s*:?\s*(?:les\s+)?(?P<n>{_NUMR})\s*{_DURATION_UNIT}\b(?!\s*(?:sur|/))"),
    _rare(rf"\b(?:pendant|pdt|durant|x)\s*(?P<n>{_NUMR})\s*(?P<u>h|heures?|hrs?)\b"
          r"(?!\s*(?:par\b|/|sur\b|chaque\b|toutes\b))",  # "12 h par jour": worn 12 h each day
          "pendant", "pdt", "durant", "x"),
    _rare(r"\b(?:le|la|l')?\s*(?P<n>1)\s*(?:er|ere|re)\s+(?P<u>jour|semaine|mois)\b", "1"),
    _rare(rf"\b(?:les\s+)?(?P<n>{_NUM})\s+premi(?:er|ere)s\s+(?P<u>jours|semaines|mois)\b", "premi"),
    _rare(r"\b(?:en\s+)?(?:prise|dose)\s+unique\b", "unique"),
    _C(rf"(?<![\w./])(?<!tous les )(?<!toutes les )(?<!chaque )(?P<n>{_NUMR})\s*{_DURATION_UNIT}\b"
       r"(?!\s*(?:sur|/|par\b|d'arret))"),
)
_PAUSE = _rare(rf"\b(?:arret|pause|fenetre|interruption)\s+(?:de\s+|d')?{_NUMR}\s*"
               rf"(?:jours?|j|semaines?|sem)\b|{_NUMR}\s*(?:jours?|j|semaines?)\s+d'arret",
               "arret", "pause", "fenetre", "interruption")


def _take_duration(buffer: _Buffer) -> float | None:
    buffer.take(_PAUSE)
    days = [_duration_days(match) for pattern in _DURATION_PATTERNS for match in buffer.take(pattern)]
    return max(days) if days else None


def _duration_days(match: re.Match[str]) -> float:
    found = match.groupdict()
    if not found.get("n"):
        return 1.0  # "en prise unique"
    return _high(found["n"]) * _period_days(found["u"])


def _has_duration(text: str) -> bool:
    return any(pattern.search(text) for pattern in _DURATION_PATTERNS)
