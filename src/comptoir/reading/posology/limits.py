"""Stated limits: "sans dépasser 4 par jour", "max 3 prises/j", "espacer de 6 h"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from comptoir.reading.posology.numbers import _DAY, _NUMR, _START, _divide, _high, _low
from comptoir.reading.posology.patterns import _Buffer, _rare
from comptoir.reading.posology.units import _UNIT, _canonical_unit

_CAP_WORDS = (r"\b(?:sans\s+(?:depasser|exceder)|ne\s+(?:pas\s+)?(?:depasser|exceder)|pas\s+plus\s+de"
              r"|au\s+maximum|au\s+max|maximum|maxi|max|jusqu'?\s*a|dans\s+la\s+limite\s+de|limite\s+a"
              r"|au\s+plus)")
_CAP_QUANTITY = rf"(?P<n>{_NUMR})(?![\d.])\s*(?:(?P<unit>{_UNIT})|(?P<k>fois|prises?|x)(?![a-z]))?"
_CAP_PERIOD = (rf"(?:(?:par|/|en|sur|a\s+la|au\s+cours\s+de\s+la|dans\s+la|chaque)\s*(?:(?P<d>{_DAY})"
               r"|(?P<w>semaines?|sem)|(?P<m>mois)|(?P<p>prises?))\b)")
_MAX = r"(?:au\s+)?max(?:imum|i)?\b\.?"
_CAP_HINTS = ("max", "depass", "exced", "plus de", "jusqu", "limite")
_CAPS = (
    _rare(rf"{_CAP_WORDS}\.?\s*:?\s*(?:de\s+|d'\s*)?"
          rf"(?!{_NUMR}\s*(?:jours?|j\b|semaines?|sem\b|mois|ans?\b|h\b))"  # "max 10 jours" is a duration
          rf"{_CAP_QUANTITY}\s*{_CAP_PERIOD}?", *_CAP_HINTS),
    _rare(rf"{_START}{_CAP_QUANTITY}\s*{_CAP_PERIOD}\s*{_MAX}", *_CAP_HINTS),
    _rare(rf"{_START}{_CAP_QUANTITY}\s*{_MAX}\s*{_CAP_PERIOD}", *_CAP_HINTS),
)
_GAP = _rare(r"\b(?:espac\w*|intervalle|delai|au\s+moins|minimum|renouv\w*|au\s+bout\s+de|attendre)"
             rf"\D{{0,30}}?(?P<n>{_NUMR})\s*(?:h|heures?|hrs?)\b"
             r"(?!\s*(?:avant|apres)\s+(?:le|les|la|l')\s*(?:repas|coucher))",
             "espac", "intervalle", "delai", "au moins", "minimum", "renouv", "au bout", "attendre")


@dataclass(frozen=True, slots=True)
class _Limit:
    per_day: float
    unit: str | None = None
    intakes: bool = False


def _take_limits(buffer: _Buffer) -> list[_Limit]:
    limits = [limit for pattern in _CAPS for m in buffer.take(pattern) if (limit := _limit(m)) is not None]
    limits += [_Limit(per_day, intakes=True) for m in buffer.take(_GAP)
               if (per_day := _divide(24, _low(m.group("n")))) is not None]
    return limits


def _limit(match: re.Match[str]) -> _Limit | None:
    if match.group("p"):
        return None  # a limit per intake, not per day
    period = 7.0 if match.group("w") else 30.0 if match.group("m") else 1.0
    unit = _canonical_unit(match.group("unit")) if match.group("unit") else None
    return _Limit(_high(match.group("n")) / period, unit, bool(match.group("k")))
