"""How much of each thing comptoir accepts from outside: names, texts, dates, lines, boxes.

A bound is a rule of the trade or of a document, not a technical limit: an A4 prescription holds about
twenty lines; the INS birth name is at most 100 characters (RNIV, "traits stricts" of the INS référentiel
[P]); nobody alive was born before 1880. What is refused says why, in French, and changes nothing.
"""

from __future__ import annotations

import re
from datetime import date

from comptoir.errors import RuleViolation

NAME_MAX = 100
"""INS traits: birth name and first names are at most 100 characters (référentiel INS) [P]."""
SHORT_TEXT_MAX = 200
POSOLOGY_MAX = 500
NOTE_MAX = 2_000
SCANNED_TEXT_MAX = 4_000
"""A QR code holds at most 2,953 bytes (version 40, level L); a DataMatrix far fewer."""
IMAGE_BASE64_MAX = 16 * 1024 * 1024
LINES_MAX = 20
"""Lines of one ordonnance numérique: what an A4 prescription holds [U: the base's own limit is not public]."""
BOXES_MAX = 99
"""Boxes of one line for one period (the counter's quantity field has two digits)."""
RENEWALS_MAX = 12
DURATION_DAYS_MAX = 366
OLDEST_BIRTH = date(1880, 1, 1)
"""No one alive was born before; a date earlier (year 1, a typing slip) is refused."""
TYPED_OLDEST_BIRTH = date(1900, 1, 1)
"""A birth date typed by hand (counter, API, prescriber): the oldest people alive in 2026 were born in 1908–1909
(validated supercentenarians, Gerontology Research Group / LongeviQuest), so a date before 1900 is a slip
(1890 for 1990). Dates that come from elsewhere (INSi, an ON) keep the wider `OLDEST_BIRTH`."""

_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_NAME = re.compile(r"^[^\W\d_]+(?:[ '’-]+[^\W\d_]+)*[ '’-]*$")
"""Letters (accented too), with spaces, hyphens and apostrophes between them (RNIV, INS traits)."""


def check_name(value: str, what: str) -> str:
    """The name stripped; refused when empty, too long, or holding anything but letters, spaces, - and '."""
    name = value.strip()
    if not name:
        raise RuleViolation(f"{what} : obligatoire.")
    if len(name) > NAME_MAX:
        raise RuleViolation(f"{what} : {NAME_MAX} caractères au plus ({len(name)} saisis).")
    if not _NAME.match(name):
        raise RuleViolation(f"{what} : lettres, espaces, tirets et apostrophes seulement.")
    return name


def check_birth_date(birth_date: date, *, today: date, oldest: date = OLDEST_BIRTH) -> None:
    if birth_date > today:
        raise RuleViolation(f"Date de naissance dans le futur : {birth_date.strftime('%d/%m/%Y')}.")
    if birth_date < oldest:
        raise RuleViolation(f"Date de naissance impossible : {birth_date.strftime('%d/%m/%Y')} "
                            f"(avant {oldest.year}).")


def check_typed_birth_date(birth_date: date, *, today: date) -> None:
    """A birth date typed by hand: neither in the future nor before 1900 (`TYPED_OLDEST_BIRTH`)."""
    check_birth_date(birth_date, today=today, oldest=TYPED_OLDEST_BIRTH)


def check_length(value: str, limit: int, what: str) -> None:
    if len(value) > limit:
        raise RuleViolation(f"{what} : {limit} caractères au plus ({len(value)} saisis).")


def typed_date(text: str, what: str) -> date:
    """A date typed in a form: AAAA-MM-JJ (what a date field sends) or JJ/MM/AAAA (typed by hand)."""
    text = text.strip()
    if not text:
        raise RuleViolation(f"{what} : obligatoire.")
    try:
        if found := _FRENCH_DATE.match(text):
            return date(int(found[3]), int(found[2]), int(found[1]))
        return date.fromisoformat(text)
    except ValueError:
        raise RuleViolation(f"{what} : date impossible, attendue sous la forme JJ/MM/AAAA.") from None
