"""The products the counter gives: a presentation from a CIP13, a CIP7 or a CIS, the box that fits, its price
and reimbursement rate, and the product's listing (liste I, II, stupéfiant) read from its BDPM conditions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from comptoir.analysis.reference import AnalysisReference, Product
from comptoir.domain.dispensing.conditions import LISTING_LABELS, DispensingConditions, read_conditions
from comptoir.services.eprescription.lines import Pack, packs
from comptoir.store import models as m
from comptoir.store.eprescription import EPrescriptionRepository


@dataclass(frozen=True, slots=True)
class Found:
    """A product found for what was scanned or typed: its CIS and, when a box was named, its CIP13."""

    cis: str
    cip13: str | None


def by_code(code: str, reference: AnalysisReference) -> Found | None:
    """A CIP13, a CIP7 or a CIS, as the reference knows it."""
    if len(code) == 13:
        cis = reference.cip13_to_cis.get(code)
        return Found(cis, code) if cis else None
    hits = reference.index.search(code, limit=1)
    if not hits:
        return None
    record = hits[0].record
    if len(code) == 7 and code in record.cip7:
        return Found(record.cis, record.cip13[record.cip7.index(code)])
    return Found(record.cis, None) if len(code) == 8 and record.cis == code else None


def default_pack(lookups: EPrescriptionRepository, cis: str) -> Pack | None:
    """The box for a product before any posology: the smallest retail box (the plan re-chooses it later)."""
    candidates = packs(lookups, cis)
    sized = sorted((p for p in candidates if p.units), key=lambda p: p.units or 0)
    return sized[0] if sized else (candidates[0] if candidates else None)


def conditions(product: Product | None) -> DispensingConditions:
    return _read(product.conditions) if product else DispensingConditions()


@lru_cache(maxsize=4096)
def _read(texts: tuple[str, ...]) -> DispensingConditions:
    # Pure, and the same few hundred condition lists come back at every change of every basket.
    return read_conditions(texts)


def listing_label(product: Product | None) -> str | None:
    listing = conditions(product).listing
    return LISTING_LABELS[listing] if listing else None


def rate(presentation: m.Presentation | None) -> int | None:
    """"65%" -> 65; None when the box is not reimbursed."""
    text = (presentation.reimbursement_rate if presentation else "").replace("%", "").strip()
    return int(text) if text.isdigit() else None


def price(presentation: m.Presentation | None) -> Decimal | None:
    return presentation.price_eur if presentation else None
