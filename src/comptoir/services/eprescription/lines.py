"""From what a prescriber or a pharmacist types to products of the reference: the CIS and a CIP13 whose
box fits the treatment, the boxes for one period, whether the product needs an "ordonnance sécurisée",
and the generic group a substitution must stay in."""

from __future__ import annotations

from dataclasses import dataclass

from comptoir.analysis.reference import AnalysisReference, Product
from comptoir.analysis.resolve import resolve
from comptoir.domain.dispensing.packs import pack_size
from comptoir.domain.eprescription.dispensing import boxes_needed
from comptoir.reading.posology import parse_posology
from comptoir.store.eprescription import EPrescriptionRepository

SUBSTITUTABLE_KINDS = (0, 1, 2, 4)
"""BDPM generic group members: princeps, generic, complementarity, substitutable (CSP L.5125-23)."""


@dataclass(frozen=True, slots=True)
class Pack:
    cip13: str
    label: str
    units: int | None
    price: float | None


@dataclass(frozen=True, slots=True)
class Resolved:
    product: Product | None
    pack: Pack | None
    boxes: int
    daily: float | None
    duration_days: int | None

    @property
    def secure(self) -> bool:
        """Stupéfiants and "ordonnance sécurisée" conditions of the BDPM (CSP R.5132-5)."""
        conditions = " ".join(self.product.conditions).lower() if self.product else ""
        return "stupéfiant" in conditions or "ordonnance sécurisée" in conditions


def packs(lookups: EPrescriptionRepository, cis: str) -> list[Pack]:
    rows = lookups.presentations_of(cis)
    return [Pack(p.cip13, p.label, pack_size(p.label), float(p.price_eur) if p.price_eur is not None else None)
            for p in rows if p.status != "Présentation abrogée"]


def fitting_pack(candidates: list[Pack], units: float | None) -> Pack | None:
    """The smallest box holding the whole treatment, else the largest box (several of them)."""
    sized = sorted((p for p in candidates if p.units), key=lambda p: p.units or 0)
    if not sized:
        return candidates[0] if candidates else None
    return next((p for p in sized if units is not None and (p.units or 0) >= units), sized[-1])


def resolve_line(lookups: EPrescriptionRepository, reference: AnalysisReference, text: str, posology: str,
                 duration_days: int | None) -> Resolved:
    product = resolve(text, reference).product
    parsed = parse_posology(posology)
    duration = duration_days or (round(parsed.duration_days) if parsed.duration_days else None)
    units = parsed.daily_quantity * duration if parsed.daily_quantity and duration else None
    pack = fitting_pack(packs(lookups, product.cis), units) if product else None
    boxes = parsed.boxes or boxes_needed(parsed.daily_quantity, duration, pack.units if pack else None) or 1
    return Resolved(product, pack, boxes, parsed.daily_quantity, duration)


def generic_group_of(lookups: EPrescriptionRepository, cis: str) -> set[str]:
    """Every CIS a pharmacist may give instead of `cis` (same BDPM generic group)."""
    return lookups.generic_group_of(cis, kinds=SUBSTITUTABLE_KINDS) | {cis}


def group_alternatives(lookups: EPrescriptionRepository, cis: str, limit: int = 12) -> list[tuple[str, str]]:
    """(CIS, name) of the group's marketed members, the prescribed product first."""
    found = lookups.marketed_names(generic_group_of(lookups, cis))
    return sorted(found, key=lambda item: item[0] != cis)[:limit]
