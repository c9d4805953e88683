"""Redundancy: the same substance twice, or two substances of the same therapeutic class (ATC 4th
level: two NSAIDs, two benzodiazepines, two PPIs), among the lines; and a line of the same class as a
recent dispensation of another substance still covering today (a switch: is the old one stopped?).

Benzodiazepines and the related hypnotics (ATC N05BA, N05CD, N05CF) are one class for this check: the
HAS and the ANSM treat them together ("benzodiazépines et apparentés", ANSM, état des lieux 2017) and
advise against combining two of them."""

from __future__ import annotations

from datetime import date

from comptoir.analysis.findings import Finding, Level
from comptoir.analysis.items import Item
from comptoir.analysis.reference import AnalysisReference

SOURCE = "Analyse pharmaceutique (SFPC 4.2 / 5.3) ; classification ATC (OMS) via la BDPM"
COVERED_DAYS = 30
"""A dispensation whose duration is unknown is taken to cover a month (the usual box)."""
SAME_CLASS = {"N05BA": "N05BA", "N05CD": "N05BA", "N05CF": "N05BA"}
EXEMPT_ATC4 = frozenset({"A12BA", "B05XA", "A11CC", "V06DC", "A06AD"})
"""Classes routinely combined (potassium salts, electrolytes, vitamin D forms, glucose, osmotic laxatives)."""


def redundancy_findings(items: list[Item], today: date, reference: AnalysisReference | None = None) -> list[Finding]:
    lines = [i for i in items if not i.is_history and i.product]
    recent = [i for i in items if i.is_history and i.product and _covers(i, today)]
    atc = {id(i): (reference.atc_of(i.product) if reference else i.product.atc or "")[:5]
           for i in lines + recent if i.product}
    findings = [f for n, a in enumerate(lines) for b in lines[n + 1:]
                if (f := _pair(a, b, atc, Level.ASDEC, Level.PE))]
    findings += [f for a in lines for b in recent if (f := _pair(a, b, atc, None, Level.APEC))]
    return findings


def _pair(a: Item, b: Item, atc: dict[int, str], same_level: Level | None, class_level: Level) -> Finding | None:
    assert a.product is not None and b.product is not None
    shared = {c.code for c in a.product.components} & {c.code for c in b.product.components}
    names = {c.code: c.name for c in a.product.components}
    if shared and same_level is not None:
        substances = tuple(names[code] for code in sorted(shared))
        return _finding(a, b, same_level, substances,
                        f"même substance prescrite deux fois ({', '.join(substances)}) : risque de surdosage.")
    atc_a, atc_b = atc[id(a)], atc[id(b)]
    if shared or len(atc_a) < 5 or _class(atc_a) != _class(atc_b) or atc_a in EXEMPT_ATC4:
        return None
    substances = (a.product.components[0].name, b.product.components[0].name)
    what = "même classe thérapeutique" + (f" qu'un médicament délivré le {b.dispensed_on:%d/%m/%Y} ; "
                                          "vérifier qu'il est arrêté" if b.is_history else "")
    codes = f"ATC {atc_a}" if atc_a == atc_b else f"benzodiazépines et apparentés, ATC {atc_a} et {atc_b}"
    return _finding(a, b, class_level, substances, f"{what} ({codes}).")


def _covers(item: Item, today: date) -> bool:
    """A dispensation still covering today: its duration (or a month) has not run out."""
    if item.dispensed_on is None:
        return False
    return 0 <= (today - item.dispensed_on).days <= (item.duration_days or COVERED_DAYS)


def _class(atc4: str) -> str:
    return SAME_CLASS.get(atc4, atc4)


def _finding(a: Item, b: Item, level: Level, substances: tuple[str, ...], message: str) -> Finding:
    return Finding(kind="redundancy", level=level, drugs=(a.label, b.label), substances=substances,
                   message=f"Redondance : {a.label} et {b.label} — {message}", source=SOURCE,
                   lines=tuple(i.line for i in (a, b) if i.line is not None))
