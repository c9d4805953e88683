"""Identifiers on an ordonnance numérique (SPEC §3.1, §4.3).

- RPPS: 11 digits, Luhn over the 11 digits [P]. The CNAM's own test prescriber (99900038441) passes;
  SPEC says a Luhn failure is only a warning in non-production data, so `check_rpps` reports it and
  lets the caller decide.
- FINESS: 9 characters, Luhn over the digits [P]; for Corsica (2A/2B) we compute the key with the
  département as 20 [U: the official handling is unverified].
- N° AM: 9 digits [U]; we apply Luhn as for FINESS (the CNAM's example 991118019 passes) and report a
  failure as a warning only.
- Prescription id: 18 characters [0-9A-Z] (ANS example `01S2TBPZ2JCNZZYGHZ`, CNAM example
  `202106180921110040`); its composition and any check character are unknown [U], so only the shape
  is checked here and the base decides whether it exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PRESCRIPTION_ID = re.compile(r"^[0-9A-Z]{18}$")


@dataclass(frozen=True, slots=True)
class IdentifierCheck:
    value: str
    well_formed: bool
    key_valid: bool
    problem: str = ""

    @property
    def warning(self) -> str:
        """Said, not blocking: a well-formed number whose Luhn key fails (test data, SPEC §3.1)."""
        return "" if self.key_valid or not self.well_formed else self.problem


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _check(value: str, length: int, name: str) -> IdentifierCheck:
    compact = re.sub(r"\s", "", value or "")
    if len(compact) != length or not compact.isdigit():
        return IdentifierCheck(compact, False, False, f"{name} : {length} chiffres attendus.")
    if not luhn_valid(compact):
        return IdentifierCheck(compact, True, False, f"{name} {compact} : clé de contrôle (Luhn) invalide.")
    return IdentifierCheck(compact, True, True)


def check_rpps(value: str) -> IdentifierCheck:
    return _check(value, 11, "N° RPPS")


def check_am(value: str) -> IdentifierCheck:
    return _check(value, 9, "N° AM")


def check_finess(value: str) -> IdentifierCheck:
    compact = re.sub(r"\s", "", value or "").upper()
    corsica = compact[:2] in ("2A", "2B")
    digits = "20" + compact[2:] if corsica else compact
    result = _check(digits, 9, "N° FINESS")
    return IdentifierCheck(compact, result.well_formed, result.key_valid, result.problem.replace(digits, compact))


def is_prescription_id(value: str) -> bool:
    return bool(PRESCRIPTION_ID.match(value))
