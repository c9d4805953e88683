"""Doses and quantities: the daily dose against a curated maximum, weekly drugs written daily,
the prescribed duration against the legal limit, and the boxes against the treatment's need.

The maxima come from the table of maximum daily doses (`dose_table`, data/max_daily_doses.csv): the
adult's, a lower ceiling from the age the label names for the elderly, and for a child the label's
weight-based maximum; a child whose weight is not known is said to be unchecked, never passed in silence.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from comptoir.analysis.case import Case
from comptoir.analysis.dose_table import DoseCeiling, dose_table
from comptoir.analysis.findings import Finding, Level
from comptoir.analysis.items import Item
from comptoir.analysis.profile import line_finding
from comptoir.analysis.reference import Component
from comptoir.refdata.search import fold

WEEKLY = (
    ("methotrexate", Level.CI, "méthotrexate à faible dose : prise HEBDOMADAIRE ; une prise quotidienne est un "
     "surdosage grave (décès rapportés)", "ANSM, erreurs médicamenteuses avec le méthotrexate (2018)"),
    ("acide alendronique", Level.ASDEC, "alendronate 70 mg : une prise par semaine", "RCP de l'alendronate"),
    ("risedronate", Level.ASDEC, "risédronate 35 mg : une prise par semaine", "RCP du risédronate"),
)
_LIMIT = re.compile(r"prescription limitée à (\d+) (jours|semaines|mois)", re.I)


def dose_findings(items: list[Item], case: Case) -> list[Finding]:
    age = case.patient.age_on(case.today)
    findings: list[Finding] = []
    for item in _lines(items):
        assert item.product is not None
        for component in item.product.components:
            findings += _max_dose(item, component, age, case.patient.weight_kg)
            findings += _weekly(item, component)
        findings += _vitamin_d_daily(item)
    return findings


def _lines(items: list[Item]) -> list[Item]:
    return [i for i in items if not i.is_history and i.product and i.posology and i.posology.understood]


@dataclass(frozen=True, slots=True)
class Limit:
    mg: float
    why: str
    by_weight: bool = False


def _max_dose(item: Item, component: Component, age: int | None, weight: float | None) -> list[Finding]:
    assert item.product is not None
    daily = item.mg_per_day(component)
    row = dose_table().ceiling_for(fold(component.name), item.product.routes)
    if daily is None or row is None:
        return []
    over_adult = daily > row.mg(row.adult_max) + 1e-6
    unchecked = _unchecked_because(row, age, weight)
    if unchecked and not over_adult:
        return [line_finding(item, component, Level.APEC, f"Dose de {component.name} non vérifiée : {unchecked}.",
                             row.citation, kind="dose")]
    limit = _limit_for(row, age, weight)
    if daily <= limit.mg + 1e-6:
        return []
    message = (f"Dose journalière de {component.name} {_number(row.in_unit(daily))} {row.unit} > maximum "
               f"{_number(row.in_unit(limit.mg))} {row.unit}/j ({limit.why}).")
    # Half again above the ceiling is an overdose; above an elderly ceiling only, a dose to reconsider.
    gross = daily >= 1.5 * limit.mg and (over_adult or limit.by_weight)
    return [line_finding(item, component, Level.CI if gross else Level.ASDEC, message, row.citation, kind="dose")]


def _limit_for(row: DoseCeiling, age: int | None, weight: float | None) -> Limit:
    """The lowest ceiling that applies: the adult's, the label's weight-based one (never above the adult's) and
    the elderly one from the row's age."""
    limits = [Limit(row.mg(row.adult_max), "adulte")]
    if weight is not None and row.doses_by_weight(age, weight):
        limits.append(_by_weight(row, weight))
    if row.elderly_max is not None and row.elderly_from_age is not None and age is not None \
            and age >= row.elderly_from_age:
        limits.append(Limit(row.mg(row.elderly_max),
                            f"sujet de {age} ans ; maximum réduit dès {row.elderly_from_age} ans"))
    return min(limits, key=lambda limit: limit.mg)


def _by_weight(row: DoseCeiling, weight: float) -> Limit:
    assert row.child_per_kg is not None
    by_weight = row.mg(row.child_per_kg) * weight
    cap = min(row.mg(row.adult_max), row.mg(row.child_max) if row.child_max is not None else math.inf)
    if by_weight <= cap:
        return Limit(by_weight, f"{_number(row.child_per_kg)} {row.unit}/kg/j pour {_number(weight)} kg",
                     by_weight=True)
    return Limit(cap, f"{_number(row.in_unit(cap))} {row.unit}/j au plus pour {_number(weight)} kg", by_weight=True)


def _number(value: float) -> str:
    """As the French write it: 0,5 ; 3000."""
    return f"{value:g}".replace(".", ",")


def _unchecked_because(row: DoseCeiling, age: int | None, weight: float | None) -> str | None:
    """Why the label's ceiling cannot be told for this patient: too young for the label, or a child the label
    doses by weight whose weight is not known."""
    if row.min_age_years is not None and age is not None and age < row.min_age_years:
        return f"le RCP ne donne pas de dose avant {_number(row.min_age_years)} ans"
    if weight is None and row.child_per_kg is not None and row.needs_weight(age):
        return (f"enfant de {age} ans sans poids au dossier (maximum {_number(row.child_per_kg)} {row.unit}/kg/j) ; "
                "noter son poids")
    return None


_WEEKLY_WORDS = re.compile(r"semaine|hebdo|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|/\s*sem\b|"
                           r"tous les (?:7|sept) jours|\b1\s*x\s*/\s*s", re.I)


def _weekly(item: Item, component: Component) -> list[Finding]:
    per_day = item.units_per_day()
    rule = next((r for r in WEEKLY if fold(component.name).startswith(r[0])), None)
    text = item.posology.text if item.posology else ""
    if rule is None or per_day is None or _WEEKLY_WORDS.search(text) or "inj" in fold(item.product.form
                                                                                        if item.product else ""):
        return []
    _, level, message, source = rule
    return [line_finding(item, component, level, f"{message} ; prescrit {per_day:g} fois par jour.", source,
                             kind="dose")]


def _vitamin_d_daily(item: Item) -> list[Finding]:
    assert item.product is not None
    strong = re.search(r"(\d{2,3})\s?000\s*UI", item.product.name)
    per_day = item.units_per_day()
    if not strong or int(strong.group(1)) < 50 or per_day is None or per_day < 0.5:
        return []
    component = item.product.components[0]
    return [line_finding(item, component, Level.CI,
                             f"{strong.group(0)} de vitamine D prescrits chaque jour : ces doses se prennent "
                             "par mois ou par trimestre (surdosage, hypercalcémie).", "RCP (ZYMAD, UVEDOSE)",
                             kind="dose")]


def quantity_findings(items: list[Item]) -> list[Finding]:
    findings: list[Finding] = []
    for item in _lines(items):
        findings += _duration_limit(item)
        findings += _boxes(item)
    return findings


def _duration_limit(item: Item) -> list[Finding]:
    assert item.product is not None and item.posology is not None
    duration = item.posology.duration_days
    limit = next((_days(int(m.group(1)), m.group(2)) for c in item.product.conditions if (m := _LIMIT.search(c))),
                 None)
    if duration is None or limit is None or duration <= limit:
        return []
    return [line_finding(item, item.product.components[0], Level.ASDEC,
                             f"Durée prescrite {duration:g} j > durée maximale de prescription ({limit} j).",
                             "Conditions de prescription de la BDPM (CSP R.5132-21 et suivants)", kind="quantity")]


def _days(count: int, unit: str) -> int:
    return count * {"jours": 1, "semaines": 7, "mois": 30}[unit.lower()]


def _boxes(item: Item) -> list[Finding]:
    assert item.product is not None and item.posology is not None
    need, boxes, sizes = item.posology.total_quantity, item.posology.boxes, item.product.pack_sizes
    if need is None or boxes is None or len(sizes) != 1:
        return []
    given = boxes * sizes[0]
    needed_boxes = math.ceil(need / sizes[0] - 1e-9)
    if needed_boxes == boxes:
        return []
    what = "insuffisante" if given < need else "supérieure au besoin"
    return [line_finding(item, item.product.components[0], Level.APEC,
                             f"Quantité {what} : {boxes} boîte(s) de {sizes[0]} pour {need:g} unités "
                             f"nécessaires ({needed_boxes} boîte(s)).", "Posologie × durée, conditionnement BDPM",
                             kind="quantity")]
