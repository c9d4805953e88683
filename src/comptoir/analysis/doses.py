"""Doses and quantities: the daily dose against a curated maximum, weekly drugs written daily,
the prescribed duration against the legal limit, and the boxes against the treatment's need.

The maxima are those of the French summaries of product characteristics (RCP) for adults, with
the lower ceilings that the ANSM set for the elderly; a child's dose depends on weight and is only
checked for paracetamol (60 mg/kg/day).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from comptoir.analysis.case import Case
from comptoir.analysis.findings import Finding, Level
from comptoir.analysis.items import Item
from comptoir.analysis.profile import line_finding
from comptoir.analysis.reference import Component
from comptoir.refdata.search import fold


@dataclass(frozen=True, slots=True)
class MaxDose:
    substance: str
    adult_mg: float
    elderly_mg: float | None
    source: str


MAX_DAILY = (
    MaxDose("paracetamol", 4000, None, "RCP du paracétamol (4 g/j chez l'adulte de plus de 50 kg)"),
    MaxDose("ibuprofene", 2400, None, "RCP de l'ibuprofène (2 400 mg/j sur prescription)"),
    MaxDose("ketoprofene", 300, None, "RCP du kétoprofène"),
    MaxDose("diclofenac", 150, None, "RCP du diclofénac"),
    MaxDose("naproxene", 1100, None, "RCP du naproxène"),
    MaxDose("acide acetylsalicylique", 3000, None, "RCP de l'aspirine (3 g/j en usage antalgique)"),
    MaxDose("tramadol", 400, 300, "RCP du tramadol (300 mg/j après 75 ans)"),
    MaxDose("codeine", 240, None, "RCP des spécialités à base de codéine"),
    MaxDose("colchicine", 3, None, "ANSM (2013), RCP de la colchicine : 3 mg le 1er jour puis 2 mg/j"),
    MaxDose("hydroxyzine", 100, 50, "ANSM (2015) : 100 mg/j chez l'adulte, 50 mg/j chez le sujet âgé"),
    MaxDose("citalopram", 40, 20, "ANSM (2011) : 40 mg/j, 20 mg/j après 65 ans (allongement du QT)"),
    MaxDose("escitalopram", 20, 10, "ANSM (2011) : 20 mg/j, 10 mg/j après 65 ans (allongement du QT)"),
    MaxDose("domperidone", 30, None, "ANSM (2014) : 30 mg/j, 7 jours"),
    MaxDose("zolpidem", 10, 5, "RCP du zolpidem"),
    MaxDose("zopiclone", 7.5, 3.75, "RCP de la zopiclone"),
    MaxDose("alprazolam", 4, 2, "RCP de l'alprazolam"),
    MaxDose("metformine", 3000, None, "RCP de la metformine"),
    MaxDose("allopurinol", 900, None, "RCP de l'allopurinol"),
)
WEEKLY = (
    ("methotrexate", Level.CI, "méthotrexate à faible dose : prise HEBDOMADAIRE ; une prise quotidienne est un "
     "surdosage grave (décès rapportés)", "ANSM, erreurs médicamenteuses avec le méthotrexate (2018)"),
    ("acide alendronique", Level.ASDEC, "alendronate 70 mg : une prise par semaine", "RCP de l'alendronate"),
    ("risedronate", Level.ASDEC, "risédronate 35 mg : une prise par semaine", "RCP du risédronate"),
)
ELDERLY_FROM = 65
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


def _max_dose(item: Item, component: Component, age: int | None, weight: float | None) -> list[Finding]:
    daily = item.mg_per_day(component)
    rule = next((r for r in MAX_DAILY if fold(component.name).startswith(r.substance)), None)
    if daily is None or rule is None:
        return []
    limit, why = _limit_for(rule, age, weight)
    if daily <= limit + 1e-6:
        return []
    message = f"Dose journalière de {component.name} {daily:g} mg > maximum {limit:g} mg/j ({why})."
    # Half again above the ceiling is an overdose; above an elderly ceiling only, a dose to reconsider.
    gross = daily >= 1.5 * limit and daily > rule.adult_mg
    return [line_finding(item, component, Level.CI if gross else Level.ASDEC, message, rule.source, kind="dose")]


def _limit_for(rule: MaxDose, age: int | None, weight: float | None) -> tuple[float, str]:
    if rule.substance == "paracetamol" and weight is not None and weight < 50:
        return 60 * weight, f"60 mg/kg/j pour {weight:g} kg"
    if rule.elderly_mg is not None and age is not None and age >= ELDERLY_FROM:
        return rule.elderly_mg, f"sujet de {age} ans"
    return rule.adult_mg, "adulte"


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
