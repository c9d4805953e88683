"""Frequency and intervals: intakes per day, share of days taken, weekdays, times of day."""

from __future__ import annotations

from dataclasses import dataclass

from comptoir.reading.posology.numbers import _DAY, _NUM, _NUMBERS, _NUMR, _START, _divide, _high, _low, _period_days
from comptoir.reading.posology.patterns import _C, _Buffer, _rare
from comptoir.reading.posology.units import _UNIT


@dataclass(slots=True)
class _Frequency:
    per_day: float | None = None
    share: float | None = None  # share of days with an intake: weekly, monthly, intervals, weekdays
    ratio: float = 1.0  # "1 jour sur 2", "5 j/7", "3 semaines sur 4"
    slots: int = 0
    split: bool = False  # "en 2 prises": the dose is the day's total
    rest_of_week: bool = False  # "les autres jours": the days the phase's other segments leave

    def known(self) -> bool:
        return bool(self.per_day or self.share or self.slots or self.split or self.ratio != 1.0
                    or self.rest_of_week)

    def intakes(self) -> float:
        return (self.per_day or self.slots or 1) * self.days()

    def days(self) -> float:
        return (self.share if self.share is not None else 1.0) * self.ratio

    def set_share(self, share: float | None) -> None:
        if self.share is None:
            self.share = share


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
_REST_OF_WEEK = _rare(r"\b(?:les\s+)?autres\s+jours\b|\ble\s+reste\s+de\s+la\s+semaine\b"
                      r"|\bles\s+jours\s+restants\b", "autres", "reste", "restants")
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
    frequency.rest_of_week = bool(buffer.take(_REST_OF_WEEK))
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


def _count_slots(buffer: _Buffer, frequency: _Frequency) -> None:
    text = _EVENING_BEDTIME.sub("soir", buffer.text)
    slots = {match.lastgroup for match in _SLOTS.finditer(text)}
    meals = [int(match.group("n") or 3) for match in _MEALS.finditer(text)]
    clocks = {int(match.group("h")) for match in _CLOCK.finditer(text)}
    # meals count only beside bedtime or night ("après les repas et au coucher" = 4 intakes)
    meal_intakes = meals[0] if meals and not slots - {"bed", "night"} else 0
    frequency.slots = len(slots) + meal_intakes or len(clocks)


def _share_rest_of_week(frequencies: list[_Frequency]) -> None:
    """"2 cp le lundi et 1 cp les autres jours": the other days are the week less the days named beside."""
    named = sum(f.share for f in frequencies if not f.rest_of_week and f.share is not None and f.share < 1)
    for frequency in frequencies:
        if frequency.rest_of_week and frequency.share is None and named:
            frequency.share = max(1 - named, 0.0)
