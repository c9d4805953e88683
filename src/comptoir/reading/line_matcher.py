"""One prescription line as read by the OCR → the product it names, how sure we are, and its posology.

A line is "designation [separator] posology": "DOLIPRANE 1000 mg cp : 1 cp 3 fois par jour". The
designation is matched against the drug reference (brand or DCI, strength, form), tolerating
what Tesseract does to print: O for 0, l for 1, "rn" for "m", lost accents. The match carries a
confidence in [0, 1]; under `UNCERTAIN_BELOW` the line is marked uncertain, no product is chosen
and the candidates are listed for the pharmacist — a guess is never passed off as a reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from comptoir.reading.posology import Posology, parse_posology
from comptoir.refdata.search import ABBREVIATIONS, DrugIndex, DrugRecord, fold, tokens
from comptoir.refdata.substance_names import normalise_substance_name

UNCERTAIN_BELOW = 0.7
STRENGTH_AGREES = 0.4
"""Strength fit from which the written strength is this product's (found in its name or composition)."""
NAMES_A_DRUG, NAMES_A_DRUG_ALONE = 0.55, 0.7
"""Below this, a line without number or bullet continues the previous line rather than opening one."""
CANDIDATES = 5
SEARCH_DEPTH = 60
"""The index ranks combinations sold in many packs above the plain product: look deep, then judge ourselves."""
MASS_IN_MG = {"mg": 1.0, "g": 1000.0, "gr": 1000.0, "µg": 0.001, "mcg": 0.001, "ug": 0.001,
              "microgramme": 0.001, "microgrammes": 0.001, "ui": None, "u": None, "ml": None, "pour": None}
STRENGTH_UNITS = frozenset(MASS_IN_MG) | {"%", "mmol", "meq", "mui"}
# How prescribers name a form, folded → the words the BDPM uses for it.
FORM_FAMILIES: dict[str, tuple[str, ...]] = {
    "cp": ("comprime",), "cpr": ("comprime",), "cpm": ("comprime",), "comp": ("comprime",),
    "comprime": ("comprime",), "comprimes": ("comprime",), "gel": ("gelule", "gel"), "gelule": ("gelule",),
    "gelules": ("gelule",), "caps": ("capsule", "gelule"), "capsule": ("capsule",), "sachet": ("sachet", "granules"),
    "sach": ("sachet",), "granules": ("granules", "sachet"), "sol": ("solution",), "solution": ("solution",),
    "buv": ("buvable",), "buvable": ("buvable",), "susp": ("suspension",), "suspension": ("suspension",),
    "sirop": ("sirop",), "gttes": ("gouttes",), "gouttes": ("gouttes",), "collyre": ("collyre",),
    "coll": ("collyre",), "creme": ("creme",), "pommade": ("pommade",), "pom": ("pommade",),
    "suppo": ("suppositoire",), "suppositoire": ("suppositoire",), "patch": ("transdermique",),
    "dispositif": ("dispositif",), "aerosol": ("inhalation",), "inhal": ("inhalation",), "pdre": ("poudre",),
    "poudre": ("poudre",), "orodispersible": ("orodispersible",),
    "lp": ("prolongee", "lp"), "liberation": ("liberation", "lp"), "prolongee": ("prolongee", "lp"),
    "effervescent": ("effervescent",), "inj": ("injectable",), "injectable": ("injectable",),
}
# Words that only qualify a form ("comprimé pelliculé sécable"): neither a name nor a reason to doubt.
FORM_QUALIFIERS = frozenset({"pellicule", "pellicules", "secable", "quadrisecable", "enrobe", "enrobes", "gastro",
                             "resistant", "resistante", "resistantes", "gastroresistant", "gastroresistante", "croquer",
                             "sucer", "molle", "dure", "film", "vaginal", "vaginale", "rectal", "cutane", "cutanee",
                             "ophtalmique", "nasal", "nasale", "auriculaire", "modifiee", "immediate", "diluer",
                             "ampoule", "flacon", "recipient", "unidose", "pressurise", "multidose", "usage"})
