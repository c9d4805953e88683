"""The conditions written inside a thesaurus entry, evaluated when the data allows.

An entry printed with several levels ("CI - ASDEC - APEC") keeps one sub-block per level in its
"conduite à tenir", each a list of bullets ("- des doses anti-inflammatoires d'acide
acétylsalicylique (>=1g par prise et/ou >=3g par jour)"). A bullet holds conditions of three
sorts, read from the text:

- substances it names ("avec le citalopram, ... l'hydroxyzine"): the bullet applies only if one
  of the two drugs holds one of them;
- doses per intake or per day of the entry's own substance: lower bounds (">=", ">") are
  alternatives — "et/ou" in the text — while upper bounds ("<") and ranges ("de 50 mg à 375
  mg par jour") must all hold;
- routes ("voie intraveineuse", "voie IV"): the named drug must be given that way;
- anything else we cannot know from a prescription (an ulcer history): unknown.

A bullet is true when every condition it holds is known and true, false when one is false,
unknown otherwise. The entry's level is that of the most severe true bullet; when none is true
but some are unknown, the most severe unknown one, with its condition quoted; when all are false
and the bullets were about doses, the least severe level (the dose is outside every printed
range); when they only selected substances, the first level (the thesaurus' general rule, e.g.
"torsadogène + torsadogène : contre-indiqué en règle générale").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from comptoir.refdata.search import fold
from comptoir.refdata.thesaurus import InteractionEntry

_LEVEL_HEADS = (
    ("CI", re.compile(r"^\s*contre[- ]indications?\b", re.I)),
    ("AD", re.compile(r"^\s*associations?\s+d[ée]conseill[ée]es?\b", re.I)),
    ("PE", re.compile(r"^\s*pr[ée]cautions?\s+d'emploi\b", re.I)),
    ("APEC", re.compile(r"^\s*[aà]\s+prendre\s+en\s+compte\b", re.I)),
)
_BOUND = re.compile(r"(>=|≥|>|<=|≤|<|sup[ée]rieur(?:e|s|es)?\s+ou\s+[ée]ga(?:l|le|ux|les)\s+[àa]|"
                    r"inf[ée]rieur(?:e|s|es)?\s+ou\s+[ée]ga(?:l|le|ux|les)\s+[àa]|sup[ée]rieur(?:e|s|es)?\s+[àa]|"
                    r"inf[ée]rieur(?:e|s|es)?\s+[àa])"
                    r"\s*(\d+(?:[.,]\d+)?)\s*(mg|g)\s*(?:par|/)\s*(prise|jour|j|semaines?)\b", re.I)
"""A dose bound, in symbols ("> 20 mg/semaine") or in words ("supérieures à 20 mg par semaine")."""
_RANGE = re.compile(r"de\s+(\d+(?:[.,]\d+)?)\s*(mg|g)?\s*à\s*(\d+(?:[.,]\d+)?)\s*(mg|g)\s*par\s*(prise|jour)", re.I)
_IV = re.compile(r"voie\s+(?:iv|intraveineuse|intra-veineuse)\b|\biv\b", re.I)
_ORAL = re.compile(r"voie\s+orale", re.I)
_UNKNOWABLE = re.compile(r"ant[ée]c[ée]dent|en l'absence|insuffisan|sujet [âa]g|patient [âa]g|"
                         r"fonction r[ée]nale|fonction h[ée]patique|indication", re.I)


@dataclass(frozen=True, slots=True)
class DrugFacts:
    """What the evaluation knows of one side of the pair."""

    thesaurus_names: frozenset[str]
    routes: tuple[str, ...]
    mg_per_intake: float | None = None
    """Dose of the entry's substance per intake, in mg (None when its strength is unknown)."""
    mg_per_day: float | None = None


@dataclass(frozen=True, slots=True)
class Evaluation:
    level: str
    bullet: str = ""
    """The printed bullet that sets the level (empty for single-level entries)."""
    unchecked: bool = False
    """True when the level rests on a condition that the data could not check."""
    possible: tuple[str, ...] = ()
    """When unchecked: every level the unverifiable conditions leave open, most severe first."""


