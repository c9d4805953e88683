"""Renewals ("à renouveler 3 fois", "AR 2") and boxes ("2 boîtes", "3 flacons")."""

from __future__ import annotations

from comptoir.reading.posology.numbers import _NUM, _NUMR, _START, _high, _period_days
from comptoir.reading.posology.patterns import _C, _Buffer, _may_match, _rare
from comptoir.reading.posology.units import _UNIT

_NOT_A_COUNT = (r"(?!\s*(?:par\b|/|h\b|heures?\b|hrs?\b|min|jours?\b|j\b|semaines?\b|sem\b|mois\b|ans?\b"
                r"|apres\b|au\s+bout|dans\b))")
_RENEWAL_COUNTS = (
    _rare(rf"\brenouv\w*\.?\s*:?\s*(?:x\s*)?(?P<n>{_NUM})(?![\d.])(?:\s*(?:fois|x)(?![a-z]))?+{_NOT_A_COUNT}",
          "renouv"),
    _rare(rf"\ba\.?\s?r\.?\s*:?\s*(?:x\s*)?(?P<n>{_NUM})(?![\d.])(?:\s*(?:fois|x)(?![a-z]))?+{_NOT_A_COUNT}",
          "r"),
    _rare(rf"{_START}(?:x\s*)?(?P<n>{_NUM})\s*(?:renouvellements?\b|fois\s+renouvelable)", "renouv"),
)
_RENEWAL_PERIOD = _rare(
    rf"\brenouv\w*\s*(?:pendant|pdt|sur|durant)?\s*(?P<n>{_NUMR})\s*(?P<u>mois|semaines?|sem|ans?|annees?)\b",
    "renouv")
_BOX_WORDS = r"(?:boites?|btes?|bts?|conditionnements?|coffrets?)"
_BOX_HINTS = ("boit", "bt", "cond", "coffret")
_BOXES = _rare(rf"{_START}(?:x\s*)?(?P<n>{_NUM})\s*{_BOX_WORDS}(?![a-z])"
               rf"(?:\s*(?:de|x)\s*{_NUM}(?:\s*{_UNIT})?)?", *_BOX_HINTS)
_BOX_ALONE = _rare(rf"\b{_BOX_WORDS}\s*(?:de|x)\s*{_NUM}(?:\s*{_UNIT})?", *_BOX_HINTS)
_PACKAGE = _rare(rf"{_START}(?:x\s*)?(?P<n>{_NUM})\s*(?:flacons?|tubes?)(?![a-z])"
                 rf"(?:\s*de\s*{_NUM}\s*{_UNIT})?", "flacon", "tube")
_DOSING_FOLLOWS = _C(r"\s*(?:par\b|/|x\s*\d|\d+\s*(?:fois|x)|(?:le|la|au|a)\s+(?:matin|midi|soir|coucher)"
                     r"|matin|midi|soir|toutes|tous|chaque|si\b|en\s+cas)")


def _take_renewals(buffer: _Buffer) -> tuple[int | None, float | None]:
    counts = [match for pattern in _RENEWAL_COUNTS for match in buffer.take(pattern)]
    periods = buffer.take(_RENEWAL_PERIOD)
    count = round(_high(counts[0].group("n"))) if counts else None
    period = _high(periods[0].group("n")) * _period_days(periods[0].group("u")) if periods else None
    return count, period


def _renewal_count(count: int | None, period: float | None, duration: float | None) -> int:
    if count is not None:
        return count
    if period is None:
        return 0
    return round(period / (duration or 30.0))


def _take_boxes(buffer: _Buffer) -> int | None:
    counted = buffer.take(_BOXES)
    boxes = [round(float(match.group("n"))) for match in counted]
    if not counted and buffer.take(_BOX_ALONE):
        boxes.append(1)
    for match in list(_PACKAGE.finditer(buffer.text)) if _may_match(_PACKAGE, buffer.text) else []:
        if not _DOSING_FOLLOWS.match(buffer.text, match.end()):
            boxes.append(round(float(match.group("n"))))
            buffer.cut(match.start(), match.end())
    return sum(boxes) if boxes else None
