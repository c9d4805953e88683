"""What is left of an ON, counting what the base answered and what this pharmacy delivered since (the
kept answer does not know it until the next consultation): the periods closed, the status, and the
earliest date of a line's next renewal (domain/dispensing/renewals.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from comptoir.domain.dispensing import renewals
from comptoir.domain.dispensing.conditions import read_conditions
from comptoir.domain.dispensing.packs import parse_pack
from comptoir.domain.eprescription import prescription as rx
from comptoir.reading.posology import parse_posology

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

def known_here(uow: UnitOfWork, prescription: rx.Prescription) -> rx.Prescription:
    """The ON as the base last answered it, plus this pharmacy's deliveries it does not hold yet (made since,
    or still in the outbox), less those cancelled here since: what the counter's rules must count."""
    here = uow.dispensations.of_prescription(prescription.id)
    cancelled = {d.execution_key for d in here if d.cancelled_at is not None}
    executions = tuple(e for e in prescription.executions if e.key not in cancelled)
    held = {e.key for e in executions}
    ours = [d for d in here if d.cancelled_at is None and d.execution_key not in held]
    if not ours:
        return replace(prescription, executions=executions)
    pharmacy = uow.eprescriptions.pharmacy()
    lines = uow.dispensations.lines_of([d.id for d in ours])
    added = tuple(rx.Execution(
        key=d.execution_key or f"ici-{d.id}", at=d.dispensed_at, renewal=d.renewal or 0,
        pharmacy_finess=pharmacy.finess if pharmacy else "", pharmacy_name=pharmacy.name if pharmacy else "",
        pharmacist_rpps="", lines=tuple(rx.DeliveredLine(given.prescription_line or 0, given.drug, given.boxes,
                                                         given.cip13, given.partial)
                                        for given in lines.get(d.id, [])))
        for d in ours)
    return replace(prescription, executions=executions + added)


def status_here(uow: UnitOfWork, prescription: rx.Prescription, today: date) -> rx.Status:
    """The ON's status from what is left to deliver (a non-renewable ON delivered in full is executed)."""
    executions = known_here(uow, prescription).executions
    given = [(d.line_number, e.renewal, d.partial) for e in executions for d in e.lines]
    left = renewals.remaining({line.number: line.renewals + 1 for line in prescription.lines},
                              closed=[(n, r) for n, r, partial in given if not partial],
                              delivered=[(n, r) for n, r, _ in given])
    return renewals.status_from(left, cancelled=prescription.cancelled, expired=today > prescription.valid_until)


def earliest_renewal(uow: UnitOfWork, prescription: rx.Prescription, line: rx.PrescribedLine,
                     renewal: int) -> date | None:
    """The first day renewal `renewal` of `line` may be delivered, from the previous period's deliveries
    (elsewhere and here); None for the first delivery or when nothing tells the days."""
    if renewal <= 0:
        return None
    parsed = parse_posology(line.posology)
    previous = _deliveries(uow, prescription, line, renewal - 1, parsed.unit)
    conditions = read_conditions(uow.reference.conditions_of(line.cis)) if line.cis else None
    return renewals.earliest_after(
        previous, daily_quantity=parsed.daily_quantity,
        prescribed_days=line.duration_days or (round(parsed.duration_days) if parsed.duration_days else None),
        overlap_forbidden=bool(conditions and (conditions.overlap_forbidden or conditions.narcotic)))


def unavailable(uow: UnitOfWork, prescription: rx.Prescription, line: rx.PrescribedLine, renewal: int,
                today: date) -> str:
    """Why the line cannot be delivered for this period today, in French; empty when it can."""
    if not renewals.offered(line.renewals, renewal):
        if line.renewals == 0:
            return "Ligne non renouvelable : rien à délivrer sur un renouvellement."
        return f"Renouvellement {renewal} non prescrit ({line.renewals} renouvellement(s)) : rien à délivrer."
    earliest = earliest_renewal(uow, prescription, line, renewal)
    if earliest is not None and today < earliest:
        return renewals.renewal_too_early(line.number, renewal, earliest)
    return ""


def _deliveries(uow: UnitOfWork, prescription: rx.Prescription, line: rx.PrescribedLine, period: int,
                unit: str | None) -> list[renewals.Delivery]:
    return [renewals.Delivery(e.at.date(), given.quantity, _units(uow, given.cip13, unit))
            for e in known_here(uow, prescription).executions if e.renewal == period
            for given in e.lines if given.line_number == line.number]


def _units(uow: UnitOfWork, cip13: str | None, unit: str | None) -> float | None:
    box = uow.eprescriptions.presentation(cip13) if cip13 else None
    contents = parse_pack(box.label) if box else None
    return contents.amount_in(unit) if contents else None