_HEAD = re.compile(
    r"(?:^|(?<=[.:;\n])\s*|(?<=\s-\s)|(?<=^-\s))(?:la\s+|l'|les\s+)?(?:associations?\s+n[ée]cessitant\s+une\s+)?"
    r"(contre[- ]indications?|associations?\s+d[ée]conseill[ée]es?|pr[ée]cautions?\s+d'emploi|"
    r"[aà]\s+prendre\s+en\s+compte)\b[^:\-\n]{0,30}?(?::|\s-\s|\s(?=avec\b|chez\b|pour\b|en\b|dans\b))",
    re.I | re.M)
_CODES = (("contre", "CI"), ("association", "AD"), ("precaution", "PE"), ("a prendre", "APEC"))


def sub_blocks(conduct: str) -> list[tuple[str, list[str]]]:
    """(level code, bullets) for each level sub-block of a combined entry's conduct text.

    The heads ("Contre-indication :", "Association déconseillée -", "- précaution d'emploi avec…")
    start a line, a sentence or a bullet; text before the first head is a condition of every block
    ("Avec le méthotrexate utilisé à des doses > 20 mg/semaine : …")."""
    heads = list(_HEAD.finditer(conduct))
    if not heads:
        return []
    preamble = conduct[: heads[0].start()].strip(" -:\n")
    blocks: list[tuple[str, list[str]]] = []
    for head, following in zip(heads, [*heads[1:], None], strict=True):
        body = conduct[head.end(): following.start() if following else len(conduct)]
        code = next(c for word, c in _CODES if fold(head.group(1)).startswith(word))
        bullets = [f"{preamble} {b}".strip() for b in _bullets(body)] or [preamble or head.group(0)]
        blocks.append((code, bullets))
    return blocks


_EMPTY_BULLET = re.compile(r"(?:avec|chez|pour|dans)?\s*:?\s*", re.I)


def _bullets(text: str) -> list[str]:
    parts = [b.strip() for b in re.split(r"(?:^|\s)-\s", text)]
    return [b for b in parts if b and not _EMPTY_BULLET.fullmatch(b)]


def evaluate(entry: InteractionEntry, first: DrugFacts, second: DrugFacts) -> Evaluation | None:
    """The level this entry takes for this pair (see the module's docstring); None if a bullet
    excludes the pair outright ("seules les formes administrées par voie intraveineuse")."""
    blocks = sub_blocks(entry.conduct) if len(entry.levels) > 1 else []
    if not blocks:
        return Evaluation(entry.max_level)
    bullets = [(code, bullet) for code, items in blocks for bullet in items]
    if any(_excludes_by_route(bullet, first, second) for _, bullet in bullets):
        return None
    results = [(code, bullet, _bullet_truth(bullet, first, second)) for code, bullet in bullets]
    for wanted in (True, None):
        chosen = [(code, bullet) for code, bullet, truth in results if truth is wanted]
        if chosen:
            code, bullet = min(chosen, key=lambda item: _severity(item[0]))
            open_levels = {c for c, _, truth in results if truth is not False}
            return Evaluation(code, bullet, unchecked=wanted is None,
                              possible=tuple(sorted(open_levels, key=_severity)))
    about_doses = any(_BOUND.search(b) or _RANGE.search(b) for _, b, _ in results)
    levels = sorted({code for code, _, _ in results}, key=_severity)
    return Evaluation(levels[-1] if about_doses else levels[0])


def _severity(code: str) -> int:
    return ("CI", "AD", "PE", "APEC").index(code)


def _bullet_truth(bullet: str, first: DrugFacts, second: DrugFacts) -> bool | None:
    folded = fold(bullet)
    named = _named_sides(folded, first, second)
    if named is False:
        return False
    subject = named if isinstance(named, DrugFacts) else first
    truths = [_dose_truth(bullet, subject), _route_truth(bullet, subject, named is not None)]
    if any(t is False for t in truths):
        return False
    if any(t is None for t in truths) or _UNKNOWABLE.search(bullet):
        return None
    return True


def _named_sides(folded: str, first: DrugFacts, second: DrugFacts) -> DrugFacts | bool | None:
    """The side whose substance the bullet names; False if it names substances of neither; None if none."""
    mentioned = [side for side in (first, second) if any(_mentions(folded, n) for n in side.thesaurus_names)]
    if mentioned:
        return mentioned[0]
    return False if _names_a_substance(folded) else None


def _mentions(folded_text: str, name: str) -> bool:
    return len(name) >= 4 and re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", folded_text) is not None


