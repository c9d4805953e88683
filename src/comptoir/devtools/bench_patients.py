"""Patients as a community pharmacy sees them, for the bench: every age, a weight, a renal function
for most of the elderly, some pregnant women, and one or two declared allergies each."""

from __future__ import annotations

import random
from datetime import date, timedelta

from comptoir.analysis.case import PatientProfile

ALLERGIES = ("pénicillines", "amoxicilline", "aspirine", "sulfamides", "iode", "AINS", "codéine",
             "céphalosporines", "macrolides", "ibuprofène", "kétoprofène", "tramadol", "pristinamycine",
             "quinolones", "latex")
"""Allergies as patients declare them: drug classes, substances, and some that are not drugs."""


def patient(rng: random.Random, today: date) -> PatientProfile:
    age = _age(rng)
    sex = rng.choice("FM")
    pregnant = sex == "F" and 18 <= age <= 44 and rng.random() < 0.15
    return PatientProfile(
        birth_date=today - timedelta(days=age * 365 + rng.randrange(365)), sex=sex, pregnant=pregnant,
        pregnancy_weeks=rng.randint(5, 39) if pregnant else None, weight_kg=_weight(rng, age),
        egfr=_egfr(rng, age), allergies=tuple(rng.sample(ALLERGIES, rng.choice((1, 1, 2)))))


def _age(rng: random.Random) -> int:
    band = rng.random()
    if band < 0.12:
        return rng.randint(0, 15)
    if band < 0.6:
        return rng.randint(16, 64)
    return rng.randint(65, 98)


def _weight(rng: random.Random, age: int) -> float:
    if age < 16:
        return round(3.5 + 3.2 * age + rng.uniform(-2, 4), 1)
    return round(rng.uniform(48, 115), 1)


def _egfr(rng: random.Random, age: int) -> float | None:
    """Known for most patients over 65 (renal monitoring), for a few younger ones."""
    if age >= 65 and rng.random() < 0.8:
        return round(rng.uniform(20, 85))
    return round(rng.uniform(60, 120)) if age >= 16 and rng.random() < 0.2 else None
