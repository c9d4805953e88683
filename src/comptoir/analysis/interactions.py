"""Drug–drug interactions from the ANSM thesaurus: among the lines, and between the lines and the
history (most recent dispensation of each product within the window).

Each item is expanded to its thesaurus protagonists: the names of its substances and every class
holding them, "AUTRES <classe>" when the other item is in the same class through another substance,
and "médicaments administrés par voie orale" for oral products. All pairs of protagonists are looked
up (substance×substance, substance×class, class×class); for one pair of items the most severe
entry wins, its conditions evaluated (see `conditions`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from comptoir.analysis.conditions import DrugFacts, Evaluation, evaluate, route_excludes
from comptoir.analysis.findings import Finding, Level
from comptoir.analysis.items import Item
from comptoir.analysis.reference import AnalysisReference, Component, ThesaurusIndex
from comptoir.refdata.thesaurus import InteractionEntry

ORAL_PSEUDO_CLASS = "medicaments administres par voie orale"
CONDUCT_TITLES = {"CI": "Contre-indication", "AD": "Association déconseillée", "PE": "Précaution d'emploi",
                  "APEC": "À prendre en compte"}


@dataclass(frozen=True, slots=True)
class _Match:
    entry: InteractionEntry
    evaluation: Evaluation
    components: tuple[Component, Component]

    @property
    def level(self) -> Level:
        return Level.from_thesaurus(self.evaluation.level)


def protagonists(item: Item, thesaurus: ThesaurusIndex) -> dict[str, Component]:
    """Folded protagonist name -> the component that makes the item one."""
    found: dict[str, Component] = {}
    for component in item.systemic_components():
        for name in component.thesaurus_names:
            found.setdefault(name, component)
            for class_name in thesaurus.classes_of.get(name, ()):
                found.setdefault(class_name, component)
    if found and item.product is not None and "orale" in item.product.routes:
        found.setdefault(ORAL_PSEUDO_CLASS, item.systemic_components()[0])
    return found


def interaction_findings(items: list[Item], reference: AnalysisReference) -> list[Finding]:
    thesaurus = reference.thesaurus
    if thesaurus is None:
        return []
    expanded = [(item, protagonists(item, thesaurus)) for item in items]
    findings = []
    for (first, p1), (second, p2) in _pairs(expanded):
        best = _best_match(first, p1, second, p2, thesaurus)
        if best is not None:
            findings.append(_finding(first, second, best, reference))
    return findings


def _pairs(expanded: list[tuple[Item, dict[str, Component]]]) -> Iterator[
        tuple[tuple[Item, dict[str, Component]], tuple[Item, dict[str, Component]]]]:
    for i, one in enumerate(expanded):
        for other in expanded[i + 1:]:
            if one[1] and other[1] and not (one[0].is_history and other[0].is_history):
                yield one, other


def _best_match(first: Item, p1: dict[str, Component], second: Item, p2: dict[str, Component],
                thesaurus: ThesaurusIndex) -> _Match | None:
    best: _Match | None = None
    targets = dict(p2)
    targets.update({f"autres {name}": c for name, c in p2.items() if name in thesaurus.members_of})
    for a, component_a in p1.items():
        partners = thesaurus.partners.get(a)
        if not partners:
            continue
        for b in partners.keys() & targets.keys():
            component_b = targets[b]
            if _same_substance(component_a, component_b):
                continue
            for entry in partners[b]:
                match = _evaluate(entry, first, component_a, second, component_b)
                if match is not None and (best is None or match.level < best.level):
                    best = match
    return best


def _same_substance(a: Component, b: Component) -> bool:
    return a.code == b.code or bool(a.thesaurus_names & b.thesaurus_names)


def _facts(item: Item, component: Component) -> DrugFacts:
    routes = item.product.routes if item.product else ()
    return DrugFacts(component.thesaurus_names, routes, item.mg_per_intake(component), item.mg_per_day(component))


def _evaluate(entry: InteractionEntry, first: Item, component_a: Component, second: Item,
              component_b: Component) -> _Match | None:
    facts_a, facts_b = _facts(first, component_a), _facts(second, component_b)
    if route_excludes(entry, facts_a, facts_b):
        return None
    evaluation = evaluate(entry, facts_a, facts_b)
    return _Match(entry, evaluation, (component_a, component_b)) if evaluation else None


def _finding(first: Item, second: Item, match: _Match, reference: AnalysisReference) -> Finding:
    entry, evaluation = match.entry, match.evaluation
    when = f" (délivré le {second.dispensed_on.strftime('%d/%m/%Y')})" if second.dispensed_on else ""
    parts = [f"{match.level.label} : {first.label} + {second.label}{when}.", entry.risk.strip(),
             _conduct(entry, evaluation)]
    if evaluation.unchecked:
        levels = " ou ".join(CONDUCT_TITLES[code].lower() for code in evaluation.possible)
        parts.append(f"Selon une condition que l'ordonnance ne permet pas de vérifier, le niveau est : {levels} ; "
                     "le plus sévère est retenu.")
    source = f"{reference.thesaurus_source}, {entry.protagonist_a} + {entry.protagonist_b}, p. {entry.pdf_page}"
    return Finding(
        kind="interaction", level=match.level, drugs=(first.label, second.label),
        substances=tuple(dict.fromkeys(c.name for c in match.components)),
        message=" ".join(p for p in parts if p), source=source,
        lines=tuple(i.line for i in (first, second) if i.line is not None),
    )


def _conduct(entry: InteractionEntry, evaluation: Evaluation) -> str:
    if len(entry.levels) == 1:
        return entry.conduct.strip()
    if evaluation.bullet:
        return f"{CONDUCT_TITLES[evaluation.level]} : {evaluation.bullet.rstrip('.')}."
    return ""


LIFESTYLE = {"alcool (boisson ou excipient)": ("l'alcool (boisson ou excipient)", "alcool"),
             "pamplemousse (jus et fruit)": ("le pamplemousse (jus et fruit)", "pamplemousse")}


def lifestyle_findings(items: list[Item], reference: AnalysisReference) -> list[Finding]:
    """Alcohol and grapefruit entries: whether the patient drinks or eats them is unknown, so they are
    advice for the patient ("à prendre en compte"), kept apart from the drug–drug findings, with the
    thesaurus level that applies if the patient does."""
    thesaurus = reference.thesaurus
    if thesaurus is None:
        return []
    findings = []
    for item in items:
        if item.is_history:
            continue
        expanded = protagonists(item, thesaurus)
        for pseudo, (what, short) in LIFESTYLE.items():
            partners = thesaurus.partners.get(pseudo, {})
            hits = [(entry, expanded[b]) for b in partners.keys() & expanded.keys() for entry in partners[b]]
            if hits:
                findings.append(_lifestyle(item, (what, short), min(hits, key=lambda h: _rank(h[0])), reference))
    return findings


def _rank(entry: InteractionEntry) -> Level:
    return Level.from_thesaurus(entry.max_level)


def _lifestyle(item: Item, names: tuple[str, str], hit: tuple[InteractionEntry, Component],
               reference: AnalysisReference) -> Finding:
    entry, component = hit
    what, short = names
    level = CONDUCT_TITLES[entry.max_level].lower()
    message = (f"Conseil au patient : {item.label} et {what}. {entry.risk.strip()} "
               f"En cas de consommation, le thésaurus classe l'association en « {level} ».")
    return Finding(kind="interaction", level=Level.APEC, drugs=(item.label,),
                   substances=(component.name, short), message=message,
                   source=f"{reference.thesaurus_source}, {entry.protagonist_a} + {entry.protagonist_b}, "
                          f"p. {entry.pdf_page}", lines=(item.line,) if item.line is not None else ())
