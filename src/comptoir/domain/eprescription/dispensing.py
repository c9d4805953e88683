"""Dispensing a line of an ordonnance numérique: how many boxes, and what differs from the prescription.

The control window (SPEC §15.2) lists every difference between prescribed and dispensed before the
pharmacist validates: another product (substitution), fewer boxes than needed (partial delivery), more
boxes, another posology, a line not delivered.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from comptoir.domain.eprescription.prescription import PrescribedLine
from comptoir.errors import RuleViolation


def boxes_needed(daily_quantity: float | None, duration_days: float | None, pack_size: int | None) -> int | None:
    """Posology × duration / pack size, rounded up: 1 cp/day for 30 days in boxes of 28 -> 2."""
    if not daily_quantity or not duration_days or not pack_size:
        return None
    return max(1, math.ceil(daily_quantity * duration_days / pack_size - 1e-9))


@dataclass(frozen=True, slots=True)
class Choice:
    """What the pharmacist gives for one prescribed line."""

    line_number: int
    quantity: int
    needed: int
    cis: str | None
    cip13: str | None
    label: str
    same_product: bool
    same_group: bool
    posology: str = ""

    @property
    def partial(self) -> bool:
        return 0 < self.quantity < self.needed


def check_line_numbers(numbers: Iterable[int]) -> None:
    """Each prescribed line is given once per delivery: five copies of line 1 would deliver it five times."""
    twice = sorted(n for n, count in Counter(numbers).items() if count > 1)
    if twice:
        raise RuleViolation("Ligne(s) indiquée(s) plusieurs fois : " + ", ".join(map(str, twice)) + ".")


def check_choice(line: PrescribedLine, choice: Choice) -> None:
    """No more boxes than are left to deliver on the line; substitution only inside the generic group, never
    on a "non substituable" line (CSP L.5125-23)."""
    if choice.quantity < 0:
        raise RuleViolation(f"Ligne {line.number} : quantité négative.")
    if choice.quantity > choice.needed:
        raise RuleViolation(f"Ligne {line.number} : {choice.quantity} boîte(s) demandée(s), il en reste "
                            f"{choice.needed} à délivrer.")
    if choice.quantity == 0 or choice.same_product:
        return
    if not line.substitutable:
        raise RuleViolation(f"Ligne {line.number} : « non substituable » ({line.non_substitution_reason}) — "
                            "délivrez le produit prescrit.")
    if not choice.same_group:
        raise RuleViolation(f"Ligne {line.number} : {choice.label} n'est pas dans le groupe générique du produit "
                            "prescrit.")


def substitution_code(choice: Choice) -> str | None:
    """"G" (generic composition) when another member of the generic group was given (SPEC §4.6)."""
    return None if choice.same_product or choice.quantity == 0 else "G"


def differences(line: PrescribedLine, choice: Choice) -> list[str]:
    if choice.quantity == 0:
        return [f"Ligne {line.number} non délivrée."]
    found = []
    if not choice.same_product:
        found.append(f"Ligne {line.number} : {line.text} remplacé par {choice.label} (substitution générique).")
    if choice.partial:
        found.append(f"Ligne {line.number} : délivrance partielle, {choice.quantity} boîte(s) sur {choice.needed}.")
    if choice.posology.strip() and choice.posology.strip() != line.posology.strip():
        found.append(f"Ligne {line.number} : posologie délivrée « {choice.posology} » au lieu de « {line.posology} ».")
    return found
