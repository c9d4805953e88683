"""Use cases on the drug reference: search, product sheet, reference status."""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from comptoir.errors import NotFound
from comptoir.reading.gs1 import PackCode, UnreadablePackCode, looks_like_pack_code, parse_pack_code
from comptoir.refdata.search import DrugIndex, DrugRecord
from comptoir.services.refdata import index_file
from comptoir.store import models as m
from comptoir.store.refdata import ReferenceRepository

if TYPE_CHECKING:

    from comptoir.services.platform.unit_of_work import UnitOfWork

_DOSAGE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(mg|g|µg|microgrammes?)\b", re.IGNORECASE)
_UNIT_IN_MG = {"mg": 1.0, "g": 1000.0, "µg": 0.001, "microgramme": 0.001, "microgrammes": 0.001}


def dosage_in_mg(dosage: str) -> float | None:
    """ "1,00 g" -> 1000.0; "500 mg" -> 500.0; anything else (UI, %, per ml...) -> None."""
    found = _DOSAGE.match(dosage)
    if not found:
        return None
    return round(float(found.group(1).replace(",", ".")) * _UNIT_IN_MG[found.group(2).lower()], 6)


def load_drug_records(source: ReferenceRepository) -> list[DrugRecord]:
    reference = source
    substances, strengths = _substances_by_cis(reference)
    cip13: dict[str, list[str]] = defaultdict(list)
    cip7: dict[str, list[str]] = defaultdict(list)
    for cis, c13, c7 in reference.presentation_codes():
        cip13[cis].append(c13)
        cip7[cis].append(c7)
    return [
        DrugRecord(cis=cis, name=name, substances=tuple(substances.get(cis, ())), cip13=tuple(cip13.get(cis, ())),
                   cip7=tuple(cip7.get(cis, ())), marketed=status == "Commercialisée",
                   strengths_mg=tuple(sorted(strengths.get(cis, ()))))
        for cis, name, status in reference.specialty_names()
    ]


def _substances_by_cis(reference: ReferenceRepository) -> tuple[dict[str, list[str]], dict[str, set[float]]]:
    """Each specialty's substances, the fraction thérapeutique preferred over its salt (SA/FT link)."""
    chosen: dict[tuple[str, int | None, str], str] = {}
    strengths: dict[str, set[float]] = defaultdict(set)
    for cis, link, nature, name, dosage, row_id in reference.composition_dosages():
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
    """One index per process, rebuilt when a new reference has been imported.

    `get(uow.reference)` inside a unit of work; a bare session is still accepted during the transition.
    """

    def __init__(self, directory: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._index: DrugIndex | None = None
        self._directory = directory
        """Where to keep the built index between processes (index_file.py); None: in memory only."""

    def preload(self, source: ReferenceRepository, index: DrugIndex) -> None:
        """Use an index already built from the same reference (tests, forked workers)."""
        with self._lock:
            self._index, self._key = index, source.release_key()

    def get(self, source: ReferenceRepository) -> DrugIndex:
        reference = source
        key = reference.release_key()
        with self._lock:
            if self._index is None or key != self._key:
                self._index, self._key = self._build(reference, key), key
            return self._index

    def _build(self, reference: ReferenceRepository, key: tuple[int, int]) -> DrugIndex:
        if self._directory is None:
            return DrugIndex(load_drug_records(reference))
        return index_file.cached_index(self._directory, index_file.index_key(reference, key),
                                       build=lambda: DrugIndex(load_drug_records(reference)))


@dataclass(frozen=True, slots=True)
class DrugSummary:
    cis: str
    name: str
    substances: list[str]
    cip13: list[str]
    marketed: bool

    def contract(self) -> dict[str, object]:
        return {"cis": self.cis, "name": self.name, "substances": self.substances, "cip13": self.cip13}


@dataclass(frozen=True, slots=True)
class DrugSearch:
    """The answer to what was typed or scanned in the search box."""

    results: list[DrugSummary]
    pack: PackCode | None = None
    """What a scanned pack DataMatrix said (product code, lot, expiry, serial), when the query was one."""
    problem: str = ""
    """Why a scanned pack code leads to no product (unreadable, not a French presentation)."""


def find_drugs(query: str, *, uow: UnitOfWork, drug_index: DrugIndexCache, limit: int = 20) -> list[DrugSummary]:
    """Search by brand, DCI, CIP13, CIP7, CIS or a pack's DataMatrix; the index is built once per reference."""
    return look_up(query, uow=uow, drug_index=drug_index, limit=limit).results


def look_up(query: str, *, uow: UnitOfWork, drug_index: DrugIndexCache, limit: int = 20) -> DrugSearch:
    with uow:
        index = drug_index.get(uow.reference)
    return search_index(index, query, limit=limit)


def search_drugs(index: DrugIndex, query: str, *, limit: int = 20) -> list[DrugSummary]:
    return search_index(index, query, limit=limit).results


def search_index(index: DrugIndex, query: str, *, limit: int = 20) -> DrugSearch:
    """A pack's GS1 DataMatrix, however the scanner typed it, is looked up by its CIP13 (GTIN = "0" +
    CIP13): its letters and numbers read as words found unrelated products."""
    if not looks_like_pack_code(query):
        return DrugSearch(_summaries(index, query, limit))
    try:
        pack = parse_pack_code(query)
    except UnreadablePackCode as exc:
        return DrugSearch([], problem=str(exc))
    if pack.cip13 is None:
        return DrugSearch([], pack, f"Code produit {pack.gtin} : ce n'est pas une présentation française (CIP13).")
    return DrugSearch(_summaries(index, pack.cip13, limit), pack)


def _summaries(index: DrugIndex, query: str, limit: int) -> list[DrugSummary]:
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


def drug_sheet(cis: str, *, uow: UnitOfWork) -> DrugSheet:
    with uow:
        sheet = _sheet(uow.reference, cis)
        uow.commit()  # a rollback would expire the rows the page is about to read
        return sheet


def _sheet(reference: ReferenceRepository, cis: str) -> DrugSheet:
    specialty = reference.specialty(cis)
    if specialty is None:
        raise NotFound(f"Aucune spécialité de code CIS {cis}.")
    return DrugSheet(
        specialty=specialty,
        compositions=reference.compositions_of(cis),
        presentations=[_presentation(p) for p in reference.presentations_of(cis)],
        generic_groups=[(group, kind, reference.other_members(group.id, cis))
                        for group, kind in reference.generic_memberships(cis)],
        conditions=reference.conditions_of(cis),
        opinions=reference.opinions_of(cis),
        availability=reference.availability_of(cis),
    )


def _presentation(p: m.Presentation) -> PresentationView:
    marketed = p.status == "Présentation active" and p.marketing_state == "Déclaration de commercialisation"
    return PresentationView(p.cip13, p.cip7, p.label, p.price_eur, p.reimbursement_rate, marketed)