FILLER = frozenset({"de", "du", "des", "d", "l", "la", "le", "les", "et", "en", "a", "au", "pour", "par", "ou"})
_MARKER = re.compile(r"^\s*(?:\d{1,2}\s*[.),°}\]](?!\d)|[-•*·>–—+»°.«©®]|[oO0]\)|[eo](?=\s+[A-ZÀ-Ý]))\s*")
_POSOLOGY_START = re.compile(
    r"(?:^|\s)(?="
    r"(?:\d+(?:[.,/]\d+)?|½|un|une|deux|trois|quatre|cinq|dix)\s*(?:à\s*\d+\s*|quart\s+de\s+|demi[- ]?)?"
    r"(?:cp|cpr|comprim|g[ée]l|gel\b|sach|gout|gtt|ml\b|cuill|c\.|c[àa]\s?[cs]|applic|bouff|pulv|inhal|inj|supp"
    r"|patch|dose|amp|capsule|ovule|pastille|mesur|unit|fois|x\s?\d|/\s?j)"
    r"|\d+\s*-\s*\d+\s*-\s*\d+"
    r"|(?:matin|midi|soir|au coucher|le coucher|par jour|toutes les|chaque|pendant|pdt|qsp|si\s|en cas|à renouveler"
    r"|traitement|prendre|appliquer|instiller|inhaler|mettre|faire|dissoudre|puis|selon|ne pas|sans dépasser"
    r"|(?:un|une|le|la)\s+(?:demi|quart|moitié|tiers)|x\s?\d+\s?(?:/|par\b)|\d+\s?x\s?/|sur\s+\d)\b)",
    re.IGNORECASE)
_PRODUCT_SHAPE = re.compile(r"[A-Za-zÀ-ÿ]{3,}.*?\d+(?:[.,]\d+)?\s*(?:mg|g|µg|microgrammes?|ui|u\.i\.|%|ml)\b",
                            re.IGNORECASE)
_SEPARATOR = re.compile(r"\s[:;]\s?|\s[:;]?\s*[–—-]\s|:\s|(?<=[A-Za-z.\d]):(?=[A-Za-zàé])")
_NUMERIC_CONFUSIONS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})
_NUMBERISH = re.compile(r"\b(?=[\dOolI|,.]*\d)[\dOolI|]+(?:[,.][\dOolI|]+)?\b")
_ONE_BEFORE = (r"à\s+\d|le|la|les|cp|cpr|comprimés?|gél\w*|sachets?|gouttes?|fois|jours?|x|par|ampoules?"
               r"|applications?|bouffées?")
_DURATION = r"\s*(?:j|jours?|semaines?|mois|fois|h)\b"
# (pattern, replacement): what Tesseract does to prescriptions' print, undone where the context is certain.
_OCR_FIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=\d)\s*(?:rng|mq|rnq|mgs)\b", re.IGNORECASE), " mg"),
    (re.compile(r"(?<=\d)\s*(?:rnl|rnL)\b"), " ml"),
    (re.compile(r"(?<=\d)\s*(?:pg|ug)\b"), " µg"),
    (re.compile(r"\b[lI|](?=\s*(?:g|mg|ml|cp|gél|sachet)\b)"), "1"),
    (re.compile(r"(?<=[\dA-Za-z])\s?/\s?[)\]}](?!\w)"), "/j"),
    (re.compile(r"\b[lI1]\.\s?[pP]\.?(?!\w)|\b[1I]p\b"), "LP"),
    (re.compile(r"(?<=[\d/\s])m[1I|!\]][!|]?(?![\w])|(?<=/)m[il1I|]{1,2}\b|(?<=\d\s)mi[l1]?\b"), "ml"),
    (re.compile(r"(?<=\d)\s?/\s*$"), "/j"),
    (re.compile(r"\b(cp|cpr|gél|gel|sachets?|comprimés?)f\b"), r"\1/j"),
    (re.compile(r"(?<=mg\s)d[ée]l\b|(?<=mg\s)qél\b"), "gél"),
    (re.compile(r"\b[lI1]\s?(?=er\s+jour)"), "1"),
    (re.compile(r"(?<![\w'’])([\dilI|]+\s?)(cp|cpr)(?=(?:par|toutes|le|la|matin|midi|soir|au|x)\b)"), r"\1\2 "),
    (re.compile(rf"(?<![\w'’])[lLIi|](?=\s+(?:{_ONE_BEFORE})\b)"), "1"),
    (re.compile(rf"(?<![\w'’])S(?={_DURATION})"), "5"),
    (re.compile(rf"(?<![\w'’])O(?={_DURATION})"), "0"),
)
_DIGIT_THEN_WORD = re.compile(r"(?<=\d)(?=[a-zA-Zé]{2,})(?!(?:er|ère|re|ème|eme)\b)")
_WORD_THEN_DIGIT = re.compile(r"(?<=[a-zé]{2})(?=\d)")
_X_THEN_DIGIT = re.compile(r"(?<=[a-z])x(?=\d)")
_LETTERS_IN_WORDS = re.compile(r"(?<=[A-Za-zÀ-ÿ])0(?=[A-Za-zÀ-ÿ])|(?<=[A-Za-zÀ-ÿ]{2})0\b|\b0(?=[A-Za-zÀ-ÿ]{2})")
_THOUSANDS = re.compile(r"(?<![\w,.])(\d{1,3})\s(\d{3})(?![\d,.])")
# Like `refdata.search.tokens`, but a number glued to letters stays in the word: "D3", "B12" are names.
_WORD_OR_NUMBER = re.compile(r"[a-zµ]+\d*|\d+(?:[.,]\d+)?")
_NAME_AND_FORM = re.compile(r",\s+(?=[^\d\s])")
_PARENTHESES = re.compile(r"\([^)]*\)")
_LP = re.compile(r"\bl\.\s?p\b\.?")
# The BDPM names one molecule several ways across generics ("vitamine D3", "colécalciférol").
SUBSTANCE_SYNONYMS = {"colecalciferol": "cholecalciferol", "vitamine d3": "cholecalciferol",
                      "ergocalciferol": "vitamine d2"}


