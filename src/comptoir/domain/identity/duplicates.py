"""Identitovigilance: probable duplicates (one person, two records) and collisions (two persons,
one matricule), found by comparing traits (SPEC §1.3 attributes DPOT, COLP, HOMD).

Pure stdlib: names are compared with difflib on the INS form of the names. Records are only
compared when they share a key (birth date, the date with day and month swapped, the names,
the matricule), so a pharmacy's whole file is checked in one pass without comparing every pair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from enum import StrEnum
from itertools import combinations

from comptoir.domain.identity.ins import ins_text

DUPLICATE_THRESHOLD = 0.85


class Finding(StrEnum):
    DUPLICATE = "doublon"
    COLLISION = "collision"
    HOMONYM = "homonyme"

    @property
    def label(self) -> str:
        return {Finding.DUPLICATE: "Doublon probable", Finding.COLLISION: "Collision (un matricule, deux personnes)",
                Finding.HOMONYM: "Homonymes (deux personnes, mêmes traits)"}[self]


@dataclass(frozen=True, slots=True)
class IdentityRecord:
    id: int
    names: tuple[str, ...]
    """Birth name first, then the used name(s)."""
    given_names: str
    birth_date: date
    sex: str
    birth_place: str = ""
    matricule: str = ""


@dataclass(frozen=True, slots=True)
class Suspicion:
    finding: Finding
    first_id: int
    second_id: int
    score: float
    reasons: tuple[str, ...]


def similarity(a: str, b: str) -> float:
    a, b = ins_text(a), ins_text(b)
    if not (a and b):
        return 0.0
    return 1.0 if a == b else SequenceMatcher(None, a, b).ratio()


def name_similarity(a: IdentityRecord, b: IdentityRecord) -> float:
    return max((similarity(x, y) for x in a.names if x for y in b.names if y), default=0.0)


def given_similarity(a: IdentityRecord, b: IdentityRecord) -> float:
    first_a, first_b = ins_text(a.given_names).split(" ")[0], ins_text(b.given_names).split(" ")[0]
    return max(similarity(first_a, first_b), similarity(a.given_names, b.given_names))


def date_similarity(a: date, b: date) -> float:
    if a == b:
        return 1.0
    if (a.year, a.month, a.day) == (b.year, b.day, b.month):
        return 0.8  # day and month typed the wrong way round
    same = sum(x == y for x, y in ((a.year, b.year), (a.month, b.month), (a.day, b.day)))
    return 0.6 if same == 2 else 0.0


def score(a: IdentityRecord, b: IdentityRecord) -> float:
    """0 to 1: how likely the two records describe the same person by their traits."""
    place = 1.0 if not (a.birth_place and b.birth_place) or a.birth_place == b.birth_place else 0.0
    total = (0.35 * name_similarity(a, b) + 0.25 * given_similarity(a, b) + 0.3 * date_similarity(a.birth_date,
             b.birth_date) + 0.05 * (a.sex == b.sex) + 0.05 * place)
    return round(total, 3)


def assess(a: IdentityRecord, b: IdentityRecord) -> Suspicion | None:
    """A duplicate, a collision, homonyms, or nothing worth a review."""
    value = score(a, b)
    if a.matricule and a.matricule == b.matricule:
        kind = Finding.DUPLICATE if value >= DUPLICATE_THRESHOLD else Finding.COLLISION
        return Suspicion(kind, a.id, b.id, value, _reasons(a, b, same_matricule=True))
    if value < DUPLICATE_THRESHOLD:
        return None
    kind = Finding.HOMONYM if a.matricule and b.matricule else Finding.DUPLICATE
    return Suspicion(kind, a.id, b.id, value, _reasons(a, b, same_matricule=False))


def _reasons(a: IdentityRecord, b: IdentityRecord, *, same_matricule: bool) -> tuple[str, ...]:
    reasons = ["même matricule INS"] if same_matricule else []
    if a.matricule and b.matricule and not same_matricule:
        reasons.append("matricules INS différents")
    reasons.append(f"noms semblables à {name_similarity(a, b):.0%}")
    reasons.append(f"prénoms semblables à {given_similarity(a, b):.0%}")
    reasons.append("même date de naissance" if a.birth_date == b.birth_date else "dates de naissance différentes")
    if a.sex != b.sex:
        reasons.append("sexes différents")
    return tuple(reasons)


def _keys(record: IdentityRecord) -> Iterator[tuple[object, ...]]:
    born = record.birth_date
    yield ("date", born.year, born.month, born.day)
    if born.day <= 12:
        yield ("date", born.year, born.day, born.month)
    if record.matricule:
        yield ("ins", record.matricule)
    for name in record.names:
        if name:
            yield ("name", ins_text(name)[:4], ins_text(record.given_names)[:3])


def _bucketed(records: Iterable[IdentityRecord]) -> set[tuple[IdentityRecord, IdentityRecord]]:
    buckets: dict[tuple[object, ...], list[IdentityRecord]] = defaultdict(list)
    for record in records:
        for key in set(_keys(record)):
            buckets[key].append(record)
    return {(a, b) if a.id < b.id else (b, a) for group in buckets.values() for a, b in combinations(group, 2)
            if a.id != b.id}


def suspicions(records: Iterable[IdentityRecord]) -> list[Suspicion]:
    """Every pair worth a look, the most likely first."""
    found = (assess(a, b) for a, b in _bucketed(records))
    return sorted((s for s in found if s is not None), key=lambda s: (-s.score, s.first_id, s.second_id))
