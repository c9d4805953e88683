"""Posology text → structured fields: unit, quantity per day, duration, renewals, boxes.

`parse_posology` reads the free text a French prescriber writes on a prescription line
("1 cp matin et soir pdt 10 j", "1-0-1 qsp 3 mois", "2 bouffées si gêne, max 8/j") and returns a
`Posology` whose `contract()` gives the seven fields the rest of comptoir relies on.

Conventions (an outside reader may choose otherwise; these are ours):

- `unit` is the singular French noun, abbreviations expanded ("cp", "cpr" → "comprimé",
  "gél" → "gélule", "gtt" → "goutte", "c. à café" → "cuillère à café"). "UI" stays "UI";
  "unité(s)" written in full gives "unité". A count unit (comprimé, sachet…) wins over a mass
  or volume written next to it ("Doliprane 1 g : 1 cp" → comprimé). "en bain de bouche" after
  the dose is a route, not a unit; "appliquer" with no unit gives "application".
- `daily_quantity` is units per day: the dose × intakes per day × share of days taken.
  Ranges take their maximum ("1 à 2 cp" → 2, "toutes les 4 à 6 h" → 6 intakes); a stated
  limit ("sans dépasser 4 par jour", "max 3 prises/j", "espacer de 6 h") is the quantity when
  no regular schedule is given, else it caps the schedule. Weekly → /7 ("le lundi" → 1/7),
  a month is 30 days ("tous les 3 mois" → 1/90), a year 365 days, "1 jour sur 2" halves.
  "chaque narine", "chaque œil", "les yeux"… double. With no frequency at all the dose is taken
  once a day (also for "si besoin" without a limit). Phases joined by "puis" give the maximum.
  "2 cp/j", "2 cp par jour" is the day's total, even beside "matin et soir"; "1 cp 3/j" is
  three intakes. "soir au coucher" is one intake; "à chaque repas" three, counted only when no
  other time of day is given except bedtime ("après les repas et au coucher" → 4).
- `duration_days`: days; week 7, month 30, year 365, hours /24; a range takes its maximum;
  the phases' durations are summed (unknown when one phase has none).
- `total_quantity` = Σ daily × duration over the phases, when every phase has both.
- `renewals` counts "à renouveler N fois", "AR N", "N renouvellements"; "à renouveler N mois"
  is N months over the treatment's duration (a month when it is not given). QSP is no renewal.
- `as_needed`: "si besoin", "si douleur", "si <symptôme>", "en cas de", "sb", "à la demande",
  "au besoin", "lors des crises"…, but not "si possible" nor "en cas d'oubli".
- `boxes` counts "N boîtes" and "N flacons/tubes" that are not a dose ("boîte de 30" alone is
  one box); null when not said.
- Numbers are rounded: daily to 6 decimals, total to 4, duration to whole days when whole.
- `understood` is False when none of the fields could be read; they are then all empty.
  `per_intake` (units at one intake) is given beside the contract for dose checks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise

__all__ = ["CONTRACT_FIELDS", "Posology", "parse_lines", "parse_posology"]

CONTRACT_FIELDS = ("unit", "daily_quantity", "duration_days", "as_needed", "renewals", "boxes",
                   "total_quantity")

_C = re.compile
_HINTS: dict[int, tuple[str, ...]] = {}  # keyed by id: hashing a pattern hashes its whole source


def _rare(source: str, *hints: str) -> re.Pattern[str]:
    """Compiles a pattern that is only run when the text holds one of `hints` (every match holds one)."""
    pattern = re.compile(source)
    _HINTS[id(pattern)] = hints
    return pattern


@dataclass(frozen=True, slots=True)
class Posology:
    text: str
    understood: bool
    unit: str | None = None
    daily_quantity: float | None = None
    duration_days: float | None = None
    as_needed: bool = False
    renewals: int = 0
    boxes: int | None = None
    total_quantity: float | None = None
    per_intake: float | None = None
    """Units taken at one intake (the largest over the phases); not part of the contract."""

    def contract(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in CONTRACT_FIELDS}


# --- units -------------------------------------------------------------------------------------

_SPOON = r"(?:cuill?(?:er|ere|eree|iere)?s?\.?|c\.?)\s*(?:a|de)?\s*"
# (canonical name, pattern after a number, standalone pattern or "" when too ambiguous alone)
_UNIT_TABLE: tuple[tuple[str, str, str], ...] = (
    ("cuillère à café", rf"{_SPOON}(?:cafe|c\b\.?)|c\.a\.c\.?|cac|petites?\s+cuill\w*",
     r"cuill\w*\s+a\s+cafe"),
    ("cuillère à soupe", rf"{_SPOON}(?:soupe|s\b\.?)|c\.a\.s\.?|cas|grandes?\s+cuill\w*",
     r"cuill\w*\s+a\s+soupe"),
    ("cuillère à dessert", rf"{_SPOON}dessert", ""),
    ("cuillère-mesure", r"cuill?(?:er|ere|eree)s?[- ]mesures?", r"cuill\w*[- ]mesures?"),
    ("cuillère", r"cuill?(?:er|ere|eree|iere)s?\.?", ""),
    ("mesurette", r"mesurettes?", r"mesurettes?"),
    ("comprimé", r"comprimes?|cprs?|cps?|cpes?|comps?", r"comprimes?|cprs?|cps?"),
    ("gélule", r"gelules?|gels?|gelu", r"gelules?"),
    ("sachet", r"sachets?(?:[- ]doses?)?|sachs?", r"sachets?"),
    ("goutte", r"gouttes?|gttes?|gtts?|gtes?", r"gouttes?|gttes?|gtt"),
    ("dose-poids", r"doses?[- ](?:poids|kg)", r"doses?[- ]poids"),
    ("ml", r"ml|millilitres?", ""),
    ("mg", r"mg|milligrammes?", ""),
    ("µg", r"µg|mcg|ug|microgrammes?|gammas?", ""),
    ("g", r"g|grammes?|gr", ""),
    ("UI", r"u\.?i\.?|unites?\s+internationales?", r"ui"),
    ("unité", r"unites?", ""),
    ("application", r"applications?|appli?", r"applications?|appliqu\w*|badigeonn\w*"),
    ("bouffée", r"bouffees?|puffs?|bouf", r"bouffees?"),
    ("inhalation", r"inhalations?", r"inhalations?"),
    ("injection", r"injections?|inj|piqures?", r"injections?|inj"),
    ("suppositoire", r"suppositoires?|suppos?|supp?", r"suppositoires?|suppos?|supp"),
    ("ampoule", r"ampoules?|amps?|ampl", r"ampoules?"),
    ("dose", r"doses?", r"doses?"),
    ("pulvérisation", r"pulverisations?|pulv|sprays?", r"pulverisations?"),
    ("nébulisation", r"nebulisations?|aerosols?", r"nebulisations?"),
    ("patch", r"patchs?|patches|timbres?", r"patchs?"),
    ("ovule", r"ovules?", r"ovules?"),
    ("capsule", r"capsules?", r"capsules?"),
    ("flacon", r"flacons?", ""),
    ("tube", r"tubes?", ""),
    ("pastille", r"pastilles?", r"pastilles?"),
    ("granule", r"granules?", r"granules?"),
    ("lyophilisat", r"lyophilisats?", r"lyophilisats?"),
    ("pipette", r"pipettes?", r"pipettes?"),
    ("unidose", r"unidoses?|recipients?\s+unidoses?", r"unidoses?"),
    ("dosette", r"dosettes?", r"dosettes?"),
    ("seringue", r"seringues?", ""),
    ("stylo", r"stylos?", ""),
    ("lavement", r"lavements?", r"lavements?"),
    ("compresse", r"compresses?", r"compresses?"),
    ("instillation", r"instillations?", r"instillations?"),
    ("mesure", r"mesures?", ""),
    ("gomme", r"gommes?", r"gommes?"),
    ("bain de bouche", r"bains?\s+de\s+bouche", ""),
    ("gargarisme", r"gargarismes?", ""),
    ("pression", r"pressions?", ""),
    ("cachet", r"cachets?", r"cachets?"),
    ("dragée", r"dragees?", r"dragees?"),
    ("poche", r"poches?", ""),
    ("bouteille", r"bouteilles?", r"bouteilles?"),
)
_UNIT_NAMES = tuple(name for name, _, _ in _UNIT_TABLE)
_UNIT = "(?:" + "|".join(pattern for _, pattern, _ in _UNIT_TABLE) + ")(?![a-z])"
_UNIT_LOOKUP = _C("|".join(f"(?P<u{i}>{pattern})" for i, (_, pattern, _) in enumerate(_UNIT_TABLE)))
_STANDALONE = _C("|".join(f"\\b(?P<u{i}>{alone})(?![a-z])"
                          for i, (_, _, alone) in enumerate(_UNIT_TABLE) if alone))
_STANDALONE_GEL = _C(r"\bgél\.?(?![a-zé])")
_MASS_UNITS = {"mg": 1.0, "g": 1000.0, "µg": 0.001}
_NON_COUNT = {"mg", "g", "µg", "ml", "UI", "unité"}


def _canonical_unit(text: str) -> str | None:
    match = _UNIT_LOOKUP.fullmatch(text.strip())
    return _UNIT_NAMES[int(match.lastgroup[1:])] if match and match.lastgroup else None


# --- normalisation -----------------------------------------------------------------------------

_CHARS = str.maketrans({"œ": "oe", "æ": "ae", "½": " 1/2 ", "¼": " 1/4 ", "¾": " 3/4 ", "⅓": " 1/3 ",
                        "⅔": " 2/3 ", "’": "'", "‘": "'", "×": " x ", "\u00a0": " ", "\u202f": " ",
                        "–": "-", "—": "-", "μ": "µ"})
_WORD_NUMBERS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
                 "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
                 "quinze": 15, "seize": 16, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50,
                 "soixante": 60, "cent": 100}
_TENS = r"vingt|trente|quarante|cinquante|soixante"
_UNITS_WORDS = r"un|une|deux|trois|quatre|cinq|six|sept|huit|neuf"
_COMPOUND_NUMBER = _rare(rf"\b(dix|{_TENS})(?:[- ]et[- ]|-)({_UNITS_WORDS})\b", "dix", *_TENS.split("|"))
_WORD_NUMBER = _C(r"\b(" + "|".join(_WORD_NUMBERS) + r")\b")
_ACCENTS = _C("[\u0300-\u036f]")
_FRACTION = _rare(r"(?<![\d./])([1-3])\s*/\s*([2-4])(?![\d./]|\s*(?:j\b|jours?|h\b|heures?|sem|mois))", "/")


def _number_word(match: re.Match[str]) -> str:
    return str(_WORD_NUMBERS[match.group(1)])


def _compound_number(match: re.Match[str]) -> str:
    return str(_WORD_NUMBERS[match.group(1)] + _WORD_NUMBERS[match.group(2)])


def _plus_half(match: re.Match[str]) -> str:
    return f"{float(match.group(1)) + 0.5:g} {match.group(2) or ''}"


def _fraction(match: re.Match[str]) -> str:
    top, bottom = int(match.group(1)), int(match.group(2))
    return f"{top / bottom:.6g}" if top < bottom else match.group(0)


_REWRITES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_rare(r"(\d),(\d)", ","), r"\1.\2"),
    (_rare(r"(?<![\d.])(\d{1,3}) (\d{3})(?=\s*(?:ui|u\b|mg|µg|unites?))", "u", "mg", "µg"), r"\1\2"),
    (_rare(r"\b(?:un|une)\s+demie?\b-?", "demi"), " 0.5 "),
    (_COMPOUND_NUMBER, _compound_number),
    (_WORD_NUMBER, _number_word),
    (_rare(r"\bpremiere?\b", "premi"), "1er"),
    (_rare(rf"(\d+(?:\.\d+)?)\s*({_UNIT}|jours?|semaines?|mois|ans?)\s+(?:et\s+)?(?:demie?|1\s*/\s*2)\b"
           r"(?!\s*(?:h\b|heure))", "demi", "/"), _plus_half),
    (_rare(r"(\d+(?:\.\d+)?)()\s+et\s+demie?\b", "demi"), _plus_half),
    (_rare(r"\b1\s+demie?\b-?", "demi"), " 0.5 "),
    (_rare(r"\bdemie?[- ](?=[a-z])", "demi"), "0.5 "),
    (_rare(r"\b1\s+quart\b", "quart"), "0.25"),
    (_rare(r"\b3\s+quarts\b", "quart"), "0.75"),
    (_rare(r"\b1\s+tiers\b", "tiers"), "0.333333"),
    (_FRACTION, _fraction),
)
_NOISE = (
    _rare(r"(?:[<>≥≤]=?\s*)?\d+(?:\.\d+)?\s*°\s*c?\d*", "°"),  # temperatures: "si fièvre > 38,5 °C"
    _rare(r"[<>≥≤]=?\s*\d+(?:\.\d+)?", "<", ">", "≥", "≤"),
    _rare(r"\d+(?:\.\d+)?\s*%", "%"),
    _rare(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", "/"),  # dates
)
_RESTATEMENT = _rare(r"\bsoit\b[^,;)]*", "soit")  # "soit 4 cp par jour" restates what precedes


def _normalize(text: str) -> str:
    lowered = text.lower().translate(_CHARS)
    plain = lowered if lowered.isascii() else _ACCENTS.sub("", unicodedata.normalize("NFD", lowered))
    plain = " ".join(plain.split())
    for pattern, replacement in _REWRITES:
        if _may_match(pattern, plain):
            plain = pattern.sub(replacement, plain)
    for noise in _NOISE:
        if _may_match(noise, plain):
            plain = noise.sub(_blank, plain)
    return plain


def _may_match(pattern: re.Pattern[str], text: str) -> bool:
    """Cheap pre-check: a rare pattern is only run when one of the words every match contains is there."""
    hints = _HINTS.get(id(pattern))
    return not hints or any(hint in text for hint in hints)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


class _Buffer:
    """Text from which recognised phrases are blanked out, so later patterns do not read them again."""

    __slots__ = ("present", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        # blanking only removes words, so the hints found now stay a safe superset
        self.present = frozenset(hint for hint in _ALL_HINTS if hint in text)

    def take(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        found: list[re.Match[str]] = []
        hints = _HINTS.get(id(pattern))
        if hints is not None and self.present.isdisjoint(hints):
            return found

        def keep(match: re.Match[str]) -> str:
            found.append(match)
            return " " * len(match.group(0))

        self.text = pattern.sub(keep, self.text)
        return found

    def cut(self, start: int, end: int) -> None:
        self.text = self.text[:start] + " " * (end - start) + self.text[end:]


# --- shared pieces of patterns -----------------------------------------------------------------

_NUM = r"\d+(?:\.\d+)?"
_NUMR = rf"{_NUM}(?:\s*(?:a|ou|-)\s*{_NUM})?"
_START = r"(?<![\w.])"
_DAY = r"(?:jours?|j|24\s*h(?:eures?|rs?)?|journee)"
_NUMBERS = _C(_NUM)
_PERIOD_DAYS = {"h": 1 / 24, "j": 1.0, "s": 7.0, "m": 30.0, "a": 365.0, "t": 90.0}


def _high(text: str) -> float:
    return max(float(n) for n in _NUMBERS.findall(text))


def _low(text: str) -> float:
    return min(float(n) for n in _NUMBERS.findall(text))


def _divide(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def _period_days(word: str) -> float:
    if word.startswith("semestr"):
        return 180.0
    return _PERIOD_DAYS.get(word[0], 1.0)


# --- global fields: as needed, renewals, boxes -------------------------------------------------

_AS_NEEDED = _C(
    r"\bsi\s+(?!possible\b|pas\b|persistance\b|aggravation\b|absence\b|echec\b|inefficac|intolerance\b"
    r"|oubli\b|grossesse\b|vous\b|il\b|elle\b|le\s+patient|effets?\s)[a-z>]|\bs'il\b|\ben\s+cas\s+d(?!'oubli)"
    r"|\bsb\b|\ba\s+la\s+demande\b|\bau\s+besoin\b|\bselon\s+(?:les\s+)?(?:besoins?|douleurs?|symptomes?)\b"
    r"|\bprn\b|\b(?:lors|au\s+moment|pendant)\s+(?:des|les|de\s+la|d'une)\s+(?:crises?|douleurs?)\b"
    r"|\bdes\s+(?:les\s+)?premiers\s+(?:symptomes|signes)"
)
_NOT_A_COUNT = (r"(?!\s*(?:par\b|/|h\b|heures?\b|hrs?\b|min|jours?\b|j\b|semaines?\b|sem\b|mois\b|ans?\b"
                r"|apres\b|au\s+bout|dans\b))")
_RENEWAL_COUNTS = (
    _rare(rf"\brenouv\w*\.?\s*:?\s*(?:x\s*)?(?P<n>{_NUM})(?![\d.])(?:\s*(?:fois|x)(?![a-z]))?+{_NOT_A_COUNT}",
          "renouv"),
    _rare(rf"\ba\.?\s?r\.?\s*:?\s*(?:x\s*)?(?P<n>{_NUM})(?![\d.])(?:\s*(?:fois|x)(?![a-z]))?+{_NOT_A_COUNT}",
          "r"),
    _rare(rf"{_START}(?:x\s*)?(?P<n>{_NUM})\s*(?:renouvellements?\b|fois\s+renouvelable)", "renouv"),
)
_RENEWAL_PERIOD = _rare(
    rf"\brenouv\w*\s*(?:pendant|pdt|sur|durant)?\s*(?P<n>{_NUMR})\s*(?P<u>mois|semaines?|sem|ans?|annees?)\b",
    "renouv")
_BOX_WORDS = r"(?:boites?|btes?|bts?|conditionnements?|coffrets?)"
_BOX_HINTS = ("boit", "bt", "cond", "coffret")
_BOXES = _rare(rf"{_START}(?:x\s*)?(?P<n>{_NUM})\s*{_BOX_WORDS}(?![a-z])"
               rf"(?:\s*(?:de|x)\s*{_NUM}(?:\s*{_UNIT})?)?", *_BOX_HINTS)
_BOX_ALONE = _rare(rf"\b{_BOX_WORDS}\s*(?:de|x)\s*{_NUM}(?:\s*{_UNIT})?", *_BOX_HINTS)
_PACKAGE = _rare(rf"{_START}(?:x\s*)?(?P<n>{_NUM})\s*(?:flacons?|tubes?)(?![a-z])"
                 rf"(?:\s*de\s*{_NUM}\s*{_UNIT})?", "flacon", "tube")
_DOSING_FOLLOWS = _C(r"\s*(?:par\b|/|x\s*\d|\d+\s*(?:fois|x)|(?:le|la|au|a)\s+(?:matin|midi|soir|coucher)"
                     r"|matin|midi|soir|toutes|tous|chaque|si\b|en\s+cas)")


def _take_renewals(buffer: _Buffer) -> tuple[int | None, float | None]:
    counts = [match for pattern in _RENEWAL_COUNTS for match in buffer.take(pattern)]
    periods = buffer.take(_RENEWAL_PERIOD)
    count = round(_high(counts[0].group("n"))) if counts else None
    period = _high(periods[0].group("n")) * _period_days(periods[0].group("u")) if periods else None
    return count, period


def _renewal_count(count: int | None, period: float | None, duration: float | None) -> int:
    if count is not None:
        return count
    if period is None:
        return 0
    return round(period / (duration or 30.0))


def _take_boxes(buffer: _Buffer) -> int | None:
    counted = buffer.take(_BOXES)
    boxes = [round(float(match.group("n"))) for match in counted]
    if not counted and buffer.take(_BOX_ALONE):
        boxes.append(1)
    for match in list(_PACKAGE.finditer(buffer.text)) if _may_match(_PACKAGE, buffer.text) else []:
        if not _DOSING_FOLLOWS.match(buffer.text, match.end()):
            boxes.append(round(float(match.group("n"))))
            buffer.cut(match.start(), match.end())
    return sum(boxes) if boxes else None


# --- durations, limits, intervals between intakes (per phase) ----------------------------------

_DURATION_UNIT = r"(?P<u>jours?|jrs?|j|semaines?|sem|mois|ans?|annees?)"
_DURATION_PREFIX = (r"\b(?:pendant|pdt|durant|sur|pour|qsp|q\.?s\.?p\.?|x|duree(?:\s+de)?"
                    r"|traitement\s+(?:de|d')|cure\s+(?:de|d')|a\s+poursuivre)")
_DURATION_PATTERNS = (
    _C(rf"{_DURATION_PREFIX}\s*:?\s*(?:les\s+)?(?P<n>{_NUMR})\s*{_DURATION_UNIT}\b(?!\s*(?:sur|/))"),
    _rare(rf"\b(?:pendant|pdt|durant|x)\s*(?P<n>{_NUMR})\s*(?P<u>h|heures?|hrs?)\b",
          "pendant", "pdt", "durant", "x"),
    _rare(r"\b(?:le|la|l')?\s*(?P<n>1)\s*(?:er|ere|re)\s+(?P<u>jour|semaine|mois)\b", "1"),
    _rare(rf"\b(?:les\s+)?(?P<n>{_NUM})\s+premi(?:er|ere)s\s+(?P<u>jours|semaines|mois)\b", "premi"),
    _rare(r"\b(?:en\s+)?(?:prise|dose)\s+unique\b", "unique"),
    _C(rf"(?<![\w./])(?<!tous les )(?<!toutes les )(?<!chaque )(?P<n>{_NUMR})\s*{_DURATION_UNIT}\b"
       r"(?!\s*(?:sur|/|par\b|d'arret))"),
)
_PAUSE = _rare(rf"\b(?:arret|pause|fenetre|interruption)\s+(?:de\s+|d')?{_NUMR}\s*"
               rf"(?:jours?|j|semaines?|sem)\b|{_NUMR}\s*(?:jours?|j|semaines?)\s+d'arret",
               "arret", "pause", "fenetre", "interruption")
_CAP_WORDS = (r"\b(?:sans\s+(?:depasser|exceder)|ne\s+(?:pas\s+)?(?:depasser|exceder)|pas\s+plus\s+de"
              r"|au\s+maximum|au\s+max|maximum|maxi|max|jusqu'?\s*a|dans\s+la\s+limite\s+de|limite\s+a"
              r"|au\s+plus)")
_CAP_QUANTITY = rf"(?P<n>{_NUMR})(?![\d.])\s*(?:(?P<unit>{_UNIT})|(?P<k>fois|prises?|x)(?![a-z]))?"
_CAP_PERIOD = (rf"(?:(?:par|/|en|sur|a\s+la|au\s+cours\s+de\s+la|dans\s+la|chaque)\s*(?:(?P<d>{_DAY})"
               r"|(?P<w>semaines?|sem)|(?P<m>mois)|(?P<p>prises?))\b)")
_MAX = r"(?:au\s+)?max(?:imum|i)?\b\.?"
_CAP_HINTS = ("max", "depass", "exced", "plus de", "jusqu", "limite")
_CAPS = (
    _rare(rf"{_CAP_WORDS}\.?\s*:?\s*(?:de\s+|d'\s*)?"
          rf"(?!{_NUMR}\s*(?:jours?|j\b|semaines?|sem\b|mois|ans?\b|h\b))"  # "max 10 jours" is a duration
          rf"{_CAP_QUANTITY}\s*{_CAP_PERIOD}?", *_CAP_HINTS),
    _rare(rf"{_START}{_CAP_QUANTITY}\s*{_CAP_PERIOD}\s*{_MAX}", *_CAP_HINTS),
    _rare(rf"{_START}{_CAP_QUANTITY}\s*{_MAX}\s*{_CAP_PERIOD}", *_CAP_HINTS),
)
_GAP = _rare(r"\b(?:espac\w*|intervalle|delai|au\s+moins|minimum|renouv\w*|au\s+bout\s+de|attendre)"
             rf"\D{{0,30}}?(?P<n>{_NUMR})\s*(?:h|heures?|hrs?)\b"
             r"(?!\s*(?:avant|apres)\s+(?:le|les|la|l')\s*(?:repas|coucher))",
             "espac", "intervalle", "delai", "au moins", "minimum", "renouv", "au bout", "attendre")
_OFFSETS = (
    _rare(rf"(?:au\s+moins\s+|environ\s+)?{_NUMR}\s*(?:h|heures?|hrs?|min|minutes?|mn)\b\s*(?:avant|apres)",
          "avant", "apres"),
    _rare(rf"{_START}{_NUMR}\s*(?:min|minutes?|mn)\b", "min", "mn"),
)
_BOTH_SIDES = _rare(r"\b(?:chaque|chacune\s+des|les|des|2|par)\s+(?:narines?|yeux|oeil|oreilles?)\b|\bodg\b"
                    r"|\bod\s*(?:et|\+|/)\s*og\b|\bdroit\w*\s+et\s+gauche\w*|\bgauche\w*\s+et\s+droit\w*",
                    "narine", "yeux", "oeil", "oreille", "og", "droit", "gauche")


@dataclass(frozen=True, slots=True)
class _Limit:
    per_day: float
    unit: str | None = None
    intakes: bool = False


def _take_duration(buffer: _Buffer) -> float | None:
    buffer.take(_PAUSE)
    days = [_duration_days(match) for pattern in _DURATION_PATTERNS for match in buffer.take(pattern)]
    return max(days) if days else None


def _duration_days(match: re.Match[str]) -> float:
    found = match.groupdict()
    if not found.get("n"):
        return 1.0  # "en prise unique"
    return _high(found["n"]) * _period_days(found["u"])


def _has_duration(text: str) -> bool:
    return any(pattern.search(text) for pattern in _DURATION_PATTERNS)


def _take_limits(buffer: _Buffer) -> list[_Limit]:
    limits = [limit for pattern in _CAPS for m in buffer.take(pattern) if (limit := _limit(m)) is not None]
    limits += [_Limit(per_day, intakes=True) for m in buffer.take(_GAP)
               if (per_day := _divide(24, _low(m.group("n")))) is not None]
    return limits


def _limit(match: re.Match[str]) -> _Limit | None:
    if match.group("p"):
        return None  # a limit per intake, not per day
    period = 7.0 if match.group("w") else 30.0 if match.group("m") else 1.0
    unit = _canonical_unit(match.group("unit")) if match.group("unit") else None
    return _Limit(_high(match.group("n")) / period, unit, bool(match.group("k")))


# --- one segment: a dose and how often it is taken ---------------------------------------------

@dataclass(slots=True)
class _Frequency:
    per_day: float | None = None
    share: float | None = None  # share of days with an intake: weekly, monthly, intervals, weekdays
    ratio: float = 1.0  # "1 jour sur 2", "5 j/7", "3 semaines sur 4"
    slots: int = 0
    split: bool = False  # "en 2 prises": the dose is the day's total

    def known(self) -> bool:
        return bool(self.per_day or self.share or self.slots or self.split or self.ratio != 1.0)

    def intakes(self) -> float:
        return (self.per_day or self.slots or 1) * self.days()

    def days(self) -> float:
        return (self.share if self.share is not None else 1.0) * self.ratio

    def set_share(self, share: float | None) -> None:
        if self.share is None:
            self.share = share


@dataclass(frozen=True, slots=True)
class _Dose:
    amount: float
    unit: str | None = None
    per_days: float | None = None
    strength: tuple[float, str] | None = None


@dataclass(slots=True)
class _Segment:
    dose: _Dose | None
    frequency: _Frequency
    sequence: tuple[float, ...] | None = None


_SEQUENCE = _C(r"(?<![\w./-])(?P<s>\d{1,2}(?:\.\d+)?(?:\s*[-/+]\s*\d{1,2}(?:\.\d+)?){2,3})(?![\w./-])")
_PER_PERIOD = _rare(rf"{_START}(?P<n>{_NUMR})\s*(?:fois|x|prises?)?\s*"
                    r"(?:par|/|a\s+la|au|chaque|tou(?:te)?s\s+les)\s*"
                    r"(?P<u>semaines?|sem|mois|ans?|annees?|trimestres?|semestres?)\b",
                    "sem", "mois", "an", "trimestre", "semestre")
_EVERY_HOURS = _rare(rf"(?:\btou(?:te)?s?\s+les\s+|(?:/\s*|\bpar\s+)(?!24\s*h))(?P<n>{_NUMR})"
                     r"\s*(?:h|heures?|hrs?)\b", "h")
_EVERY_PERIOD = _rare(rf"\btou(?:te)?s?\s+les\s+(?P<n>{_NUMR})\s*"
                      r"(?P<u>j|jours?|semaines?|sem|mois|ans?|annees?)\b", "tous", "toutes")
_EVERY = _rare(r"\b(?:tou(?:te)?s\s+les|chaque)\s+(?P<u>jours?|semaines?|mois|ans?|annees?|trimestres?)\b",
               "tous", "toutes", "chaque")
_RATIO = _rare(rf"{_START}(?P<a>{_NUM})\s*(?:j|jours?|semaines?|sem|mois|matins?|soirs?|nuits?)\s*(?:sur|/)"
               rf"\s*(?P<b>{_NUM})(?![\d.])(?:\s*(?:j|jours?|semaines?|sem|mois)\b)?", "sur", "/")
_DAYS_A_WEEK = _rare(rf"{_START}(?P<a>{_NUM})\s*(?:j|jours?)\s*(?:par|/)\s*(?:semaine|sem)\b", "sem")
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_WEEKDAY_NAMES = "|".join(_WEEKDAYS)
_WEEKDAY_RANGE = _rare(rf"\bdu\s+({_WEEKDAY_NAMES})\s+au\s+({_WEEKDAY_NAMES})\b", "du ")
_EXCEPT = _rare(r"\bsauf\b[^,;]*", "sauf")
_WEEKDAY = _rare(rf"\b({_WEEKDAY_NAMES})s?\b|\b(week-?ends?)\b", "di", "week")  # every weekday holds "di"
_MONTH_DAY = _rare(r"\b(?:le\s+)?\d+(?:er)?\s+(?:de\s+)?(?:chaque|du)\s+mois\b", "mois")
_PERIOD_WORDS = _rare(r"\b(?:(?P<b>bihebdo\w*)|(?P<w>hebdo\w*)|(?P<m>mensuel\w*)|(?P<t>trimestriel\w*)"
                      r"|(?P<s>semestriel\w*)|(?P<a>annuel\w*)|(?P<d>quotidien\w*))\b",
                      "hebdo", "mensuel", "trimestriel", "semestriel", "annuel", "quotidien")
_WORD_SHARES = {"b": 2 / 7, "w": 1 / 7, "m": 1 / 30, "t": 1 / 90, "s": 1 / 180, "a": 1 / 365, "d": 1.0}
_TIMES_A_DAY = (
    _rare(rf"{_START}(?P<n>{_NUMR})\s*(?:fois|x|prises?)\s*(?:par|/|a|au|dans\s+la|chaque)?\s*{_DAY}\b",
          "fois", "x", "prise"),
    _rare(rf"(?<![a-z\d])x\s*(?P<n>{_NUMR})(?![\d.]|\s*{_UNIT})(?:\s*(?:par|/)\s*{_DAY}\b)?", "x"),
    _rare(rf"{_START}(?P<n>{_NUMR})\s*(?:fois|x)(?![a-z])", "fois", "x"),
    _rare(rf"{_START}(?P<n>{_NUMR})\s*(?:par|/)\s*{_DAY}\b", "par", "/"),
)
_SPLIT_INTAKES = _rare(rf"\ben\s+(?P<n>{_NUMR})\s*(?:prises?|fois)\b", "en ")
_UNIT_DOSE = _C(rf"{_START}(?P<n>{_NUMR})\s*(?:de\s+|d')?(?P<unit>{_UNIT})")
_STRENGTH = _C(rf"\s*(?:de|a|dosee?s?\s+a)\s*(?P<n>{_NUM})\s*(?P<unit>mg|g|µg|mcg|ui)(?![a-z])")
_PER_SUFFIX = _C(rf"(?:\s+(?!matin|midi|soir|le\b|la\b|au\b|a\b)[a-z][a-z'-]*){{0,2}}?\s*(?:par|/|pour)\s*"
                 rf"(?:(?P<p>prises?)|(?P<per>{_DAY}|semaines?|sem|mois|trimestres?|semestres?|ans?"
                 r"|annees?))\b")
_BARE_NUMBER = _C(rf"{_START}(?P<n>{_NUMR})(?![\w.]|\s*(?:h\b|heures?|min))")
_EVENING_BEDTIME = _C(r"\bsoirs?\b(?:\W+\w+){0,2}?\W+coucher\b")
_SLOTS = _C(r"\b(?:(?P<afternoon>apres[- ]midi|gouter)"
            r"|(?P<morning>matins?|matinee|reveil|lever|petit[- ]?dej\w*|a\s+jeun)|(?P<noon>midis?|dejeuner)"
            r"|(?P<evening>soirs?|soiree|diner|souper)|(?P<bed>coucher)|(?P<night>nuits?))\b")
_MEALS = _C(r"\b(?:aux|des|chaque|les)\s+(?:(?P<n>\d)\s+)?(?:principaux\s+)?repas\b")
_CLOCK = _C(r"(?<![\w.])(?P<h>[01]?\d|2[0-4])\s*h(?:\s*[0-5]\d)?(?![a-z])")


def _take_sequence(buffer: _Buffer) -> tuple[float, ...] | None:
    if not any(sign in buffer.text for sign in "-/+"):
        return None
    for match in _SEQUENCE.finditer(buffer.text):
        parts = tuple(float(part) for part in _NUMBERS.findall(match.group("s")))
        if max(parts) <= 10:
            buffer.cut(match.start(), match.end())
            return parts
    return None


def _take_shares(buffer: _Buffer, frequency: _Frequency) -> None:
    for match in buffer.take(_PER_PERIOD):
        frequency.set_share(_high(match.group("n")) / _period_days(match.group("u")))
    for match in buffer.take(_EVERY_HOURS):
        frequency.per_day = _divide(24, _low(match.group("n")))
    for match in buffer.take(_EVERY_PERIOD):
        frequency.set_share(_divide(1, _low(match.group("n")) * _period_days(match.group("u"))))
    for match in buffer.take(_RATIO):
        frequency.ratio *= _divide(float(match.group("a")), float(match.group("b"))) or 1.0
    for match in buffer.take(_DAYS_A_WEEK):
        frequency.set_share(float(match.group("a")) / 7)
    _take_weekdays(buffer, frequency)
    for match in buffer.take(_EVERY):
        frequency.set_share(1 / _period_days(match.group("u")))


def _take_weekdays(buffer: _Buffer, frequency: _Frequency) -> None:
    excluded = sum(_weekday_count(match.group(0)) for match in buffer.take(_EXCEPT))
    spans = [(_WEEKDAYS.index(m.group(2)) - _WEEKDAYS.index(m.group(1))) % 7 + 1
             for m in buffer.take(_WEEKDAY_RANGE)]
    named = sum(spans) + _weekday_count(" ".join(match.group(0) for match in buffer.take(_WEEKDAY)))
    if buffer.take(_MONTH_DAY):
        frequency.set_share(1 / 30)
    for match in buffer.take(_PERIOD_WORDS):
        frequency.set_share(_WORD_SHARES[match.lastgroup or "d"])
    if named:
        frequency.set_share(named / 7)
    elif excluded:
        frequency.set_share((7 - excluded) / 7)


def _weekday_count(text: str) -> int:
    days = {match.group(1) or "samedi" for match in _WEEKDAY.finditer(text)}
    weekend = any(match.group(2) for match in _WEEKDAY.finditer(text))
    return len(days | ({"samedi", "dimanche"} if weekend else set()))


def _take_times_a_day(buffer: _Buffer, frequency: _Frequency) -> None:
    for match in buffer.take(_SPLIT_INTAKES):
        frequency.split = True
        frequency.per_day = frequency.per_day or _high(match.group("n"))
    for pattern in _TIMES_A_DAY:
        for match in buffer.take(pattern):
            frequency.per_day = frequency.per_day or _high(match.group("n"))


def _take_dose(buffer: _Buffer) -> _Dose | None:
    candidates = list(_UNIT_DOSE.finditer(buffer.text))
    counted = [m for m in candidates if _canonical_unit(m.group("unit")) not in _NON_COUNT]
    chosen = next(iter(counted or candidates), None)
    if chosen is not None:
        return _read_dose(buffer, chosen, _canonical_unit(chosen.group("unit")))
    bare = _BARE_NUMBER.search(buffer.text)
    return _read_dose(buffer, bare, None) if bare else None


def _read_dose(buffer: _Buffer, match: re.Match[str], unit: str | None) -> _Dose:
    end, strength = match.end(), None
    found = _STRENGTH.match(buffer.text, end)
    if found:
        end, strength = found.end(), (float(found.group("n")), _canonical_unit(found.group("unit")) or "")
    per_days = None
    suffix = _PER_SUFFIX.match(buffer.text, end)
    if suffix and not suffix.group("p"):
        end, per_days = suffix.end(), _period_days(suffix.group("per"))
    buffer.cut(match.start(), end)
    return _Dose(_high(match.group("n")), unit, per_days, strength)


def _count_slots(buffer: _Buffer, frequency: _Frequency) -> None:
    text = _EVENING_BEDTIME.sub("soir", buffer.text)
    slots = {match.lastgroup for match in _SLOTS.finditer(text)}
    meals = [int(match.group("n") or 3) for match in _MEALS.finditer(text)]
    clocks = {int(match.group("h")) for match in _CLOCK.finditer(text)}
    # meals count only beside bedtime or night ("après les repas et au coucher" = 4 intakes)
    meal_intakes = meals[0] if meals and not slots - {"bed", "night"} else 0
    frequency.slots = len(slots) + meal_intakes or len(clocks)


def _parse_segment(text: str) -> _Segment:
    buffer = _Buffer(text)
    sequence = _take_sequence(buffer)
    frequency = _Frequency()
    _take_shares(buffer, frequency)
    _take_times_a_day(buffer, frequency)
    dose = None if sequence is not None else _take_dose(buffer)
    _count_slots(buffer, frequency)
    return _Segment(dose, frequency, sequence)


def _segment_daily(segment: _Segment, previous: _Dose | None) -> float | None:
    frequency = segment.frequency
    if segment.sequence is not None:
        return sum(segment.sequence) * frequency.days()
    dose = segment.dose or (previous if frequency.known() else None)
    if dose is None:
        return 1.0 * frequency.intakes() if frequency.known() else None
    if segment.dose is not None and dose.per_days:
        # a weekly dose already says which days; a daily one may still skip some ("sauf le dimanche")
        days = frequency.days() if dose.per_days == 1 else frequency.ratio
        return dose.amount / dose.per_days * days
    if frequency.split:
        return dose.amount * frequency.days()
    return dose.amount * frequency.intakes()


# --- splitting text into phases ("puis") and segments ("1 cp le matin et 2 le soir") ---------

_HARD_SPLIT = _C(r"\bpuis\b|\bensuite\b|\bet\s+apres\b|\bsuivi\s+de\b|\brelais\s+par\b")
_SOFT_SPLIT = _C(r"[,;:]|\.(?!\d)|\bet\b")
_DURATION_HINT = _C(r"\d\s*(?:j|jours?|jrs?|sem\w*|mois|ans?|annees?)\b|premi|1\s*(?:er|ere|re)\b|unique")
_SEGMENT_SPLIT = _C(r"[,;+]|\.(?!\d)|\bet\b")
_OWN_DOSE = _C(rf"{_START}{_NUMR}\s*(?:de\s+|d')?{_UNIT}"
               rf"|{_START}{_NUMR}\s*(?:le\s+|la\s+|au\s+|a\s+|l')?(?:matin|midi|soir|coucher|nuit)\b"
               r"|(?<![\w./-])\d{1,2}(?:\.\d+)?(?:\s*[-/+]\s*\d{1,2}(?:\.\d+)?){2,3}")
_REGIMEN = _C(rf"{_OWN_DOSE.pattern}|\bfois\b|\bx\s*\d|\d\s*x\b|/\s*j\b|\bpar\s+(?:jour|semaine|mois)\b"
              r"|\b(?:matin|midi|soir|coucher)\b|\btou(?:te)?s\s+les\b|\bchaque\b")


def _pieces(text: str, separator: re.Pattern[str]) -> list[str]:
    bounds = [0, *(match.start() for match in separator.finditer(text)), len(text)]
    return [text[start:end] for start, end in pairwise(bounds) if end > start]


_Marks = tuple[bool, bool]


def _group(pieces: Iterable[str], mark: Callable[[str], _Marks],
           starts_new: Callable[[_Marks, _Marks], bool]) -> list[str]:
    """Joins pieces into groups; a group's marks are its pieces' marks or-ed together."""
    groups: list[str] = []
    marks: list[_Marks] = []
    for piece in pieces:
        piece_marks = mark(piece)
        if groups and not starts_new(marks[-1], piece_marks):
            groups[-1] += piece
            marks[-1] = (marks[-1][0] or piece_marks[0], marks[-1][1] or piece_marks[1])
        else:
            groups.append(piece)
            marks.append(piece_marks)
    return groups


def _regimen_mark(piece: str) -> _Marks:
    return bool(_REGIMEN.search(piece)), False


def _dose_mark(piece: str) -> _Marks:
    return bool(_OWN_DOSE.search(piece)), False


def _dose_and_duration_marks(piece: str) -> _Marks:
    return bool(_OWN_DOSE.search(piece)), _has_duration(piece)


def _new_phase_after_puis(_current: _Marks, piece: _Marks) -> bool:
    return piece[0]


def _new_soft_phase(current: _Marks, piece: _Marks) -> bool:
    return piece[0] and piece[1] and current[1]


def _new_segment(current: _Marks, piece: _Marks) -> bool:
    return piece[0] and current[0]


def _split_phases(text: str) -> list[str]:
    hard = _group(_pieces(text, _HARD_SPLIT), _regimen_mark, _new_phase_after_puis)
    if len(_DURATION_HINT.findall(text)) < 2:
        return hard
    return [phase for part in hard
            for phase in _group(_pieces(part, _SOFT_SPLIT), _dose_and_duration_marks, _new_soft_phase)]


# --- one phase ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Phase:
    unit: str | None
    daily: float | None
    duration: float | None
    dose: _Dose | None
    per_intake: float | None = None


@dataclass(slots=True)
class _PhaseParts:
    segments: list[_Segment]
    limits: list[_Limit] = field(default_factory=list)
    multiplier: float = 1.0


def _parse_phase(text: str, previous: _Dose | None) -> _Phase:
    buffer = _Buffer(text)
    duration = _take_duration(buffer)
    limits = _take_limits(buffer)
    for offset in _OFFSETS:
        buffer.take(offset)
    multiplier = 2.0 if buffer.take(_BOTH_SIDES) else 1.0
    pieces = _group(_pieces(buffer.text, _SEGMENT_SPLIT), _dose_mark, _new_segment)
    parts = _PhaseParts([_parse_segment(piece) for piece in pieces], limits, multiplier)
    segments = _main_segments(parts.segments)
    dose = next((s.dose for s in segments if s.dose is not None), None)
    unit = dose.unit if dose else previous.unit if previous and _inherits(segments) else None
    unit = unit or next((limit.unit for limit in limits if limit.unit), None)
    daily = _phase_daily(parts, segments, previous, dose or previous)
    intakes = [amount for s in segments if (amount := _segment_per_intake(s, previous)) is not None]
    per_intake = max(intakes) * multiplier if intakes else None
    return _Phase(unit, daily, duration, dose, per_intake)


def _segment_per_intake(segment: _Segment, previous: _Dose | None) -> float | None:
    frequency = segment.frequency
    if segment.sequence is not None:
        return max(segment.sequence)
    dose = segment.dose or (previous if frequency.known() else None)
    if dose is None:
        return None
    if segment.dose is not None and (dose.per_days == 1 or frequency.split):
        return dose.amount / (frequency.per_day or frequency.slots or 1)
    return dose.amount


def _inherits(segments: list[_Segment]) -> bool:
    return any(s.dose is None and s.sequence is None and s.frequency.known() for s in segments)


def _main_segments(segments: list[_Segment]) -> list[_Segment]:
    """Keeps the segments in the phase's unit: a lone "500 mg" beside "1 cp" is the strength."""
    units = [s.dose.unit for s in segments if s.dose is not None and s.dose.unit]
    counted = [unit for unit in units if unit not in _NON_COUNT]
    main = next(iter(counted or units), None)
    kept = [s for s in segments if s.dose is None or s.dose.unit in (main, None)]
    _inherit_frequency(kept)
    return kept


