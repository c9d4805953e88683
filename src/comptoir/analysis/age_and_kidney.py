"""Age (child, elderly) and renal function checks, from short curated tables with their sources."""

from __future__ import annotations

from dataclasses import dataclass

from comptoir.analysis.case import Case
from comptoir.analysis.findings import Finding, Level
from comptoir.analysis.items import Item
from comptoir.analysis.profile import line_finding
from comptoir.analysis.reference import Component
from comptoir.refdata.search import fold

LAROCHE = "Liste de Laroche des médicaments potentiellement inappropriés chez la personne âgée (Rev Med Interne 2009)"


@dataclass(frozen=True, slots=True)
class AgeRule:
    substances: tuple[str, ...]
    below_years: int | None
    from_years: int | None
    level: Level
    message: str
    source: str
    atc: tuple[str, ...] = ()
    """ATC prefixes: the rule covers a whole class."""
    unless: tuple[str, ...] = ()
    """Substances of the class the rule does not cover (they have their own row)."""

    def concerns(self, component: Component, atc: str | None) -> bool:
        if _named(component.name, self.unless):
            return False
        return _named(component.name, self.substances) or bool(atc and self.atc and atc.startswith(self.atc))


AGE_RULES = (
    AgeRule((), 15, None, Level.CI,
            "fluoroquinolone contre-indiquée chez l'enfant et l'adolescent en croissance (atteinte du cartilage)",
            "RCP de l'ofloxacine, de la lévofloxacine, de la moxifloxacine et de la norfloxacine (rubrique 4.3 : "
            "« période de croissance » ; seuil de 15 ans retenu ici, non vérifié)",
            atc=("J01MA",), unless=("ciprofloxacine",)),
    AgeRule(("ciprofloxacine",), 15, None, Level.ASDEC,
            "ciprofloxacine réservée chez l'enfant à des indications particulières (atteinte du cartilage)",
            "RCP de la ciprofloxacine (rubriques 4.1 et 4.4)"),
    AgeRule((), 2, None, Level.CI, "mucolytique contre-indiqué avant 2 ans (encombrement respiratoire aggravé)",
            "ANSM (2010), RCP des mucolytiques (rubrique 4.3)", atc=("R05CB",)),
    AgeRule(("doxycycline", "minocycline", "tetracycline", "lymecycline"), 8, None, Level.CI,
            "tétracycline contre-indiquée avant 8 ans (coloration dentaire)",
            "RCP des tétracyclines (rubrique 4.3)", atc=("J01AA",)),
    AgeRule(("codeine",), 12, None, Level.CI, "codéine contre-indiquée avant 12 ans", "ANSM (2013)"),
    AgeRule(("tramadol",), 12, None, Level.ASDEC, "tramadol déconseillé avant 12 ans", "ANSM (2023), RCP"),
    AgeRule(("metoclopramide",), 1, None, Level.CI, "métoclopramide contre-indiqué avant 1 an", "ANSM (2014)"),
    AgeRule(("loperamide",), 2, None, Level.CI, "lopéramide contre-indiqué avant 2 ans", "RCP"),
    AgeRule(("promethazine", "alimemazine"), 2, None, Level.CI,
            "phénothiazine antihistaminique contre-indiquée avant 2 ans", "RCP"),
    AgeRule(("acide acetylsalicylique",), 16, None, Level.ASDEC,
            "aspirine déconseillée chez l'enfant en cas d'infection virale (syndrome de Reye)", "ANSM, RCP"),
    AgeRule(("hydroxyzine", "dexchlorpheniramine", "promethazine", "alimemazine", "amitriptyline",
             "clomipramine", "imipramine", "oxybutynine"), None, 75, Level.APEC,
            "effets anticholinergiques (confusion, chute, rétention) chez la personne âgée", LAROCHE),
    AgeRule(("diazepam", "bromazepam", "clorazepate", "prazepam", "nordazepam", "clobazam", "loflazepate"),
            None, 75, Level.APEC, "benzodiazépine à demi-vie longue : risque de chute et de sédation prolongée",
            LAROCHE),
    AgeRule(("piroxicam", "indometacine", "meprobamate", "ticlopidine"), None, 75, Level.APEC,
            "médicament potentiellement inapproprié chez la personne âgée", LAROCHE),
)


