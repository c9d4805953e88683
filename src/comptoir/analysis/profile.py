"""Checks against the patient's profile: pregnancy, breastfeeding, age, allergies, renal function.

The tables are curated, short, and each row names its source; they cover the substances for which
the French references give a clear rule. A substance is matched by its folded DCI (salts removed)
or by its ATC prefix.
"""

from __future__ import annotations

from dataclasses import dataclass

from comptoir.analysis.case import Case
from comptoir.analysis.findings import Finding, Level
from comptoir.analysis.items import Item
from comptoir.analysis.reference import Component
from comptoir.refdata.search import fold

CRAT = "CRAT (Centre de référence sur les agents tératogènes) et RCP"


NSAIDS = ("ibuprofene", "ketoprofene", "diclofenac", "naproxene", "celecoxib", "etoricoxib", "meloxicam",
          "piroxicam", "tenoxicam", "indometacine", "flurbiprofene", "acide tiaprofenique", "acide mefenamique",
          "acide niflumique", "nabumetone", "aceclofenac", "etodolac", "sulindac", "nimesulide", "dexketoprofene",
          "alminoprofene", "fenoprofene")


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule on substances (folded DCI prefixes) or ATC prefixes."""

    substances: tuple[str, ...]
    atc: tuple[str, ...]
    level: Level
    message: str
    source: str
    from_week: int | None = None
    """Pregnancy: the rule applies from this week of amenorrhoea (earlier: `before_level`)."""
    before_level: Level | None = None

    def concerns(self, component: Component, atc: str | None) -> bool:
        name = fold(component.name)
        return any(name.startswith(s) for s in self.substances) or bool(atc and atc.startswith(self.atc or ("#",)))


PREGNANCY = (
    Rule(("acide valproique", "valproate", "valpromide", "divalproate"), ("N03AG01",), Level.CI,
         "valproate : malformations et troubles neurodéveloppementaux ; contre-indiqué pendant la grossesse",
         "ANSM, programme de prévention des grossesses sous valproate (2018)"),
    Rule(("isotretinoine", "acitretine", "alitretinoine"), ("D10BA", "D05BB"), Level.CI,
         "rétinoïde oral tératogène majeur : contre-indiqué pendant la grossesse", "ANSM, " + CRAT),
    Rule(("mycophenol", "acide mycophenolique"), ("L04AA06",), Level.CI,
         "mycophénolate tératogène : contre-indiqué pendant la grossesse", "ANSM (2016), " + CRAT),
    Rule(("thalidomide", "lenalidomide", "pomalidomide"), (), Level.CI,
         "tératogène majeur : contre-indiqué pendant la grossesse", "RCP (programme de prévention)"),
    Rule(("methotrexate",), (), Level.CI, "méthotrexate : contre-indiqué pendant la grossesse", CRAT),
    Rule(("misoprostol",), (), Level.CI, "misoprostol : contre-indiqué pendant la grossesse", "ANSM, " + CRAT),
    Rule(NSAIDS, ("M01A",), Level.CI,
         "AINS : contre-indiqués à partir de 24 semaines d'aménorrhée (toxicité fœtale et néonatale), "
         "à éviter avant", "ANSM (2017), RCP des AINS", from_week=24, before_level=Level.ASDEC),
    Rule((), ("C09A", "C09B", "C09C", "C09D", "C09X"), Level.CI,
         "IEC, sartans, aliskirène : contre-indiqués aux 2e et 3e trimestres, déconseillés au 1er",
         "RCP des IEC et ARA II, " + CRAT, from_week=14, before_level=Level.ASDEC),
    Rule(("doxycycline", "minocycline", "tetracycline", "lymecycline"), (), Level.CI,
         "tétracyclines : contre-indiquées à partir du 2e trimestre (dents de l'enfant)", "RCP, " + CRAT,
         from_week=14, before_level=Level.APEC),
    Rule(("warfarine", "acenocoumarol", "fluindione"), (), Level.ASDEC,
         "antivitamine K : embryopathie possible (6e–9e semaine) ; relais par héparine", CRAT),
    Rule(("atorvastatine", "simvastatine", "pravastatine", "rosuvastatine", "fluvastatine"), (), Level.CI,
         "statine : contre-indiquée pendant la grossesse selon le RCP", "RCP des statines"),
    Rule(("topiramate",), (), Level.ASDEC,
         "topiramate : malformations et troubles neurodéveloppementaux ; programme de prévention des grossesses",
         "ANSM (2023)"),
    Rule(("carbamazepine", "phenobarbital", "phenytoine", "lithium"), (), Level.ASDEC,
         "tératogène connu : ne pas poursuivre sans avis du spécialiste", "ANSM (2019), " + CRAT),
)

BREASTFEEDING = (
    Rule(("codeine", "tramadol"), (), Level.CI,
         "codéine / tramadol : dépression respiratoire du nourrisson (métaboliseurs ultra-rapides)",
         "ANSM (2013), RCP"),
    Rule(("amiodarone", "lithium", "methotrexate", "mycophenol", "isotretinoine", "acitretine"), (),
         Level.CI, "passage dans le lait avec risque pour l'enfant : allaitement contre-indiqué", "RCP, " + CRAT),
    Rule(("bromocriptine", "cabergoline"), (), Level.ASDEC, "inhibe la lactation", "RCP"),
)


def pregnancy_findings(items: list[Item], case: Case) -> list[Finding]:
    if not case.patient.pregnant and not case.patient.breastfeeding:
        return []
    findings = []
    for item in _lines(items):
        if case.patient.pregnant:
            findings += _rule_findings(item, PREGNANCY, "Grossesse", case.patient.pregnancy_weeks)
        if case.patient.breastfeeding:
            findings += _rule_findings(item, BREASTFEEDING, "Allaitement", None)
    return findings


def _lines(items: list[Item]) -> list[Item]:
    return [item for item in items if not item.is_history and item.product is not None]


def _rule_findings(item: Item, rules: tuple[Rule, ...], context: str, weeks: int | None) -> list[Finding]:
    assert item.product is not None
    found = []
    for component in item.product.components:
        for rule in rules:
            if rule.concerns(component, item.product.atc):
                level = _pregnancy_level(rule, weeks)
                term = f" ({weeks} SA)" if weeks is not None else ""
                found.append(line_finding(item, component, level, f"{context}{term} : {rule.message}.",
                                              rule.source))
    return found


def _pregnancy_level(rule: Rule, weeks: int | None) -> Level:
    if rule.from_week is None or weeks is None or weeks >= rule.from_week:
        return rule.level
    return rule.before_level or rule.level


def line_finding(item: Item, component: Component, level: Level, message: str, source: str,
                 kind: str = "contraindication") -> Finding:
    """A finding about one line and one of its substances (the kind says which check made it)."""
    return Finding(kind=kind, level=level, drugs=(item.label,), substances=(component.name,),
                   message=f"{item.label} — {message}", source=source,
                   lines=(item.line,) if item.line is not None else ())