def _inherit_frequency(segments: list[_Segment]) -> None:
    known = [s.frequency for s in segments if s.frequency.known()]
    for segment in segments:
        if known and not segment.frequency.known() and segment.dose and not segment.dose.per_days:
            segment.frequency = known[-1]


def _phase_daily(parts: _PhaseParts, segments: list[_Segment], previous: _Dose | None,
                 dose: _Dose | None) -> float | None:
    dailies = [daily for s in segments if (daily := _segment_daily(s, previous)) is not None]
    daily = sum(dailies) * parts.multiplier if dailies else None
    ceilings = [units for limit in parts.limits if (units := _limit_units(limit, dose)) is not None]
    if not ceilings:
        return daily
    regular = any(s.frequency.known() or s.sequence is not None or (s.dose and s.dose.per_days)
                  for s in segments)
    return min(daily, *ceilings) if daily is not None and regular else min(ceilings)


def _limit_units(limit: _Limit, dose: _Dose | None) -> float | None:
    if limit.intakes:
        return limit.per_day * (dose.amount if dose else 1.0)
    if limit.unit is None or dose is None or limit.unit == dose.unit:
        return limit.per_day
    if dose.strength and limit.unit in _MASS_UNITS and dose.strength[1] in _MASS_UNITS:
        strength = dose.strength[0] * _MASS_UNITS[dose.strength[1]]
        return _divide(limit.per_day * _MASS_UNITS[limit.unit], strength)
    return None