@dataclass(frozen=True, slots=True)
class Candidate:
    cis: str
    name: str
    confidence: float


@dataclass(frozen=True, slots=True)
class DrugMatch:
    record: DrugRecord | None
    confidence: float
    candidates: tuple[Candidate, ...]

    @property
    def uncertain(self) -> bool:
        return self.record is None or self.confidence < UNCERTAIN_BELOW


@dataclass(frozen=True, slots=True)
class MatchedLine:
    text: str
    designation: str
    posology: Posology
    match: DrugMatch
    ald: bool = False
    """Read in the ALD zone of a bizone prescription."""

    def contract(self) -> dict[str, object]:
        chosen = None if self.match.uncertain else self.match.record
        return {
            "text": self.text, "drug": self.designation,
            "substances": list(chosen.substances) if chosen else [],
            "cis": chosen.cis if chosen else None, "name": chosen.name if chosen else None,
            "confidence": round(self.match.confidence, 3), "uncertain": self.match.uncertain, "ald": self.ald,
            "candidates": [{"cis": c.cis, "name": c.name, "confidence": round(c.confidence, 3)}
                           for c in self.match.candidates],
            "posology": {**self.posology.contract(), "text": self.posology.text,
                         "understood": self.posology.understood},
        }


def repair(text: str) -> str:
    """Undo Tesseract's usual confusions where the context tells: digits in numbers, letters in words."""
    text = _NUMBERISH.sub(lambda m: m.group(0).translate(_NUMERIC_CONFUSIONS), text)
    for pattern, replacement in _OCR_FIXES:
        text = pattern.sub(replacement, text)
    return _LETTERS_IN_WORDS.sub("O", _unmatched_bracket_as_day(text))


def spaced(posology: str) -> str:
    """ "1cpx2/jour" → "1 cp x2/jour", "toutes les6h" → "toutes les 6h": the spaces a blurred scan loses."""
    posology = _DIGIT_THEN_WORD.sub(" ", posology)
    return _WORD_THEN_DIGIT.sub(" ", _X_THEN_DIGIT.sub(" x", posology))


def _unmatched_bracket_as_day(text: str) -> str:
    """ "qsp 15)" → "qsp 15j": Tesseract reads a "j" after a number as a closing bracket (but "1)" opens a line)."""
    depth, kept = 0, []
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif char in ")]}" and i and text[i - 1].isdigit() and text[:i].rstrip("0123456789").strip():
            char = "j"
        kept.append(char)
    return "".join(kept)


def strip_marker(text: str) -> tuple[str, bool]:
    """ "1) DOLIPRANE" → ("DOLIPRANE", True): the number or bullet that opens a prescription line."""
    found = _MARKER.match(text)
    if not found or (found.group(0).strip()[:1].isdigit() and _POSOLOGY_START.match(text)):
        return text.strip(), False
    return text[found.end():].strip(), True


def split_line(text: str) -> tuple[str, str]:
    """ "KARDEGIC 75 mg sachet : 1 sachet par jour" → ("KARDEGIC 75 mg sachet", "1 sachet par jour")."""
    separator = _SEPARATOR.search(text)
    start = _posology_start(text)
    if separator and (start is None or separator.start() <= start):
        return text[:separator.start()].strip(), text[separator.end():].strip()
    if start is None:
        return text.strip(), ""
    return text[:start].strip(), text[start:].strip()


