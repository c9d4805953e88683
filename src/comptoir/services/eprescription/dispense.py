"""Use case: dispense an ordonnance numérique and record its execution (SPEC §4.6, §15.2).

The pharmacist (a pharmacist's act, CSP L.4241-1) validates, for one period (first delivery or renewal
n), what is given for each line: the product (the prescribed one or a member of its generic group,
never on a "non substituable" line), the boxes (fewer than needed is a partial delivery), the
posology given, an SFPC intervention. In one transaction: the dispensation and its lines (which the
deferred double check re-analyses), the state of each line's period (its unique key turns a second
counter's attempt into "déjà délivrée"), and the execution message in the outbox.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.domain.eprescription import dispensing as dx
from comptoir.domain.eprescription import prescription as rx
from comptoir.domain.operators import Permission
from comptoir.errors import Conflict, NotFound, RuleViolation
from comptoir.reading.posology import parse_posology
from comptoir.services.eprescription.lines import generic_group_of
from comptoir.services.eprescription.messages import enqueue_execution
from comptoir.services.eprescription.scan import kept, patient_mismatch, pharmacy_of, rpps_of
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation, DispensedLine
from comptoir.store.eprescription import EPrescriptionRepository, LineDelivery

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class LineChoice:
    line_number: int
    cip13: str | None
    """None: the line is not delivered this time."""
    quantity: int
    posology: str = ""
    intervention: rx.Intervention | None = None


@dataclass(frozen=True, slots=True)
class DispenseRequest:
    prescription_id: str
    patient_id: int
    renewal: int
    lines: tuple[LineChoice, ...]


@dataclass(frozen=True, slots=True)
class Checked:
    line: rx.PrescribedLine
    given: LineChoice
    choice: dx.Choice
    differences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Dispensed:
    dispensation: Dispensation
    lines: list[DispensedLine]


def check(request: DispenseRequest, *, uow: UnitOfWork, now: datetime) -> tuple[rx.Prescription, list[Checked]]:
    """Everything the control window shows; raises on what the prescription does not allow. Writes nothing."""
    with uow:
        return _check(uow, request, now)


def _check(uow: UnitOfWork, request: DispenseRequest, now: datetime) -> tuple[rx.Prescription, list[Checked]]:
    _, prescription = kept(uow, request.prescription_id)
    mismatch = patient_mismatch(uow.eprescriptions.patient(request.patient_id), prescription)
    if mismatch:
        raise RuleViolation(mismatch)
    dx.check_line_numbers(given.line_number for given in request.lines)
    checked = [_checked(uow, prescription, request.renewal, given, now) for given in request.lines]
    if not any(c.given.quantity for c in checked):
        raise RuleViolation("Rien à délivrer : indiquez au moins une ligne et sa quantité.")
    return prescription, checked


def _checked(uow: UnitOfWork, prescription: rx.Prescription, renewal: int, given: LineChoice,
             now: datetime) -> Checked:
    line = prescription.line(given.line_number)
    if given.quantity:
        rx.check_deliverable(prescription, line.number, renewal, today=now.date())
    choice = _choice(uow.eprescriptions, line, given)
    already = delivered_before(uow.eprescriptions, prescription, line.number, renewal)
    choice = replace(choice, needed=max(1, choice.needed - already))
    dx.check_choice(line, choice)
    return Checked(line, given, choice, tuple(dx.differences(line, choice)))


def _choice(lookups: EPrescriptionRepository, line: rx.PrescribedLine, given: LineChoice) -> dx.Choice:
    pack = lookups.presentation(given.cip13) if given.cip13 else None
    if given.cip13 and pack is None:
        raise RuleViolation(f"Ligne {line.number} : CIP13 inconnu {given.cip13}.")
    cis = pack.cis if pack else line.cis
    specialty = lookups.specialty(cis) if cis else None
    label = specialty.name if specialty else line.text
    same = cis == line.cis or (line.cis is None and pack is None)
    group = generic_group_of(lookups, line.cis) if line.cis else set()
    return dx.Choice(line_number=line.number, quantity=given.quantity, needed=needed_boxes(line, pack), cis=cis,
                     cip13=given.cip13, label=label, same_product=same, same_group=cis in group,
                     posology=given.posology)


def delivered_before(lookups: EPrescriptionRepository, prescription: rx.Prescription, line_number: int,
                     renewal: int) -> int:
    """Boxes of this period already given: here (our own table) and in other pharmacies (the base's answer)."""
    pharmacy = lookups.pharmacy()
    ours = pharmacy.finess if pharmacy else ""
    elsewhere = rx.delivered_in(tuple(e for e in prescription.executions if e.pharmacy_finess != ours),
                                line_number, renewal)[0]
    return elsewhere + lookups.boxes_delivered_here(prescription.id, line_number, renewal)


def needed_boxes(line: rx.PrescribedLine, pack: m.Presentation | None) -> int:
    """Posology × duration / pack size of the box given; the prescribed boxes when that cannot be computed."""
    from comptoir.domain.dispensing.packs import pack_size

    parsed = parse_posology(line.posology)
    units = pack_size(pack.label) if pack else None
    return dx.boxes_needed(parsed.daily_quantity, line.duration_days or parsed.duration_days, units) or line.quantity


def dispense(request: DispenseRequest, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> Dispensed:
    """The dispensation, each line's period and the execution's outbox message: committed together or not at all."""
    operator.require(Permission.PHARMACIST_ACT)
    with uow:
        recorded = record_on_dispensation(uow, operator, request, now)
        dispensed = recorded.dispensed
        _send_execution(uow, dispensed.dispensation, recorded.prescription, request.renewal, recorded.rpps,
                        recorded.given, now)
        audit(uow, Actor(operator.code, operator.workstation), action="write", object_type="dispensation",
              object_id=str(dispensed.dispensation.id), detail=f"ordonnance numérique {recorded.prescription.id} "
              f"renouvellement {request.renewal} patient={request.patient_id}", now=now)
        uow.commit()
    return dispensed


@dataclass(frozen=True, slots=True)
class OnDispensation:
    prescription: rx.Prescription
    given: list[Checked]
    dispensed: Dispensed
    rpps: str


def record_on_dispensation(uow: UnitOfWork, operator: CurrentOperator, request: DispenseRequest,
                           now: datetime) -> OnDispensation:
    """The body of an ON dispensation inside the caller's unit of work (which sends, audits and commits): the
    ON's rules checked, each line's period claimed (a second counter's attempt is a Conflict "déjà délivrée"),
    the dispensation and its lines written. Also the counter basket's validation (services/dispensing)."""
    rpps = rpps_of(uow, operator)
    if not rpps:
        raise RuleViolation("Le pharmacien qui valide doit avoir un N° RPPS (fiche opérateur).")
    prescription, checked = _check(uow, request, now)
    given = [c for c in checked if c.given.quantity]
    for item in given:
        _claim_period(uow, request, item, now)
    return OnDispensation(prescription, given, _dispensation(uow, operator, request, prescription, given, now), rpps)


def _claim_period(uow: UnitOfWork, request: DispenseRequest, item: Checked, now: datetime) -> None:
    """Lock (or create) the line's period: the second of two counters waits, then sees it closed."""
    key = (request.prescription_id, item.line.number, request.renewal)
    row = uow.eprescriptions.locked_period(*key)
    if row is None:
        fresh = LineDelivery(prescription_id=key[0], line_number=key[1], renewal=key[2], boxes=0, closed=False,
                             updated_at=now)
        # Another counter may create the same period between our read and our insert (PostgreSQL): then
        # its row, locked, decides, as if we had found it first.
        row = fresh if uow.eprescriptions.claim_period(fresh) else uow.eprescriptions.locked_period(*key)
    if row is None or row.closed:
        raise Conflict(rx.already_delivered(item.line.number, request.renewal))
    row.boxes, row.closed, row.updated_at = row.boxes + item.given.quantity, not item.choice.partial, now


def _dispensation(uow: UnitOfWork, operator: CurrentOperator, request: DispenseRequest,
                  prescription: rx.Prescription, given: list[Checked], now: datetime) -> Dispensed:
    row = Dispensation(dispensed_at=now, patient_id=request.patient_id, operator_code=operator.code,
                       workstation=operator.workstation, kind="ordonnance_numerique",
                       prescriber_rpps=prescription.prescriber.rpps, prescription_id=prescription.id,
                       renewal=request.renewal, execution_key=uuid.uuid4().hex)
    lines = [_dispensed_line(position, item) for position, item in enumerate(given)]
    uow.dispensations.add_with_lines(row, lines)
    return Dispensed(row, lines)


def _dispensed_line(position: int, item: Checked) -> DispensedLine:
    act = item.given.intervention
    return DispensedLine(
        position=position, drug=item.choice.label, cis=item.choice.cis, cip13=item.choice.cip13,
        boxes=item.given.quantity, posology=item.given.posology or item.line.posology,
        duration_days=item.line.duration_days, prescription_line=item.line.number, prescribed_drug=item.line.text,
        prescribed_boxes=item.choice.needed, substitution=dx.substitution_code(item.choice),
        partial=item.choice.partial,
        intervention=_intervention_record(act) if act else None)


def _intervention_record(act: rx.Intervention) -> dict[str, str]:
    record = {"problem": act.problem, "intervention": act.intervention, "comment": act.comment}
    return record | ({"outcome": act.outcome} if act.outcome else {})


def _send_execution(uow: UnitOfWork, dispensation: Dispensation, prescription: rx.Prescription, renewal: int,
                    rpps: str, given: list[Checked], now: datetime) -> None:
    execution = _execution(uow, dispensation, renewal, rpps, given, now)
    enqueue_execution(uow, prescription.id, execution, after=previous_execution(uow, dispensation),
                      label=f"Ordonnance {prescription.id} — {prescription.patient.last_name} "
                            f"{prescription.patient.first_name} — {len(given)} ligne(s)")


def previous_execution(uow: UnitOfWork, dispensation: Dispensation) -> str | None:
    """The key of this ON's previous execution here: the base must receive a complement after the partial
    delivery it completes, even when two servers' workers send the queue (found by the load test)."""
    earlier = [d for d in uow.dispensations.of_prescription(dispensation.prescription_id or "")
               if d.id != dispensation.id and d.execution_key]
    if not earlier:
        return None
    # A cancelled execution frees its periods only once its cancellation reached the base.
    last = earlier[-1]
    return f"{last.execution_key}-annulation" if last.cancelled_at else last.execution_key


def _execution(uow: UnitOfWork, dispensation: Dispensation, renewal: int, rpps: str, given: list[Checked],
               now: datetime) -> rx.Execution:
    pharmacy = pharmacy_of(uow)
    lines = tuple(rx.DeliveredLine(line_number=c.line.number, label=c.choice.label, quantity=c.given.quantity,
                                   cip13=c.choice.cip13, partial=c.choice.partial,
                                   substitution=dx.substitution_code(c.choice), intervention=c.given.intervention,
                                   posology=c.given.posology) for c in given)
    return rx.Execution(key=dispensation.execution_key or "", at=now, renewal=renewal,
                        pharmacy_finess=pharmacy.finess, pharmacy_name=pharmacy.name, pharmacist_rpps=rpps,
                        lines=lines)


def dispensation_of(uow: UnitOfWork, dispensation_id: int) -> Dispensation:
    row = uow.dispensations.by_id(dispensation_id)
    if row is None or not row.prescription_id:
        raise NotFound(f"Aucune délivrance d'ordonnance numérique n° {dispensation_id}.")
    return row