# --- the whole text ----------------------------------------------------------------------------

def _parse_phases(text: str) -> list[_Phase]:
    phases: list[_Phase] = []
    previous: _Dose | None = None
    for chunk in _split_phases(text):
        phase = _parse_phase(chunk, previous)
        phases.append(phase)
        previous = phase.dose or previous
    return phases


def _standalone_unit(normalized: str, original: str) -> str | None:
    match = _STANDALONE.search(normalized)
    if match and match.lastgroup:
        return _UNIT_NAMES[int(match.lastgroup[1:])]
    return "gélule" if _STANDALONE_GEL.search(original.lower()) else None


def _durations(phases: list[_Phase]) -> float | None:
    durations = [phase.duration for phase in phases]
    return sum(d for d in durations if d is not None) if durations and None not in durations else None


def _total(phases: list[_Phase]) -> float | None:
    if any(phase.daily is None or phase.duration is None for phase in phases) or not phases:
        return None
    return sum((phase.daily or 0.0) * (phase.duration or 0.0) for phase in phases)


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits) + 0.0


def _days(value: float | None) -> float | None:
    if value is None:
        return None
    return round(value) if abs(value - round(value)) < 1e-9 else round(value, 2)


def parse_posology(text: str) -> Posology:
    """Reads one posology; never raises. `understood` is False when nothing could be read."""
    normalized = _normalize(text)
    buffer = _Buffer(normalized)
    renewal_count, renewal_period = _take_renewals(buffer)
    boxes = _take_boxes(buffer)
    buffer.take(_RESTATEMENT)
    phases = _parse_phases(buffer.text)
    dailies = [phase.daily for phase in phases if phase.daily is not None]
    duration = _durations(phases)
    result = Posology(
        text=text, understood=True,
        unit=next((p.unit for p in phases if p.unit), None) or _standalone_unit(normalized, text),
        daily_quantity=_rounded(max(dailies), 6) if dailies else None,
        duration_days=_days(duration), as_needed=bool(_AS_NEEDED.search(normalized)),
        renewals=_renewal_count(renewal_count, renewal_period, duration), boxes=boxes,
        total_quantity=_rounded(_total(phases), 4),
        per_intake=_rounded(max((p.per_intake for p in phases if p.per_intake), default=None), 6))
    return result if _says_something(result) else Posology(text=text, understood=False)


def _says_something(result: Posology) -> bool:
    return (result.unit is not None or result.daily_quantity is not None or result.duration_days is not None
            or result.as_needed or result.renewals > 0 or result.boxes is not None)


def parse_lines(texts: Iterable[str]) -> list[Posology]:
    return [parse_posology(text) for text in texts]


_ALL_HINTS = frozenset(hint for hints in _HINTS.values() for hint in hints)  # all patterns defined