def looks_like_a_product(designation: str) -> bool:
    """A name then a strength ("XYZAL 5 mg"): a prescription line even when the name is not recognised."""
    return bool(_PRODUCT_SHAPE.search(designation))


def _posology_start(text: str) -> int | None:
    """Where the posology begins: the first dose that is not a strength, or a posology word."""
    found = _POSOLOGY_START.search(text)
    return found.end() if found else None


@dataclass(frozen=True, slots=True)
class _Designation:
    words: tuple[str, ...]
    strengths: tuple[float, ...]
    forms: tuple[str, ...]

    @property
    def query(self) -> str:
        return " ".join((*self.words, *(_number_text(s) for s in self.strengths)))


def _number_text(value: float) -> str:
    return f"{value:g}"


def describe(designation: str) -> _Designation:
    """The name words, the strengths (mg when a mass unit says so) and the form words of a designation."""
    folded = _LP.sub("lp", fold(_THOUSANDS.sub(r"\1\2", _PARENTHESES.sub(" ", designation))))
    parts = _WORD_OR_NUMBER.findall(folded)
    words: list[str] = []
    strengths: list[float] = []
    forms: list[str] = []
    for i, part in enumerate(parts):
        if part[0].isdigit():
            unit = MASS_IN_MG.get(parts[i + 1]) if i + 1 < len(parts) else None
            strengths.append(round(float(part.replace(",", ".")) * (unit or 1.0), 6))
        elif part in FORM_FAMILIES:
            forms.append(part)
        elif part not in FILLER and part not in STRENGTH_UNITS and part not in ABBREVIATIONS \
                and part not in FORM_QUALIFIERS:
            words.append(part)
    return _Designation(tuple(words), tuple(strengths), tuple(forms))


def name_head(record: DrugRecord) -> str:
    """ "LYMECYCLINE ARROW 408 mg (équivalent à ...), gélule" → "LYMECYCLINE ARROW 408 mg"."""
    return _PARENTHESES.sub(" ", _NAME_AND_FORM.split(record.name, maxsplit=1)[0])


def form_of(record: DrugRecord) -> str:
    parts = _NAME_AND_FORM.split(record.name, maxsplit=1)
    return fold(parts[1]) if len(parts) == 2 else ""


def substance_key(name: str) -> str:
    key = normalise_substance_name(name).removesuffix(" element").removesuffix(" acide").removesuffix(" base")
    return SUBSTANCE_SYNONYMS.get(key, key)


def strength_signature(record: DrugRecord) -> tuple[frozenset[str], tuple[float, ...]]:
    """What makes two products interchangeable on a prescription line: same substances, same strengths."""
    return frozenset(substance_key(s) for s in record.substances), tuple(sorted(describe(name_head(record)).strengths))


class LineMatcher:
    """Matches designations against one `DrugIndex`; cheap to build, safe to share."""

    def __init__(self, index: DrugIndex) -> None:
        self.index = index

    def names_drug(self, designation: str, ocr_confidence: float = 1.0) -> bool:
        """Whether the designation names a product of the reference well enough to open a prescription line.

        A name alone, with neither strength nor form, must be read more surely: a specialty or a street
        written beside it is otherwise taken for a brand.
        """
        described = describe(designation)
        if not any(len(word) >= 3 for word in described.words):
            return False
        needed = NAMES_A_DRUG if described.strengths or described.forms else NAMES_A_DRUG_ALONE
        found = self.match(designation, ocr_confidence=ocr_confidence)
        return found.record is not None and found.confidence >= needed and _identity_written(described.words,
                                                                                             found.record)

    def read(self, text: str, *, ocr_confidence: float = 1.0, posology: str = "", ald: bool = False) -> MatchedLine:
        clean, _ = strip_marker(repair(text))
        designation, rest = split_line(clean)
        posology_text = spaced(" ".join(part for part in (rest, repair(posology)) if part))
        match = self.match(designation, ocr_confidence=ocr_confidence)
        return MatchedLine(text=" ".join(p for p in (text, posology) if p), designation=designation,
                           posology=parse_posology(posology_text), match=match, ald=ald)

    def match(self, designation: str, *, ocr_confidence: float = 1.0) -> DrugMatch:
        described = describe(designation)
        hits = self._hits(described)
        if not hits:
            return DrugMatch(None, 0.0, ())
        fits = sorted(((_fit(described, record), record) for record in hits), key=lambda item: -item[0])
        reading = min(1.0, 0.4 + ocr_confidence)
        candidates = tuple(Candidate(record.cis, record.name, _confidence(described, fit, record, fits) * reading)
                           for fit, record in fits[:CANDIDATES])
        return DrugMatch(fits[0][1], candidates[0].confidence, candidates)

    def _hits(self, described: _Designation) -> list[DrugRecord]:
        """The reference's answers to the designation; if a word blocks every answer, the others alone."""
        if not described.words:
            return []
        found = [hit.record for hit in self.index.search(described.query, limit=SEARCH_DEPTH)]
        if found or len(described.words) == 1:
            return found
        for dropped in range(len(described.words) - 1, -1, -1):
            words = described.words[:dropped] + described.words[dropped + 1:]
            query = " ".join((*words, *(_number_text(s) for s in described.strengths)))
            found = [hit.record for hit in self.index.search(query, limit=SEARCH_DEPTH)]
            if found:
                return found
        return []


