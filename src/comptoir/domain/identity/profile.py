"""The patient's profile at the counter: allergies, pregnancy and its term, breastfeeding, weight, renal function.

What the operator types is read here (French decimals: "52,5" as "52.5"; dates as a date field sends them or as
people write them) and refused field by field, in French, when it cannot be a person's. Pure: `today` is given.

The pregnancy's term is typed in weeks of amenorrhoea (semaines d'aménorrhée, SA) as of today; the record keeps
the day the amenorrhoea began (today − SA × 7 days), so that the term advances by itself: 19 SA typed on
12 November reads 23 SA on 10 December.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from comptoir.domain import bounds
from comptoir.errors import FieldErrors, RuleViolation

T = TypeVar("T")

WEIGHT_MAX_KG = Decimal(350)
"""Above what any scale of a pharmacy reads or any dose is computed on (the heaviest people weighed alive are about
300 kg); a weight of 0 or less is none. Beyond, the figure is a slip: 3500 typed for 35,00."""
EGFR_MIN, EGFR_MAX = Decimal(1), Decimal(200)
"""eGFR, ml/min/1,73 m² (CKD-EPI, MDRD): KDIGO 2012 grades renal function from G1 (≥ 90) to G5 (< 15); young adults
measure about 100–130 and laboratories report no estimate above about 200; below 1 there is no function to give a
figure for (dialysis is said in words)."""
WEEKS_MIN, WEEKS_MAX = 1, 42
"""Term in weeks of amenorrhoea: a pregnancy is "à terme" from 37 to 41 SA + 6 days and "terme dépassé" at 42 SA,
when delivery is induced (CNGOF, recommandations pour la pratique clinique « Grossesse prolongée et terme dépassé »,
2011): no pregnancy reaches 43 SA. Under 1 SA nothing can be known yet."""
ALLERGIES_MAX = 50
"""Allergies of one patient: more would be a pasted text, not a list (the API's limit too)."""

_NUMBER = re.compile(r"^[+-]?\d{1,6}(?:[.,]\d+)?$")
_TERM = re.compile(r"^(\d{1,3})\s*(?:sa)?\s*(?:\+\s*(\d)\s*(?:j|jours?)?)?$", re.IGNORECASE)
""""23", "23 SA", "23+4", "23 SA + 4 j": weeks, and the days past the last full week (0 to 6)."""
_ALLERGY_SEPARATORS = re.compile(r"[,;\n]")


@dataclass(frozen=True, slots=True)
class Profile:
    """What a prescription is analysed against, besides age and sex (`analysis.case.PatientProfile`)."""

    allergies: tuple[str, ...] = ()
    pregnant: bool = False
    amenorrhoea_start: date | None = None
    """The first day of the last menstrual period, as the typed term says: the term is counted from it."""
    breastfeeding: bool = False
    weight_kg: Decimal | None = None
    weight_on: date | None = None
    """The day the weight was recorded."""
    egfr: Decimal | None = None
    """Estimated glomerular filtration rate, ml/min/1,73 m²."""
    egfr_on: date | None = None
    """The day of the measurement (the laboratory's, not the day it was typed)."""

    def pregnancy_weeks(self, today: date) -> int | None:
        """Full weeks of amenorrhoea on `today` (None: not pregnant, or the term unknown)."""
        if not self.pregnant or self.amenorrhoea_start is None:
            return None
        return (today - self.amenorrhoea_start).days // 7

    def term_overdue(self, today: date) -> bool:
        """The term passed 42 SA: the pregnancy is over, and the record waits for someone to say so."""
        weeks = self.pregnancy_weeks(today)
        return weeks is not None and weeks > WEEKS_MAX


@dataclass
class _Reading:
    """The form being read: each field's value, or its French message."""

    values: Mapping[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    def text(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def checked(self, name: str) -> bool:
        return self.values.get(name, "") in ("on", "true", "1", "oui")

    def read(self, name: str, parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except RuleViolation as refused:
            self.errors[name] = str(refused)
            return None


def read_profile(values: Mapping[str, str], *, sex: str, today: date, before: Profile) -> Profile:
    """The profile typed in the form; `before` is the record's, so that an unchanged figure keeps its date.

    Raises `FieldErrors` ({field: message}) when any field cannot be kept: then nothing is to be changed."""
    form = _Reading(values)
    allergies = form.read("allergies", lambda: typed_allergies(form.text("allergies")))
    pregnancy = form.read("pregnant", lambda: _pregnancy(form, sex, today, before))
    weight = form.read("weight_kg", lambda: _weight(form.text("weight_kg"), today, before))
    egfr = form.read("egfr", lambda: _egfr(form, today, before))
    if form.errors:
        raise FieldErrors(form.errors)
    assert allergies is not None and pregnancy is not None and weight is not None and egfr is not None
    pregnant, start = pregnancy
    return Profile(allergies=allergies, pregnant=pregnant, amenorrhoea_start=start,
                   breastfeeding=form.checked("breastfeeding"), weight_kg=weight[0], weight_on=weight[1],
                   egfr=egfr[0], egfr_on=egfr[1])


def typed_allergies(text: str) -> tuple[str, ...]:
    """Allergies typed in one field, separated by commas, semicolons or lines; each kept once, in order."""
    found: dict[str, str] = {}
    for allergy in (a.strip() for a in _ALLERGY_SEPARATORS.split(text)):
        if allergy:
            found.setdefault(allergy.casefold(), allergy)
    check_allergies(tuple(found.values()))
    return tuple(found.values())


def check_allergies(allergies: tuple[str, ...]) -> None:
    if len(allergies) > ALLERGIES_MAX or any(len(a) > bounds.SHORT_TEXT_MAX for a in allergies):
        raise RuleViolation(f"Allergies : {ALLERGIES_MAX} au plus, de {bounds.SHORT_TEXT_MAX} caractères au plus "
                            "chacune.")


def _pregnancy(form: _Reading, sex: str, today: date, before: Profile) -> tuple[bool, date | None]:
    if not form.checked("pregnant"):
        return False, None
    if sex == "M":
        raise RuleViolation("Grossesse impossible : le dossier est celui d'un homme (sexe M).")
    start = form.read("pregnancy_weeks", lambda: amenorrhoea_start(form.text("pregnancy_weeks"), today, before))
    return True, start


def amenorrhoea_start(text: str, today: date, before: Profile) -> date | None:
    """The day the term typed today (in SA) counts from; the term the record already reads keeps its day."""
    if not text:
        return None
    found = _TERM.match(text)
    if not found:
        raise RuleViolation("Terme : un nombre de semaines d'aménorrhée, par exemple 23 (ou 23+4 avec les jours).")
    weeks, days = int(found[1]), int(found[2] or 0)
    if days > 6:
        raise RuleViolation("Terme : les jours après les semaines vont de 0 à 6 (23+4 : 23 SA et 4 jours).")
    if not WEEKS_MIN <= weeks <= WEEKS_MAX or (weeks == WEEKS_MAX and days):
        raise RuleViolation(f"Terme impossible : de {WEEKS_MIN} à {WEEKS_MAX} semaines d'aménorrhée (SA).")
    if found[2] is None and before.pregnant and weeks == before.pregnancy_weeks(today):
        return before.amenorrhoea_start
    return today - timedelta(weeks=weeks, days=days)


def _weight(text: str, today: date, before: Profile) -> tuple[Decimal | None, date | None]:
    if not text:
        return None, None
    weight = typed_decimal(text, "Poids", example="52,5", places=2)
    if not Decimal(0) < weight <= WEIGHT_MAX_KG:
        raise RuleViolation(f"Poids impossible : plus de 0 kg et {WEIGHT_MAX_KG} kg au plus.")
    return weight, _recorded_on(weight, before.weight_kg, before.weight_on, today)


def _egfr(form: _Reading, today: date, before: Profile) -> tuple[Decimal | None, date | None]:
    text = form.text("egfr")
    if not text:
        return None, None
    egfr = typed_decimal(text, "DFG", example="48", places=1)
    if not EGFR_MIN <= egfr <= EGFR_MAX:
        raise RuleViolation(f"DFG impossible : de {EGFR_MIN} à {EGFR_MAX} ml/min/1,73 m².")
    measured = form.read("egfr_on", lambda: egfr_date(form.text("egfr_on"), today))
    return egfr, measured


def egfr_date(text: str, today: date) -> date:
    """The day of the measurement: typed, not in the future."""
    if not text:
        raise RuleViolation("Date du dosage du DFG : obligatoire (celle du compte rendu du laboratoire).")
    measured = bounds.typed_date(text, "Date du dosage du DFG")
    if measured > today:
        raise RuleViolation(f"Date du dosage du DFG dans le futur : {measured:%d/%m/%Y}.")
    if measured < bounds.TYPED_OLDEST_BIRTH:
        raise RuleViolation(f"Date du dosage du DFG impossible : {measured:%d/%m/%Y}.")
    return measured


def _recorded_on(value: Decimal, old: Decimal | None, old_on: date | None, today: date) -> date:
    return old_on if old is not None and old_on is not None and value == old else today


def typed_decimal(text: str, what: str, *, example: str, places: int) -> Decimal:
    """A number typed the French way or the other ("52,5", "52.5", "−5"), with `places` decimals at most."""
    cleaned = text.strip().replace("\u2212", "-").replace(" ", "").replace("\u202f", "")
    wrong = RuleViolation(f"{what} : un nombre, par exemple {example}.")
    if not _NUMBER.match(cleaned):
        raise wrong
    try:
        number = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        raise wrong from None
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise RuleViolation(f"{what} : {places} décimale{'s' if places > 1 else ''} au plus.")
    return number


def french_decimal(number: Decimal) -> str:
    """52.50 → "52,5"; 60.0 → "60" (a decimal comma, no trailing zero)."""
    text = format(number.normalize(), "f")
    return text.replace(".", ",")


def form_values(profile: Profile, *, today: date) -> dict[str, str]:
    """What the edit form shows for this profile: what the operator would type, the French way."""
    weeks = profile.pregnancy_weeks(today)
    return {"allergies": ", ".join(profile.allergies), "pregnant": "on" if profile.pregnant else "",
            "pregnancy_weeks": str(weeks) if weeks is not None and not profile.term_overdue(today) else "",
            "breastfeeding": "on" if profile.breastfeeding else "",
            "weight_kg": french_decimal(profile.weight_kg) if profile.weight_kg is not None else "",
            "egfr": french_decimal(profile.egfr) if profile.egfr is not None else "",
            "egfr_on": (profile.egfr_on or today).isoformat()}


def pregnancy_label(profile: Profile, today: date) -> str:
    """"enceinte, 23 SA"; "" when not pregnant."""
    if not profile.pregnant:
        return ""
    weeks = profile.pregnancy_weeks(today)
    if weeks is None:
        return "enceinte (terme non renseigné)"
    if profile.term_overdue(today):
        return f"enceinte, terme dépassé ({weeks} SA) : à mettre à jour"
    return f"enceinte, {weeks} SA"


def weight_label(profile: Profile) -> str:
    """"52,5 kg (le 12/11/2026)"; "" when unknown."""
    if profile.weight_kg is None:
        return ""
    when = f" (le {profile.weight_on:%d/%m/%Y})" if profile.weight_on else ""
    return f"{french_decimal(profile.weight_kg)} kg{when}"


def egfr_label(profile: Profile) -> str:
    """"DFG 48 ml/min/1,73 m² (le 12/11/2026)"; "" when unknown."""
    if profile.egfr is None:
        return ""
    when = f" (le {profile.egfr_on:%d/%m/%Y})" if profile.egfr_on else ""
    return f"DFG {french_decimal(profile.egfr)} ml/min/1,73 m²{when}"


def merged_profile(kept: Profile, other: Profile) -> Profile:
    """One person's profile from the two records an identitovigilance merge joins. Allergies add up. A weight and
    an eGFR keep the most recently dated value (a dated one before an undated one; the kept record's on a tie). A
    pregnancy recorded on either record is kept, the later first day of amenorrhoea winning (the more recent
    pregnancy; one past its term shows "à mettre à jour" on the band). Breastfeeding said on either is kept: it has
    no date to compare, and the analysis must not forget it; the pharmacist corrects the band."""
    weight, weight_on = _latest((kept.weight_kg, kept.weight_on), (other.weight_kg, other.weight_on))
    egfr, egfr_on = _latest((kept.egfr, kept.egfr_on), (other.egfr, other.egfr_on))
    pregnant, start = _pregnancy_of(kept, other)
    return Profile(allergies=tuple(dict.fromkeys((*kept.allergies, *other.allergies))), pregnant=pregnant,
                   amenorrhoea_start=start, breastfeeding=kept.breastfeeding or other.breastfeeding,
                   weight_kg=weight, weight_on=weight_on, egfr=egfr, egfr_on=egfr_on)


def _latest(kept: tuple[T | None, date | None], other: tuple[T | None, date | None]) -> tuple[T | None, date | None]:
    if other[0] is None:
        return kept
    if kept[0] is None:
        return other
    return other if other[1] is not None and (kept[1] is None or other[1] > kept[1]) else kept


def _pregnancy_of(kept: Profile, other: Profile) -> tuple[bool, date | None]:
    if not other.pregnant:
        return kept.pregnant, kept.amenorrhoea_start
    if not kept.pregnant:
        return True, other.amenorrhoea_start
    return True, _latest((kept.amenorrhoea_start, kept.amenorrhoea_start),
                         (other.amenorrhoea_start, other.amenorrhoea_start))[0]
