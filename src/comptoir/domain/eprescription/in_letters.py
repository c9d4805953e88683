"""Numbers written in full letters, as an ordonnance sécurisée requires for the quantities, the units per
intake and the doses (CSP R.5132-5 and R.5132-29; SPEC §4.5).

French as the Académie writes it (the traditional spelling, without the 1990 hyphens): "vingt et un",
"soixante-dix", "quatre-vingts", "deux cents", "deux cent un", "mille". One is "une" before a feminine
unit ("une gélule", "vingt et une gouttes"); the gender is read from a short list of the units written on
prescriptions, a unit outside it counting as masculine ("un comprimé", "un sachet").
"""

from __future__ import annotations

import re

_UNITS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
          "treize", "quatorze", "quinze", "seize")
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
_FEMININE = ("gél", "caps", "amp", "goutte", "gtt", "pulv", "bouffée", "cuil", "c. à", "dose", "inj", "appli",
             "boîte", "boite", "pipette", "prise", "fois", "semaine", "heure", "seringue", "unité", "pastille",
             "gomme", "mesure", "dosette", "inhal", "instil", "compresse", "perle", "poche", "plaquette")
_UNIT_WORDS = {"mg": "milligramme", "g": "gramme", "µg": "microgramme", "μg": "microgramme", "mcg": "microgramme",
               "ml": "millilitre", "ui": "unité internationale"}
_NUMBER = re.compile(r"(?<![\w,.])(\d+)(?:[,.](\d+))?(?:/(\d+))?(?:\s*(mg|g|µg|μg|mcg|ml|ui)\b)?", re.I)
_FRACTIONS = {(1, 2): "demi", (1, 3): "tiers", (1, 4): "quart", (3, 4): "trois quarts", (2, 3): "deux tiers"}


def in_letters(number: int, *, feminine: bool = False) -> str:
    """0 <= number < 1 000 000: 21 -> "vingt et un", 80 -> "quatre-vingts", 1001 -> "mille un"."""
    if not 0 <= number < 1_000_000:
        raise ValueError(f"hors limites : {number}")
    if number == 0:
        return "zéro"
    words = _below_million(number)
    if feminine and (words == "un" or words.endswith((" un", "-un"))):
        words += "e"
    return words


def _below_million(number: int) -> str:
    thousands, rest = divmod(number, 1000)
    parts = []
    if thousands:
        parts.append("mille" if thousands == 1 else f"{_below_thousand(thousands, final=False)} mille")
    if rest:
        parts.append(_below_thousand(rest, final=True))
    return " ".join(parts)


def _below_thousand(number: int, *, final: bool) -> str:
    hundreds, rest = divmod(number, 100)
    parts = []
    if hundreds:
        plural = hundreds > 1 and not rest and final
        parts.append(("cent" if hundreds == 1 else f"{_UNITS[hundreds]} cent") + ("s" if plural else ""))
    if rest:
        parts.append(_below_hundred(rest, final=final))
    return " ".join(parts)


def _below_hundred(number: int, *, final: bool) -> str:
    if number <= 16:
        return _UNITS[number]
    tens, unit = divmod(number, 10)
    if tens == 1:
        return f"dix-{_UNITS[unit]}"
    if tens in (7, 9):
        base = "soixante" if tens == 7 else "quatre-vingt"
        low = number - (60 if tens == 7 else 80)
        return "soixante et onze" if number == 71 else f"{base}-{_below_hundred(low, final=final)}"
    if tens == 8:
        return f"quatre-vingt-{_UNITS[unit]}" if unit else "quatre-vingts" if final else "quatre-vingt"
    if unit == 0:
        return _TENS[tens]
    return f"{_TENS[tens]} et un" if unit == 1 else f"{_TENS[tens]}-{_UNITS[unit]}"


def numbers_in_letters(text: str) -> str:
    """Each number of a posology or a dose written in letters, its unit written out: "1 gélule matin et soir
    pendant 28 jours" -> "une gélule matin et soir pendant vingt-huit jours", "2,5 mg" -> "deux virgule cinq
    milligrammes", "1/2 comprimé" -> "un demi comprimé". Numbers glued to letters ("B12") are left as
    written."""
    return _NUMBER.sub(lambda found: _spoken(found, text), text)


def _spoken(found: re.Match[str], text: str) -> str:
    whole, decimals, denominator, unit = found.groups()
    feminine = _feminine_after(text[found.end():]) if not unit else unit.lower() == "ui"
    if int(whole) >= 1_000_000:
        return found.group(0)
    if denominator:
        return _fraction(int(whole), int(denominator), feminine) + (f" {_unit(unit, 1)}" if unit else "")
    words = in_letters(int(whole), feminine=feminine and not decimals)
    if decimals:
        digit_by_digit = decimals.startswith("0") or len(decimals) > 2
        words += " virgule " + (" ".join(_UNITS[int(d)] for d in decimals) if digit_by_digit
                                else in_letters(int(decimals)))
    value = float(f"{whole}.{decimals or 0}")
    return words + (f" {_unit(unit, value)}" if unit else "")


def _fraction(numerator: int, denominator: int, feminine: bool) -> str:
    name = _FRACTIONS.get((numerator, denominator))
    if name is None:
        return f"{in_letters(numerator)} sur {in_letters(denominator)}"
    return name if numerator > 1 else f"{'une' if feminine else 'un'} {name}"


def _unit(unit: str, value: float) -> str:
    word = _UNIT_WORDS[unit.lower()]
    if value < 2:
        return word
    return "unités internationales" if unit.lower() == "ui" else word + "s"


def _feminine_after(rest: str) -> bool:
    following = rest.lstrip().lower()
    return following.startswith(_FEMININE)
