"""Renewals of a prescription line: when the next one may be delivered, which lines are still offered,
and the prescription's status from what is left to deliver.

When: CSP R.5132-14 — "le renouvellement de la délivrance d'un médicament ne peut avoir lieu qu'après un
délai déterminé résultant de la posologie et des quantités précédemment délivrées" (read on the Ordre
des pharmaciens' sheet "Délivrance en officine des médicaments relevant des listes I et II"). So the
earliest date of renewal n is the previous delivery's date plus the days that delivery covers, minus a
tolerance.

The tolerance [unverified]: the CSP gives no number and no official text we could read names one. We
keep RENEWAL_TOLERANCE_DAYS = 7 days, never more than a quarter of the period (a 28-day box may be
renewed from its 21st day; a 7-day one from its 6th): a patient must not run out over a weekend and a
closed day, while a month's box delivered again the same week is refused. It is the most plausible rule
because it is what a pharmacist applies by hand, and it keeps renewals from piling up (7 days early at
each of 11 renewals still ends within the 12 months of R.5132-21). Where overlap is forbidden
(stupéfiants and products whose conditions say so, R.5132-33) the tolerance is 0.

Which lines: a line whose renewals are all delivered (or that had none) is never offered again.
Status (SPEC §4.4–4.6, statuses of domain/eprescription/prescription.py): executed once every period of
every line is closed, partly executed while something was delivered and periods are left, expired after
the validity with periods left, cancelled by the prescriber.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from comptoir.domain.eprescription.prescription import Status
from comptoir.errors import RuleViolation

RENEWAL_TOLERANCE_DAYS = 7
"""Days before the end of the previous period from which a renewal may be delivered [unverified, see above]."""


def tolerance_days(days_covered: int, *, overlap_forbidden: bool = False) -> int:
    if overlap_forbidden:
        return 0
    return min(RENEWAL_TOLERANCE_DAYS, days_covered // 4)


def days_covered(boxes: int, units_per_box: float | None, daily_quantity: float | None,
                 prescribed_days: int | None) -> int | None:
    """Days the boxes delivered last time last at the posology (rounded down: a partial day does not count);
    the prescribed period when the boxes cannot be converted."""
    if boxes and units_per_box and daily_quantity:
        return math.floor(boxes * units_per_box / daily_quantity + 1e-9)
    return prescribed_days


def earliest_renewal(previous_delivery: date, days: int, *, overlap_forbidden: bool = False) -> date:
    """Previous delivery + the days it covers − the tolerance (R.5132-14)."""
    return previous_delivery + timedelta(days=days - tolerance_days(days, overlap_forbidden=overlap_forbidden))


def check_renewal_date(line_number: int, renewal: int, *, earliest: date, today: date) -> None:
    """Refuse, in French, a renewal before its earliest date (naming the date and the rule)."""
    if today < earliest:
        raise RuleViolation(renewal_too_early(line_number, renewal, earliest))


def renewal_too_early(line_number: int, renewal: int, earliest: date) -> str:
    return (f"Ligne {line_number} : renouvellement {renewal} trop tôt, possible à partir du {earliest:%d/%m/%Y} "
            "(la délivrance précédente couvre le traitement jusque-là ; CSP R.5132-14, "
            f"tolérance de {RENEWAL_TOLERANCE_DAYS} jours au plus).")


def offered(renewals_prescribed: int, renewal: int) -> bool:
    """Is period `renewal` (0: first delivery) one the line has: a non-renewable line only has period 0."""
    return 0 <= renewal <= renewals_prescribed


@dataclass(frozen=True, slots=True)
class Remaining:
    periods: int
    """Periods of all lines (first deliveries and renewals) not closed yet."""
    delivered_any: bool


def remaining(periods_of_lines: Iterable[int], closed: Iterable[tuple[int, int]],
              line_numbers: Iterable[int]) -> Remaining:
    """From each line's number of periods (renewals + 1) and the (line, period) pairs closed."""
    shut = set(closed)
    numbers = list(line_numbers)
    total = {(number, period) for number, count in zip(numbers, periods_of_lines, strict=True)
             for period in range(count)}
    return Remaining(len(total - shut), bool(shut & total))


def status_from(left: Remaining, *, cancelled: bool, expired: bool) -> Status:
    """The prescription's status from what is left to deliver."""
    if cancelled:
        return Status.CANCELLED
    if left.periods == 0:
        return Status.EXECUTED
    if expired:
        return Status.EXPIRED
    return Status.PARTIAL if left.delivered_any else Status.ACTIVE
