"""How much one delivery may supply: a month of treatment, more only for long packs and contraceptives.

CSP R.5123-2 (formerly R.5148 bis, whose text we read: "le pharmacien ne peut délivrer en une seule fois une
quantité de médicaments correspondant à une durée de traitement supérieure à quatre semaines ou à trente jours
selon le conditionnement"): a longer prescription is delivered a month at a time. "Selon le conditionnement":
a box made for 28 days and one made for 30 both count as a month, so the cap is the boxes that last 30 days at
the posology, and never less than one box.

Exceptions [unverified: the current wording of R.5123-2 was not read, only its former text and secondary
sources]: a pack made for more than a month (84, 90 tablets at one a day) may be delivered for up to three
months, and contraceptives (ATC G03A, and the vaginal ring G02BB) for three months (the former text said
twelve weeks; CSP R.5134-4-2 caps their supplementary dispensing at three months at once).
The rule conditions the reimbursement of any prescribed medicine, listed or not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MONTH_DAYS = 30
"""Four weeks or thirty days "selon le conditionnement": boxes lasting up to 30 days."""
LONG_SUPPLY_DAYS = 90
"""Three months: packs made for more than a month, contraceptives [unverified, see above]."""
CONTRACEPTIVE_ATC = ("G03A", "G02BB")


def contraceptive(atc: str | None) -> bool:
    return bool(atc) and str(atc).upper().startswith(CONTRACEPTIVE_ATC)


def supply_limit(units_per_box: float, daily_quantity: float, *, contraceptive: bool = False) -> int:
    """The days one delivery may cover with this box."""
    if contraceptive or units_per_box / daily_quantity > MONTH_DAYS + 1e-9:
        return LONG_SUPPLY_DAYS
    return MONTH_DAYS


def max_boxes(units_per_box: float, daily_quantity: float, *, contraceptive: bool = False) -> int:
    """The most boxes one delivery may give: those lasting the limit at the posology, at least one."""
    limit = supply_limit(units_per_box, daily_quantity, contraceptive=contraceptive)
    return max(1, math.floor(limit * daily_quantity / units_per_box + 1e-9))


def days_of(boxes: int, units_per_box: float, daily_quantity: float) -> int:
    """The whole days `boxes` last at the posology."""
    return math.floor(boxes * units_per_box / daily_quantity + 1e-9)


@dataclass(frozen=True, slots=True)
class Supply:
    boxes: int
    days: int | None
    """The days the boxes last (None: not capped, the plan's own days stand)."""
    reason: str | None = None
    """French, when fewer boxes than the prescription needs are given."""


def capped(boxes: int, units_per_box: float, daily_quantity: float, *, contraceptive: bool = False) -> Supply:
    """`boxes` cut to what one delivery may supply, with the reason in French."""
    most = max_boxes(units_per_box, daily_quantity, contraceptive=contraceptive)
    if boxes <= most:
        return Supply(boxes, None)
    days = days_of(most, units_per_box, daily_quantity)
    limit = supply_limit(units_per_box, daily_quantity, contraceptive=contraceptive)
    why = ("trois mois au plus pour un contraceptif ou une boîte de plus d'un mois" if limit == LONG_SUPPLY_DAYS
           else "un mois de traitement au plus, quatre semaines ou trente jours selon la boîte")
    return Supply(most, days, f"Une délivrance couvre {why} (CSP R.5123-2) : {most} boîte(s) pour {days} jours "
                              f"au lieu de {boxes} ; la suite se délivre quand cette période s'achève.")


def oversupply(boxes: int, units_per_box: float, daily_quantity: float, *, contraceptive: bool = False) -> str | None:
    """French warning when the boxes on a line last longer than one delivery may cover."""
    if boxes <= max_boxes(units_per_box, daily_quantity, contraceptive=contraceptive):
        return None
    limit = supply_limit(units_per_box, daily_quantity, contraceptive=contraceptive)
    return (f"{boxes} boîtes couvrent {days_of(boxes, units_per_box, daily_quantity)} jours : une délivrance couvre "
            f"{limit} jours au plus (CSP R.5123-2).")
