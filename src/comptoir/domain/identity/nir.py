"""The NIR (numéro de sécurité sociale) and the NIA, the two kinds of matricule INS (SPEC §1.1).

Both have the same 15-character layout: sexe (1), année (2), mois (2), département (2),
commune or country (3), rang (3), clé (2). python-stdnum checks the characters and the key;
our own checks add what the CNAM validator (nir-validation) accepts field by field:

- sexe `1` or `2` only (NNP `7`/`8` and MIG `5`/`6` numbers are not matricules INS);
- mois `01`–`12`, or `20`–`99` for a month unknown to the INSEE (born abroad…);
- département `01`–`95`, `2A`/`2B` (Corsica), `97` (its third digit continues into the
  commune field, so the COG is the five characters `97xyy`), `98`, `99` (born abroad: the
  next three digits are the INSEE country code, COG `99xxx`);
- clé `01`–`97`, equal to `97 − (body mod 97)` with `2A`→`19` and `2B`→`18`.

Unverified (SPEC [U]): the NIA follows the NIR's layout and key. We apply the same checks.
The year has two digits; `birth_year` resolves the century by taking the latest year that is
not after `today` (a patient born in 1925 whose NIR says `25` is read as 2025 only if we are in
2025 or later: the declared birth date, when known, settles it — see `contradictions`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from stdnum.exceptions import ValidationError
from stdnum.fr import nir as stdnum_nir

_SHAPE = re.compile(r"^[12]\d{4}(\d{2}|2A|2B)\d{6}(\d{2})?$")
_CORSICA = {"2A": "19", "2B": "18"}


@dataclass(frozen=True, slots=True)
class NirCheck:
    """What a NIR says about its holder, or why it is not a valid matricule."""

    number: str
    valid: bool
    reason: str = ""
    sex: str | None = None
    birth_year: int | None = None
    birth_month: int | None = None
    birth_place: str | None = None

    def contract(self) -> dict[str, object]:
        """The JSON of `comptoir ins check --json` (DESIGN.md)."""
        return {"valid": self.valid, "reason": self.reason or None, "sex": self.sex, "birth_year": self.birth_year,
                "birth_month": self.birth_month, "birth_place": self.birth_place}


def compact(text: str) -> str:
    """The NIR without spaces, dots or dashes, upper-cased (`2a` → `2A`)."""
    return re.sub(r"[\s.\-]", "", text).upper()


def nir_key(body13: str) -> int:
    """The control key of a 13-character body (Corsica's letters replaced as the CNAM does)."""
    department = body13[5:7]
    digits = body13[:5] + _CORSICA.get(department, department) + body13[7:]
    return 97 - int(digits) % 97


def format_nir(number: str) -> str:
    """`239088815400243` → `2 39 08 88 154 002 43`, the way it is printed on a Vitale card."""
    n = compact(number)
    return " ".join(part for part in (n[0], n[1:3], n[3:5], n[5:7], n[7:10], n[10:13], n[13:15]) if part)


def check_nir(text: str, *, today: date) -> NirCheck:
    """Check a NIR or NIA (15 characters, key included) and read what it says (also when only the key is wrong)."""
    number = compact(text)
    problem = _shape_problem(number) or _field_problem(number)
    if problem:
        return NirCheck(number, False, problem)
    key_problem, month = _key_problem(number), int(number[3:5])
    # A wrong key still leaves the fields readable: the panel shows them beside the reason.
    return NirCheck(number, not key_problem, key_problem, sex="M" if number[0] == "1" else "F",
                    birth_year=_century(int(number[1:3]), today), birth_month=month if month <= 12 else None,
                    birth_place=number[5:10])


def _shape_problem(number: str) -> str:
    if not number:
        return "Aucun numéro saisi."
    if len(number) != 15:
        return f"Le numéro compte {len(number)} caractères au lieu de 15 (13 chiffres et la clé)."
    if number[0] not in "12":
        return f"Le premier chiffre (sexe) vaut {number[0]} : un matricule INS commence par 1 ou 2."
    if not _SHAPE.match(number):
        return "Le numéro contient des caractères non autorisés (seuls 2A et 2B, pour la Corse, admettent une lettre)."
    return ""


def _field_problem(number: str) -> str:
    month, department = int(number[3:5]), number[5:7]
    if month == 0 or 13 <= month <= 19:
        return f"Le mois de naissance {number[3:5]} est impossible (01 à 12, ou 20 à 99 si le mois est inconnu)."
    if department in ("00", "96"):
        return f"Le département de naissance {department} n'existe pas."
    return ""


def _key_problem(number: str) -> str:
    expected = nir_key(number[:13])
    try:
        stdnum_nir.validate(number)
    except ValidationError:
        return f"La clé {number[13:]} ne correspond pas au numéro : la clé attendue est {expected:02d}."
    return ""


def _century(two_digits: int, today: date) -> int:
    year = 2000 + two_digits
    return year if year <= today.year else year - 100


def contradictions(check: NirCheck, *, sex: str | None, birth_date: date | None,
                   birth_place: str | None) -> tuple[str, ...]:
    """What the NIR says that the declared traits contradict, one French sentence each."""
    if not check.valid:
        return ()
    found = []
    if sex and check.sex and sex != check.sex:
        found.append(f"Le NIR commence par {check.number[0]} (sexe {check.sex}) alors que le sexe déclaré est {sex}.")
    if birth_date and check.birth_year is not None and birth_date.year % 100 != check.birth_year % 100:
        found.append(f"Le NIR indique une naissance en {check.number[1:3]}, la date déclarée est de {birth_date.year}.")
    if birth_date and check.birth_month is not None and birth_date.month != check.birth_month:
        found.append(f"Le NIR indique le mois {check.birth_month:02d}, la date déclarée est en {birth_date.month:02d}.")
    if birth_place and check.birth_place and birth_place.upper() != check.birth_place:
        found.append(f"Le NIR indique le lieu {check.birth_place}, le lieu déclaré est {birth_place.upper()}.")
    return tuple(found)
