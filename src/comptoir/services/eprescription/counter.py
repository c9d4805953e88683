"""What the counter's ON screen shows: for the chosen period, each line with the products a pharmacist
may give (the prescribed one, then its generic group unless "non substituable"), the box that fits
and the boxes needed, what was already delivered here or elsewhere; and the matching of products
scanned or typed by hand against the ON's lines."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from comptoir.analysis.reference import AnalysisReference
from comptoir.analysis.resolve import resolve
from comptoir.domain.eprescription import prescription as rx
from comptoir.reading.posology import parse_posology
from comptoir.services.eprescription.dispense import delivered_before
from comptoir.services.eprescription.lines import Pack, fitting_pack, generic_group_of, group_alternatives, packs


@dataclass(frozen=True, slots=True)
class Option:
    cis: str
    name: str
    pack: Pack | None
    prescribed: bool


@dataclass(frozen=True, slots=True)
class PlannedLine:
    line: rx.PrescribedLine
    options: tuple[Option, ...]
    needed: int
    already: int
    closed: bool
    delivered: tuple[tuple[rx.Execution, rx.DeliveredLine], ...]
    """Every earlier delivery of this line (any period, any pharmacy), with its date and pharmacy."""


def plan(session: Session, prescription: rx.Prescription, renewal: int, *, limit: int = 8) -> list[PlannedLine]:
    return [_planned(session, prescription, line, renewal, limit) for line in prescription.lines]


def _planned(session: Session, prescription: rx.Prescription, line: rx.PrescribedLine, renewal: int,
             limit: int) -> PlannedLine:
    parsed = parse_posology(line.posology)
    units = parsed.daily_quantity * line.duration_days if parsed.daily_quantity and line.duration_days else None
    members = group_alternatives(session, line.cis, limit) if line.cis and line.substitutable else []
    members = members or ([(line.cis, line.text)] if line.cis else [])
    options = tuple(Option(cis, name, _pack(session, cis, units, line), cis == line.cis) for cis, name in members)
    first = options[0].pack if options else None
    needed = _needed(parsed.daily_quantity, line, first)
    already = delivered_before(session, prescription, line.number, renewal)
    closed = rx.delivered_in(prescription.executions, line.number, renewal)[1] or (already >= needed > 0)
    delivered = tuple((e, d) for e in prescription.executions for d in e.lines if d.line_number == line.number)
    return PlannedLine(line, options, max(needed - already, 0) if not closed else 0, already, closed, delivered)


def _pack(session: Session, cis: str, units: float | None, line: rx.PrescribedLine) -> Pack | None:
    candidates = packs(session, cis)
    exact = next((p for p in candidates if p.cip13 == line.cip13), None)
    return exact or fitting_pack(candidates, units)


def _needed(daily: float | None, line: rx.PrescribedLine, pack: Pack | None) -> int:
    from comptoir.domain.eprescription.dispensing import boxes_needed

    return boxes_needed(daily, line.duration_days, pack.units if pack else None) or line.quantity


def match_products(session: Session, reference: AnalysisReference, prescription: rx.Prescription,
                   typed: list[str]) -> dict[int, str]:
    """Products scanned or typed by hand (CIP13, name) matched to the ON's lines: line number -> CIS.

    Best first: the prescribed specialty, then its generic group, then a shared substance; each line and
    each product is used once."""
    found: dict[int, str] = {}
    for text in (t for t in typed if t.strip()):
        product = resolve(text.strip(), reference).product
        if product is None:
            continue
        scored = sorted(((_score(session, reference, line, product.cis), line.number) for line in prescription.lines
                         if line.number not in found), reverse=True)
        if scored and scored[0][0] > 0:
            found[scored[0][1]] = product.cis
    return found


def _score(session: Session, reference: AnalysisReference, line: rx.PrescribedLine, cis: str) -> int:
    if line.cis == cis:
        return 3
    if line.cis and line.substitutable and cis in generic_group_of(session, line.cis):
        return 2
    prescribed = reference.products.get(line.cis or "") or resolve(line.text, reference).product
    given = reference.products.get(cis)
    if prescribed and given and set(prescribed.substance_names) & set(given.substance_names):
        return 1
    return 0
