"""Numbers: normalising the text (words, fractions, decimal commas) and shared numeric pieces."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from comptoir.reading.posology.patterns import _C, _blank, _may_match, _rare
from comptoir.reading.posology.units import _UNIT

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
    # a delivery rate ("Durogesic 50 µg/h", "Nicopatch 21 mg/24 h") names the product, it is no dose
    _rare(r"\d+(?:\.\d+)?\s*(?:µg|mcg|ug|mg|microgrammes?|milligrammes?)\s*(?:/|par)\s*(?:24\s*)?(?:h|heures?)\b", "h"),
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