def _fit(described: _Designation, record: DrugRecord) -> float:
    return (0.5 * _name_similarity(described.words, record) + 0.3 * _strength_fit(described, record)
            + 0.2 * _form_fit(described.forms, record))


def _confidence(described: _Designation, fit: float, record: DrugRecord,
                fits: list[tuple[float, DrugRecord]]) -> float:
    """The fit, less a penalty when a product that is not interchangeable fits about as well (ambiguous
    line); never sure when the written strength is not this product's ("509 mg": an OCR slip, or another
    product), whatever the name says."""
    mine = strength_signature(record)
    rival = any(other_fit >= fit - 0.02 and other is not record and strength_signature(other) != mine
                for other_fit, other in fits[:12])
    score = fit - (0.25 if rival else 0.0)
    if described.strengths and _strength_fit(described, record) < STRENGTH_AGREES:
        score = min(score, UNCERTAIN_BELOW - 0.05)
    return max(0.0, min(1.0, score))


def _name_similarity(words: tuple[str, ...], record: DrugRecord) -> float:
    """How well the written words name this product: each word found in its name or substances, and the
    product's identity (its brand, or every one of its substances) written."""
    head_words = [w for w in tokens(name_head(record)) if not w[0].isdigit()]
    substance_words = [[w for w in tokens(s) if len(w) > 2] for s in record.substances]
    known = set(head_words) | {w for ws in substance_words for w in ws}
    if not words or not known:
        return 0.0
    written = sum(max(fuzz.ratio(word, other) for other in known) for word in words) / (100.0 * len(words))
    brand = bool(head_words) and _written(head_words[0], words)
    covered = sum(any(_written(w, words) for w in ws) for ws in substance_words) / max(1, len(substance_words))
    return written * (1.0 if brand else 0.5 + 0.5 * covered)


def _identity_written(words: tuple[str, ...], record: DrugRecord) -> bool:
    """The product's brand, or every one of its substances, is written (stray OCR words aside)."""
    head_words = [w for w in tokens(name_head(record)) if not w[0].isdigit()]
    substances = [[w for w in tokens(s) if len(w) > 2] for s in record.substances]
    brand = bool(head_words) and len(head_words[0]) >= 3 and _written(head_words[0], words)
    return brand or (bool(substances) and all(any(_written(w, words) for w in ws) for ws in substances if ws))


def _written(word: str, words: tuple[str, ...]) -> bool:
    return any(fuzz.ratio(word, other) >= 80 for other in words)


def _strength_fit(described: _Designation, record: DrugRecord) -> float:
    printed = sorted(describe(name_head(record)).strengths)
    wanted = sorted(described.strengths)
    if not wanted:
        return 0.7 if not printed else 0.3
    if wanted == printed:
        return 1.0
    if all(s in printed for s in wanted):
        return 0.5
    composition = set(record.strengths_mg)
    if all(s in printed or s in composition for s in wanted):
        return STRENGTH_AGREES
    return 0.2 if len(wanted) == len(printed) and all(map(_one_digit_apart, wanted, printed)) else 0.0


def _one_digit_apart(written: float, printed: float) -> bool:
    """ "509" for "500": the candidate to show first, though never a sure reading."""
    a, b = f"{written:g}", f"{printed:g}"
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 1


def _form_fit(forms: tuple[str, ...], record: DrugRecord) -> float:
    """Each written form word found in the product's form; "LP" also in its name ("TRAMADOL ... L.P. 100 mg")."""
    if not forms:
        return 0.6
    form_text = f"{form_of(record)} {_LP.sub('lp', fold(name_head(record)))}"
    wanted = [FORM_FAMILIES[f] for f in forms]
    return 1.0 if all(any(word in form_text for word in family) for family in wanted) else 0.3
