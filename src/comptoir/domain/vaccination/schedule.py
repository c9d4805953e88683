"""The next dose a schedule calls for after a vaccination, printed on the certificate.

Schedules (calendrier des vaccinations 2025 and the RCP) [P]:
- dTcaP/dTP: the next booster age (25, 45, 65, then every 10 years), on that birthday;
- flu: the next seasonal campaign (15 October) [U for the date, see rules.py];
- hepatitis B: 3 doses at 0, 1 and 6 months; hepatitis A: 2 doses at 0 and 6 months; Twinrix: 0, 1, 6 months;
- HPV (Gardasil 9): from 15 years 3 doses at 0, 2 and 6 months; from 11 to 14 years 2 doses at 0 and 6 months;
- meningococcus B (Bexsero): 2 doses one month apart;
- Covid, meningococcus ACWY, pneumococcus, rabies: no date printed (it depends on the person's risks).
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from comptoir.domain.vaccination.rules import FLU_CAMPAIGN_START, age_on, next_booster_age
from comptoir.domain.vaccination.vaccines import VaccineKind

BOOSTER = "rappel"
HPV_TWO_DOSES_UNTIL = 14

# {kind: months after dose n (index n-1) until the next dose}
_SERIES: dict[VaccineKind, tuple[int, ...]] = {
    VaccineKind.HEPATITIS_B: (1, 5),
    VaccineKind.HEPATITIS_AB: (1, 5),
    VaccineKind.HEPATITIS_A: (6,),
    VaccineKind.MENINGOCOCCUS_B: (1,),
}


def next_dose_due(kind: VaccineKind, *, dose: str, birth_date: date, given_on: date) -> date | None:
    """When the next dose is due, or None when the schedule names no date."""
    if kind in (VaccineKind.DTCAP_POLIO, VaccineKind.DTP):
        return _birthday(birth_date, next_booster_age(age_on(birth_date, given_on)))
    if kind is VaccineKind.FLU:
        opening = date(given_on.year, *FLU_CAMPAIGN_START)
        return opening if given_on < opening else opening.replace(year=given_on.year + 1)
    months = _months_until_next(kind, dose, age_on(birth_date, given_on))
    return add_months(given_on, months) if months else None


def _months_until_next(kind: VaccineKind, dose: str, age: int) -> int | None:
    if not dose.isdigit():
        return None
    rank = int(dose)
    series = _SERIES.get(kind) or _hpv_series(kind, age)
    return series[rank - 1] if 0 < rank <= len(series) else None


def _hpv_series(kind: VaccineKind, age: int) -> tuple[int, ...]:
    if kind is not VaccineKind.HPV:
        return ()
    return (6,) if age <= HPV_TWO_DOSES_UNTIL else (2, 4)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _birthday(birth_date: date, age: int) -> date:
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:  # born on 29 February
        return date(birth_date.year + age, 3, 1)