@dataclass(frozen=True, slots=True)
class KidneyRule:
    substances: tuple[str, ...]
    below: float
    level: Level
    message: str


KIDNEY_RULES = (
    KidneyRule(("metformine",), 30, Level.CI, "metformine contre-indiquée si DFG < 30 ml/min"),
    KidneyRule(("metformine",), 45, Level.PE, "metformine : dose maximale 1 000 mg/j si DFG 30–45 ml/min"),
    KidneyRule(("dabigatran",), 30, Level.CI, "dabigatran contre-indiqué si clairance < 30 ml/min"),
    KidneyRule(("rivaroxaban", "apixaban", "edoxaban"), 15, Level.CI, "contre-indiqué si clairance < 15 ml/min"),
    KidneyRule(("rivaroxaban", "apixaban", "edoxaban"), 30, Level.PE,
               "prudence et adaptation de dose si clairance 15–29 ml/min"),
    KidneyRule(("nitrofurantoine",), 45, Level.CI, "nitrofurantoïne contre-indiquée si clairance < 45 ml/min"),
    KidneyRule(("colchicine",), 30, Level.CI, "colchicine contre-indiquée en insuffisance rénale sévère"),
    KidneyRule(("methotrexate",), 30, Level.CI, "méthotrexate contre-indiqué en insuffisance rénale sévère"),
    KidneyRule(("spironolactone", "eplerenone"), 30, Level.CI, "risque d'hyperkaliémie : contre-indiqué si DFG < 30"),
    KidneyRule(("ibuprofene", "ketoprofene", "diclofenac", "naproxene", "celecoxib", "etoricoxib", "meloxicam",
                "piroxicam", "indometacine", "flurbiprofene", "acide tiaprofenique"), 30, Level.CI,
               "AINS contre-indiqué en insuffisance rénale sévère"),
    KidneyRule(("allopurinol", "gabapentine", "pregabaline", "valaciclovir", "levetiracetam"), 60, Level.PE,
               "posologie à adapter à la fonction rénale"),
)


def age_findings(items: list[Item], case: Case) -> list[Finding]:
    age = case.patient.age_on(case.today)
    if age is None:
        return []
    findings = []
    seen: set[tuple[int, str]] = set()
    for item, component in _line_components(items):
        assert item.product is not None
        for rule in AGE_RULES:
            if (_applies_to_age(rule, age) and rule.concerns(component, item.product.atc)
                    and (id(item), rule.message) not in seen):
                seen.add((id(item), rule.message))
                findings.append(line_finding(item, component, rule.level,
                                             f"Âge ({age} ans) : {rule.message}.", rule.source))
    return findings


def _applies_to_age(rule: AgeRule, age: int) -> bool:
    return (rule.below_years is not None and age < rule.below_years) or (
        rule.from_years is not None and age >= rule.from_years)


def kidney_findings(items: list[Item], case: Case) -> list[Finding]:
    egfr = case.patient.egfr
    if egfr is None:
        return []
    findings = []
    for item, component in _line_components(items):
        rule = next((r for r in KIDNEY_RULES if egfr < r.below and _named(component.name, r.substances)), None)
        if rule is not None:
            findings.append(line_finding(item, component, rule.level,
                                             f"Fonction rénale ({egfr:g} ml/min) : {rule.message}.",
                                             "RCP de la spécialité (rubriques 4.2 et 4.3)"))
    return findings


def _line_components(items: list[Item]) -> list[tuple[Item, Component]]:
    return [(item, c) for item in items if not item.is_history and item.product for c in item.product.components]


def _named(name: str, substances: tuple[str, ...]) -> bool:
    folded = fold(name)
    return any(folded.startswith(s) for s in substances)
