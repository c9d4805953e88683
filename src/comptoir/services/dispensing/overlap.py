"""No overlap of stupéfiants at the counter (CSP R.5132-33): "il ne peut être délivré une nouvelle ordonnance
[de ces médicaments] pendant la période déjà couverte par une précédente ordonnance", unless the prescriber says
so on the prescription. It applies to stupéfiants and to the products whose BDPM conditions say "chevauchement
interdit sauf mention expresse du prescripteur" (zolpidem, clonazépam, tianeptine, clorazépate 20 mg...).

A basket line of such a product is refused (its reason blocks the validation, which assesses the basket again
under its lock) while this pharmacy delivered the same substance to the same patient, under another
prescription, and that delivery still covers today: its date plus the days its boxes last at its posology
(domain/dispensing/renewals.days_covered; its written duration when the boxes cannot be converted). The
pharmacist ticks "chevauchement autorisé par le prescripteur" on the line (BasketLine.overlap_allowed) when
the prescription carries the express mention. A complement or a renewal of the same ordonnance numérique is not
a new prescription: the ON's own periods decide it (services/eprescription/periods.py, no tolerance for these
products).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from comptoir.analysis.reference import AnalysisReference, Product
from comptoir.domain.dispensing import narcotics, renewals
from comptoir.domain.dispensing.conditions import NARCOTIC_MAX_DAYS
from comptoir.domain.dispensing.narcotics import EarlierDelivery
from comptoir.domain.dispensing.packs import parse_pack
from comptoir.reading.posology import parse_posology
from comptoir.refdata.search import fold
from comptoir.services.dispensing import alerts, products
from comptoir.store import models as m
from comptoir.store.counter import Basket, BasketLine
from comptoir.store.dispensing import EarlierLine

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

LOOKBACK_DAYS = 120
"""How far back earlier deliveries are read: the longest period these products may be prescribed for is
12 weeks (clonazépam, CSP R.5132-21), leaving a margin for boxes that last longer than prescribed."""


@dataclass(frozen=True, slots=True)
class Overlaps:
    """Per basket line (its position): why it is refused, and what the pharmacist should know."""

    refusals: Mapping[int, str] = field(default_factory=dict)
    warnings: Mapping[int, tuple[str, ...]] = field(default_factory=dict)


NO_OVERLAP = Overlaps()


def overlaps(uow: UnitOfWork, basket: Basket, lines: Sequence[BasketLine], reference: AnalysisReference,
             now: datetime) -> Overlaps:
    """The overlap refusals of the basket's lines (one query, only when a line's product forbids overlap)."""
    concerned = [(line, product) for line in lines
                 if (product := reference.products.get(line.cis or "")) is not None
                 and narcotics.overlap_forbidden(products.conditions(product))]
    if not concerned or basket.patient_id is None:
        return NO_OVERLAP
    earlier = [e for e in uow.dispensations.earlier_lines(basket.patient_id, since=now - timedelta(days=LOOKBACK_DAYS))
               if not (basket.prescription_id and e.prescription_id == basket.prescription_id)]
    if not earlier:
        return NO_OVERLAP
    boxes = uow.eprescriptions.presentations_among([e.cip13 for e in earlier if e.cip13])
    refusals, warnings = {}, {}
    for line, product in concerned:
        found = _line_overlap(line, product, _same_substance(product, earlier, reference), boxes, reference,
                              now.date())
        if found.refusal:
            refusals[line.position] = found.refusal
        if found.warnings:
            warnings[line.position] = found.warnings
    return Overlaps(refusals, warnings)


@dataclass(frozen=True, slots=True)
class _Found:
    refusal: str | None
    warnings: tuple[str, ...]


def _line_overlap(line: BasketLine, product: Product, earlier: list[EarlierLine], boxes: Mapping[str, m.Presentation],
                  reference: AnalysisReference, today: date) -> _Found:
    conditions = products.conditions(product)
    pairs = [(e, _delivery(e, boxes, reference)) for e in earlier]
    known = [d for _, d in pairs if d is not None]
    covering = max(known, key=lambda d: d.covered_until, default=None)
    if covering is not None and covering.covered_until < today:
        covering = None
    refusal = narcotics.overlap_refusal(conditions, earlier=covering, today=today,
                                        overlap_allowed=bool(line.overlap_allowed))
    notes: list[str] = []
    if covering is not None and line.overlap_allowed:
        notes.append(f"Chevauchement autorisé par le prescripteur (CSP R.5132-33) : {covering.product} délivré le "
                     f"{covering.on:%d/%m/%Y}, couvert jusqu'au {covering.covered_until:%d/%m/%Y}.")
    notes += [_unknown_days(e, reference) for e, d in pairs
              if d is None and _recent(e, conditions.max_prescription_days, today)]
    return _Found(refusal, tuple(notes))


def _same_substance(product: Product, earlier: Iterable[EarlierLine],
                    reference: AnalysisReference) -> list[EarlierLine]:
    wanted = _substances(product)
    return [e for e in earlier if (other := _product_of(e, reference)) is not None and wanted & _substances(other)]


def _substances(product: Product) -> frozenset[str]:
    """Each substance by its BDPM code and its folded name (a salt and its base share the code)."""
    return frozenset(c.code for c in product.components) | frozenset(fold(c.name) for c in product.components)


def _product_of(line: EarlierLine, reference: AnalysisReference) -> Product | None:
    cis = line.cis or reference.cip13_to_cis.get(line.cip13 or "")
    return reference.products.get(cis or "")


def _delivery(line: EarlierLine, boxes: Mapping[str, m.Presentation],
              reference: AnalysisReference) -> EarlierDelivery | None:
    days = _days(line, boxes)
    if not days:
        return None
    return EarlierDelivery(line.dispensed_at.date(), days, _label(line, reference))


def _days(line: EarlierLine, boxes: Mapping[str, m.Presentation]) -> int | None:
    """The days the boxes last at the posology; the written duration when they cannot be converted."""
    parsed = parse_posology(line.posology)
    presentation = boxes.get(line.cip13 or "")
    contents = parse_pack(presentation.label) if presentation else None
    per_box = contents.amount_in(parsed.unit) if contents else None
    return renewals.days_covered(line.boxes or 0, per_box, parsed.daily_quantity, line.duration_days)


def _recent(line: EarlierLine, max_days: int | None, today: date) -> bool:
    return line.dispensed_at.date() + timedelta(days=max_days or NARCOTIC_MAX_DAYS) > today


def _unknown_days(line: EarlierLine, reference: AnalysisReference) -> str:
    return (f"{_label(line, reference)} délivré le {line.dispensed_at:%d/%m/%Y} sans durée connue : vérifiez "
            "qu'il ne couvre plus aujourd'hui (chevauchement interdit, CSP R.5132-33).")


def _label(line: EarlierLine, reference: AnalysisReference) -> str:
    name = alerts.product_name(line.cis or line.cip13 or "", reference)
    return name.label if name else line.drug
