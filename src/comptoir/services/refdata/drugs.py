"""Use cases on the drug reference: search, product sheet, reference status."""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from comptoir.errors import NotFound
from comptoir.refdata.search import DrugIndex, DrugRecord
from comptoir.services.refdata import index_file
from comptoir.store import models as m

_DOSAGE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(mg|g|µg|microgrammes?)\b", re.IGNORECASE)
_UNIT_IN_MG = {"mg": 1.0, "g": 1000.0, "µg": 0.001, "microgramme": 0.001, "microgrammes": 0.001}


def dosage_in_mg(dosage: str) -> float | None:
    """ "1,00 g" -> 1000.0; "500 mg" -> 500.0; anything else (UI, %, per ml...) -> None."""
    found = _DOSAGE.match(dosage)
    if not found:
        return None
    return round(float(found.group(1).replace(",", ".")) * _UNIT_IN_MG[found.group(2).lower()], 6)


def load_drug_records(session: Session) -> list[DrugRecord]:
    substances, strengths = _substances_by_cis(session)
    cip13: dict[str, list[str]] = defaultdict(list)
    cip7: dict[str, list[str]] = defaultdict(list)
    for cis, c13, c7 in session.execute(select(m.Presentation.cis, m.Presentation.cip13, m.Presentation.cip7)):
        cip13[cis].append(c13)
        cip7[cis].append(c7)
    rows = session.execute(select(m.Specialty.cis, m.Specialty.name, m.Specialty.marketing_status))
    return [
        DrugRecord(cis=cis, name=name, substances=tuple(substances.get(cis, ())), cip13=tuple(cip13.get(cis, ())),
                   cip7=tuple(cip7.get(cis, ())), marketed=status == "Commercialisée",
                   strengths_mg=tuple(sorted(strengths.get(cis, ()))))
        for cis, name, status in rows
    ]


def _substances_by_cis(session: Session) -> tuple[dict[str, list[str]], dict[str, set[float]]]:
    """Each specialty's substances, the fraction thérapeutique preferred over its salt (SA/FT link)."""
    chosen: dict[tuple[str, int | None, str], str] = {}
    strengths: dict[str, set[float]] = defaultdict(set)
    query = select(m.Composition.cis, m.Composition.link_number, m.Composition.nature,
                   m.Composition.substance_name, m.Composition.dosage, m.Composition.id).order_by(m.Composition.id)
    for cis, link, nature, name, dosage, row_id in session.execute(query):
        key = (cis, link, "") if link is not None else (cis, None, str(row_id))
        if nature == "FT" or key not in chosen:
            chosen[key] = name.lower()
        mg = dosage_in_mg(dosage)
        if mg is not None:
            strengths[cis].add(mg)
    substances: dict[str, list[str]] = defaultdict(list)
    for (cis, _, _), name in chosen.items():
        if name not in substances[cis]:
            substances[cis].append(name)
    return substances, strengths


class DrugIndexCache:
    """One index per process, rebuilt when a new reference has been imported."""

    def __init__(self, directory: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._index: DrugIndex | None = None
        self._directory = directory
        """Where to keep the built index between processes (index_file.py); None: in memory only."""

    def preload(self, session: Session, index: DrugIndex) -> None:
        """Use an index already built from the same reference (tests, forked workers)."""
        with self._lock:
            self._index, self._key = index, _release_key(session)

    def get(self, session: Session) -> DrugIndex:
        key = _release_key(session)
        with self._lock:
            if self._index is None or key != self._key:
                self._index, self._key = self._build(session, key), key
            return self._index

    def _build(self, session: Session, key: tuple[int, int]) -> DrugIndex:
        if self._directory is None:
            return DrugIndex(load_drug_records(session))
        return index_file.cached_index(self._directory, index_file.index_key(session, key),
                                       build=lambda: DrugIndex(load_drug_records(session)))


def _release_key(session: Session) -> tuple[int, int]:
    last = session.scalar(select(func.max(m.RefdataRelease.id))) or 0
    return (last, session.scalar(select(func.count()).select_from(m.Specialty)) or 0)


@dataclass(frozen=True, slots=True)
class DrugSummary:
    cis: str
    name: str
    substances: list[str]
    cip13: list[str]
    marketed: bool

    def contract(self) -> dict[str, object]:
        return {"cis": self.cis, "name": self.name, "substances": self.substances, "cip13": self.cip13}


def search_drugs(index: DrugIndex, query: str, *, limit: int = 20) -> list[DrugSummary]:
    return [
        DrugSummary(hit.record.cis, hit.record.name, list(hit.record.substances), list(hit.record.cip13),
                    hit.record.marketed)
        for hit in index.search(query, limit=limit)
    ]


@dataclass(frozen=True, slots=True)
class PresentationView:
    cip13: str
    cip7: str
    label: str
    price_eur: Decimal | None
    reimbursement_rate: str
    marketed: bool


@dataclass(frozen=True, slots=True)
class DrugSheet:
    specialty: m.Specialty
    compositions: list[m.Composition]
    presentations: list[PresentationView]
    generic_groups: list[tuple[m.GenericGroup, int, list[tuple[str, str, int]]]]
    conditions: list[str]
    opinions: list[m.HasOpinion]
    availability: list[m.AvailabilityAlert]

    @property
    def is_narcotic(self) -> bool:
        return any("stupéfiant" in c.lower() for c in self.conditions)


GENERIC_KINDS = {0: "princeps", 1: "générique", 2: "générique par complémentarité posologique",
                 4: "générique substituable"}


def drug_sheet(session: Session, cis: str) -> DrugSheet:
    specialty = session.get(m.Specialty, cis)
    if specialty is None:
        raise NotFound(f"Aucune spécialité de code CIS {cis}.")
    return DrugSheet(
        specialty=specialty,
        compositions=list(session.scalars(select(m.Composition).where(m.Composition.cis == cis)
                                          .order_by(m.Composition.link_number, m.Composition.nature))),
        presentations=_presentations(session, cis),
        generic_groups=_generic_groups(session, cis),
        conditions=list(session.scalars(select(m.PrescriptionCondition.condition)
                                        .where(m.PrescriptionCondition.cis == cis))),
        opinions=list(session.scalars(select(m.HasOpinion).where(m.HasOpinion.cis == cis)
                                      .order_by(m.HasOpinion.opinion_date.desc()))),
        availability=list(session.scalars(select(m.AvailabilityAlert).where(m.AvailabilityAlert.cis == cis))),
    )


def _presentations(session: Session, cis: str) -> list[PresentationView]:
    rows = session.scalars(select(m.Presentation).where(m.Presentation.cis == cis).order_by(m.Presentation.label))
    return [
        PresentationView(p.cip13, p.cip7, p.label, p.price_eur, p.reimbursement_rate,
                         p.status == "Présentation active" and p.marketing_state == "Déclaration de commercialisation")
        for p in rows
    ]


def _generic_groups(session: Session, cis: str) -> list[tuple[m.GenericGroup, int, list[tuple[str, str, int]]]]:
    groups = []
    for member in session.scalars(select(m.GenericMember).where(m.GenericMember.cis == cis)):
        group = session.get(m.GenericGroup, member.group_id)
        others = session.execute(
            select(m.Specialty.cis, m.Specialty.name, m.GenericMember.kind)
            .join(m.GenericMember, m.GenericMember.cis == m.Specialty.cis)
            .where(m.GenericMember.group_id == member.group_id, m.GenericMember.cis != cis)
            .order_by(m.GenericMember.kind, m.Specialty.name)
        )
        if group is not None:
            groups.append((group, member.kind, [(c, n, k) for c, n, k in others]))
    return groups
