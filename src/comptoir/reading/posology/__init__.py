"""Posology text → structured fields: unit, quantity per day, duration, renewals, boxes.

`parse_posology` reads the free text a French prescriber writes on a prescription line
("1 cp matin et soir pdt 10 j", "1-0-1 qsp 3 mois", "2 bouffées si gêne, max 8/j") and returns a
`Posology` whose `contract()` gives the seven fields the rest of comptoir relies on.

Conventions (an outside reader may choose otherwise; these are ours):

- `unit` is the singular French noun, abbreviations expanded ("cp", "cpr" → "comprimé",
  "gél" → "gélule", "gtt" → "goutte", "c. à café" → "cuillère à café"). "UI" stays "UI";
  "unité(s)" written in full gives "unité". A count unit (comprimé, sachet…) wins over a mass
  or volume written next to it ("Doliprane 1 g : 1 cp" → comprimé). "en bain de bouche" after
  the dose is a route, not a unit; "appliquer" with no unit gives "application".
- `daily_quantity` is units per day: the dose × intakes per day × share of days taken.
  Ranges take their maximum ("1 à 2 cp" → 2, "toutes les 4 à 6 h" → 6 intakes); a stated
  limit ("sans dépasser 4 par jour", "max 3 prises/j", "espacer de 6 h") is the quantity when
  no regular schedule is given, else it caps the schedule. Weekly → /7 ("le lundi" → 1/7),
  a month is 30 days ("tous les 3 mois" → 1/90), a year 365 days, "1 jour sur 2" halves.
  "chaque narine", "chaque œil", "les yeux"… double. With no frequency at all the dose is taken
  once a day (also for "si besoin" without a limit). Phases joined by "puis" give the maximum.
  "2 cp/j", "2 cp par jour" is the day's total, even beside "matin et soir"; "1 cp 3/j" is
  three intakes. "soir au coucher" is one intake; "à chaque repas" three, counted only when no
  other time of day is given except bedtime ("après les repas et au coucher" → 4).
  Intervals: "toutes les 6 h" → 4 intakes, "tous les 3 jours" → 1/3. Day schedules ("0,5 cp au
  jour 1 puis 0,75 cp au jour 2", "J1 : 2 cp, J2 à J5 : 1 cp", "semaine 1 : ...") are phases of
  the days named: the daily quantity is the largest daily amount reached. "du lundi au vendredi"
  is 5/7. A delivery rate ("Durogesic 50 µg/h", "21 mg/24 h") is no dose.
- `duration_days`: days; week 7, month 30, year 365, hours /24; a range takes its maximum;
  the phases' durations are summed (unknown when one phase has none).
- `total_quantity` = Σ daily × duration over the phases, when every phase has both.
- `renewals` counts "à renouveler N fois", "AR N", "N renouvellements"; "à renouveler N mois"
  is N months over the treatment's duration (a month when it is not given). QSP is no renewal.
- `as_needed`: "si besoin", "si douleur", "si <symptôme>", "en cas de", "sb", "à la demande",
  "au besoin", "lors des crises", "selon la douleur", "en fonction de la gêne"…, but not "si
  possible", "en cas d'oubli" nor a condition on how to take it ("si difficulté à avaler, ouvrir
  la gélule", "si vomissement dans l'heure, reprendre 1 cp").
- `boxes` counts "N boîtes" and "N flacons/tubes" that are not a dose ("boîte de 30" alone is
  one box); null when not said.
- Numbers are rounded: daily to 6 decimals, total to 4, duration to whole days when whole.
- `understood` is False when none of the fields could be read; they are then all empty.
  `per_intake` (units at one intake) is given beside the contract for dose checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from comptoir.reading.posology.as_needed import _is_as_needed
from comptoir.reading.posology.numbers import _RESTATEMENT, _normalize
from comptoir.reading.posology.patterns import _Buffer
from comptoir.reading.posology.phases import _durations, _parse_phases, _total
from comptoir.reading.posology.renewals import _renewal_count, _take_boxes, _take_renewals
from comptoir.reading.posology.units import _standalone_unit

__all__ = ["CONTRACT_FIELDS", "Posology", "parse_lines", "parse_posology"]

CONTRACT_FIELDS = ("unit", "daily_quantity", "duration_days", "as_needed", "renewals", "boxes",
                   "total_quantity")


@dataclass(frozen=True, slots=True)
class Posology:
    text: str
    understood: bool
    unit: str | None = None
    daily_quantity: float | None = None
    duration_days: float | None = None
    as_needed: bool = False
    renewals: int = 0
    boxes: int | None = None
    total_quantity: float | None = None
    per_intake: float | None = None
    """Units taken at one intake (the largest over the phases); not part of the contract."""

    def contract(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in CONTRACT_FIELDS}



def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits) + 0.0


def _days(value: float | None) -> float | None:
    if value is None:
        return None
    return round(value) if abs(value - round(value)) < 1e-9 else round(value, 2)


def parse_posology(text: str) -> Posology:
    """Reads one posology; never raises. `understood` is False when nothing could be read."""
    normalized = _normalize(text)
    buffer = _Buffer(normalized)
    renewal_count, renewal_period = _take_renewals(buffer)
    boxes = _take_boxes(buffer)
    buffer.take(_RESTATEMENT)
    phases = _parse_phases(buffer.text)
    dailies = [phase.daily for phase in phases if phase.daily is not None]
    duration = _durations(phases)
    result = Posology(
        text=text, understood=True,
        unit=next((p.unit for p in phases if p.unit), None) or _standalone_unit(normalized, text),
        daily_quantity=_rounded(max(dailies), 6) if dailies else None,
        duration_days=_days(duration), as_needed=_is_as_needed(normalized),
        renewals=_renewal_count(renewal_count, renewal_period, duration), boxes=boxes,
        total_quantity=_rounded(_total(phases), 4),
        per_intake=_rounded(max((p.per_intake for p in phases if p.per_intake), default=None), 6))
    return result if _says_something(result) else Posology(text=text, understood=False)


def _says_something(result: Posology) -> bool:
    return (result.unit is not None or result.daily_quantity is not None or result.duration_days is not None
            or result.as_needed or result.renewals > 0 or result.boxes is not None)


def parse_lines(texts: Iterable[str]) -> list[Posology]:
    return [parse_posology(text) for text in texts]