_SELECTOR = re.compile(r"^(?:avec|pour)\s+(?:le|la|l'|les|l’)?\s*[a-z]", re.I)


def _names_a_substance(folded: str) -> bool:
    """A bullet that starts "avec le X" / "pour la X" names substances (other than the pair's ones)."""
    return bool(_SELECTOR.match(folded)) and "autres" not in folded.split()[:3]


def _dose_truth(bullet: str, subject: DrugFacts) -> bool | None:
    lows, highs = _dose_bounds(bullet)
    if not lows and not highs:
        return True
    low_ok = _any3([_holds(op, limit, _dose(subject, per)) for op, limit, per in lows]) if lows else True
    high_ok = [_holds(op, limit, _dose(subject, per)) for op, limit, per in highs]
    if low_ok is False or False in high_ok:
        return False
    return None if low_ok is None or None in high_ok else True


def _any3(values: list[bool | None]) -> bool | None:
    """Three-valued "or": true if one is true, unknown if one is unknown, else false."""
    if True in values:
        return True
    return None if None in values else False


def _dose_bounds(bullet: str) -> tuple[list[tuple[str, float, str]], list[tuple[str, float, str]]]:
    lows: list[tuple[str, float, str]] = []
    highs: list[tuple[str, float, str]] = []
    for written, value, unit, per in _BOUND.findall(bullet):
        op = _operator(written)
        bound = (op, _mg(value, unit), _period(per))
        (lows if op in (">=", "≥", ">") else highs).append(bound)
    for low, low_unit, high, high_unit, per in _RANGE.findall(bullet):
        lows.append((">=", _mg(low, low_unit or high_unit), per.lower()))
        highs.append(("<=", _mg(high, high_unit), per.lower()))
    return lows, highs


def _operator(written: str) -> str:
    """">", ">=", "<", "<=" for a written bound ("supérieures ou égales à" -> ">=")."""
    folded = fold(written)
    if folded[0] in "><≥≤":
        return written
    strict = ">" if folded.startswith("sup") else "<"
    return strict + ("=" if " ou " in folded else "")


def _period(word: str) -> str:
    word = word.lower()
    return "prise" if word == "prise" else "semaine" if word.startswith("semaine") else "jour"


def _mg(value: str, unit: str) -> float:
    return float(value.replace(",", ".")) * (1000.0 if unit.lower() == "g" else 1.0)


def _dose(subject: DrugFacts, per: str) -> float | None:
    if per == "prise":
        return subject.mg_per_intake
    if subject.mg_per_day is None:
        return None
    return subject.mg_per_day * (7 if per == "semaine" else 1)


def _holds(op: str, limit: float, value: float | None) -> bool | None:
    if value is None:
        return None
    return {">=": value >= limit, "≥": value >= limit, ">": value > limit, "<": value < limit,
            "<=": value <= limit, "≤": value <= limit}[op]


def _excludes_by_route(bullet: str, first: DrugFacts, second: DrugFacts) -> bool:
    """ "Seules les formes administrées par voie intraveineuse sont concernées": a named drug given otherwise."""
    folded = fold(bullet)
    if "seule" not in folded or not _IV.search(bullet):
        return False
    named = [side for side in (first, second) if any(_mentions(folded, n) for n in side.thesaurus_names)]
    return any(_route_truth(bullet, side, True) is False for side in named)


def _route_truth(bullet: str, subject: DrugFacts, named: bool) -> bool | None:
    if not named or not _IV.search(bullet):
        return True
    allowed = {"intraveineuse"} | ({"orale"} if _ORAL.search(bullet) else set())
    return any(route in allowed for route in subject.routes)


def route_excludes(entry: InteractionEntry, first: DrugFacts, second: DrugFacts) -> bool:
    """An entry about a substance "administrée par voie IV" does not apply to that substance given otherwise."""
    text = fold(f"{entry.risk} {entry.conduct if len(entry.levels) == 1 else ''}")
    if not re.search(r"(?:administre[e]?s?|forme[s]?)\s+(?:par\s+)?voie\s+(?:iv|intraveineuse)|par voie iv", text):
        return False
    for side in (first, second):
        if any(_mentions(text, n) for n in side.thesaurus_names) and "intraveineuse" not in side.routes:
            return True
    return False
