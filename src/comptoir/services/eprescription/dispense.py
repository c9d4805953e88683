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

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from comptoir.domain.eprescription import dispensing as dx
from comptoir.domain.eprescription import prescription as rx
from comptoir.domain.operators import Permission
from comptoir.errors import Conflict, NotFound, RuleViolation
from comptoir.reading.posology import parse_posology
from comptoir.services.eprescription.lines import generic_group_of
from comptoir.services.eprescription.messages import enqueue_execution
from comptoir.services.eprescription.scan import kept, patient_mismatch, pharmacy_of, rpps_of
from comptoir.services.platform.audit_log import Actor, record_access
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation, DispensedLine
from comptoir.store.eprescription import LineDelivery


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


def check(session: Session, request: DispenseRequest, *, now: datetime) -> tuple[rx.Prescription, list[Checked]]:
    """Everything the control window shows; raises on what the prescription does not allow. Writes nothing."""
    _, prescription = kept(session, request.prescription_id)
    mismatch = patient_mismatch(session.get(m.Patient, request.patient_id), prescription)
    if mismatch:
        raise RuleViolation(mismatch)
    checked = [_checked(session, prescription, request.renewal, given, now) for given in request.lines]
    if not any(c.given.quantity for c in checked):
        raise RuleViolation("Rien à délivrer : indiquez au moins une ligne et sa quantité.")
    return prescription, checked


def _checked(session: Session, prescription: rx.Prescription, renewal: int, given: LineChoice,
             now: datetime) -> Checked:
    line = prescription.line(given.line_number)
    if given.quantity:
        rx.check_deliverable(prescription, line.number, renewal, today=now.date())
    choice = _choice(session, line, given)
    already = delivered_before(session, prescription, line.number, renewal)
    choice = replace(choice, needed=max(1, choice.needed - already))
    dx.check_choice(line, choice)
    return Checked(line, given, choice, tuple(dx.differences(line, choice)))


def _choice(session: Session, line: rx.PrescribedLine, given: LineChoice) -> dx.Choice:
    pack = session.get(m.Presentation, given.cip13) if given.cip13 else None
    if given.cip13 and pack is None:
        raise RuleViolation(f"Ligne {line.number} : CIP13 inconnu {given.cip13}.")
    cis = pack.cis if pack else line.cis
    specialty = session.get(m.Specialty, cis) if cis else None
    label = specialty.name if specialty else line.text
    same = cis == line.cis or (line.cis is None and pack is None)
    group = generic_group_of(session, line.cis) if line.cis else set()
    return dx.Choice(line_number=line.number, quantity=given.quantity, needed=needed_boxes(line, pack), cis=cis,
                     cip13=given.cip13, label=label, same_product=same, same_group=cis in group,
                     posology=given.posology)


def delivered_before(session: Session, prescription: rx.Prescription, line_number: int, renewal: int) -> int:
    """Boxes of this period already given: here (our own table) and in other pharmacies (the base's answer)."""
    ours = session.scalar(select(m.Pharmacy.finess).order_by(m.Pharmacy.id).limit(1)) or ""
    elsewhere = rx.delivered_in(tuple(e for e in prescription.executions if e.pharmacy_finess != ours),
                                line_number, renewal)[0]
    here = session.scalar(select(LineDelivery.boxes).where(LineDelivery.prescription_id == prescription.id,
                                                           LineDelivery.line_number == line_number,
                                                           LineDelivery.renewal == renewal))
    return elsewhere + (here or 0)


def needed_boxes(line: rx.PrescribedLine, pack: m.Presentation | None) -> int:
    """Posology × duration / pack size of the box given; the prescribed boxes when that cannot be computed."""
    from comptoir.services.analysis.reference import pack_size

    parsed = parse_posology(line.posology)
    units = pack_size(pack.label) if pack else None
    return dx.boxes_needed(parsed.daily_quantity, line.duration_days or parsed.duration_days, units) or line.quantity


def dispense(session: Session, operator: CurrentOperator, request: DispenseRequest, *,
             now: datetime) -> Dispensation:
    operator.require(Permission.PHARMACIST_ACT)
    rpps = rpps_of(session, operator)
    if not rpps:
        raise RuleViolation("Le pharmacien qui valide doit avoir un N° RPPS (fiche opérateur).")
    prescription, checked = check(session, request, now=now)
    given = [c for c in checked if c.given.quantity]
    for item in given:
        _claim_period(session, request, item, now)
    dispensation = _dispensation(session, operator, request, prescription, given, now)
    execution = _execution(session, dispensation, request.renewal, rpps, given, now)
    enqueue_execution(session, prescription.id, execution,
                      label=f"Ordonnance {prescription.id} — {prescription.patient.last_name} "
                            f"{prescription.patient.first_name} — {len(given)} ligne(s)")
    record_access(session, Actor(operator.code, operator.workstation), action="write", object_type="dispensation",
                  object_id=str(dispensation.id), detail=f"ordonnance numérique {prescription.id} "
                  f"renouvellement {request.renewal} patient={request.patient_id}", now=now)
    return dispensation


def _claim_period(session: Session, request: DispenseRequest, item: Checked, now: datetime) -> None:
    """Lock (or create) the line's period: the second of two counters waits, then sees it closed."""
    key = (request.prescription_id, item.line.number, request.renewal)
    row = session.scalar(select(LineDelivery).where(LineDelivery.prescription_id == key[0],
                                                    LineDelivery.line_number == key[1],
                                                    LineDelivery.renewal == key[2]).with_for_update())
    if row is not None and row.closed:
        raise Conflict(rx.already_delivered(item.line.number, request.renewal))
    if row is None:
        row = LineDelivery(prescription_id=key[0], line_number=key[1], renewal=key[2], boxes=0, closed=False)
        session.add(row)
    row.boxes, row.closed, row.updated_at = row.boxes + item.given.quantity, not item.choice.partial, now
    try:
        session.flush()
    except IntegrityError as exc:
        # Another counter created the same period between our read and our insert (PostgreSQL).
        raise Conflict(rx.already_delivered(item.line.number, request.renewal)) from exc


def _dispensation(session: Session, operator: CurrentOperator, request: DispenseRequest,
                  prescription: rx.Prescription, given: list[Checked], now: datetime) -> Dispensation:
    row = Dispensation(dispensed_at=now, patient_id=request.patient_id, operator_code=operator.code,
                       workstation=operator.workstation, kind="ordonnance_numerique",
                       prescriber_rpps=prescription.prescriber.rpps, prescription_id=prescription.id,
                       renewal=request.renewal, execution_key=uuid.uuid4().hex)
    session.add(row)
    session.flush()
    for position, item in enumerate(given):
        act = item.given.intervention
        session.add(DispensedLine(
            dispensation_id=row.id, position=position, drug=item.choice.label, cis=item.choice.cis,
            cip13=item.choice.cip13, boxes=item.given.quantity, posology=item.given.posology or item.line.posology,
            duration_days=item.line.duration_days, prescription_line=item.line.number, prescribed_drug=item.line.text,
            prescribed_boxes=item.choice.needed, substitution=dx.substitution_code(item.choice),
            partial=item.choice.partial,
            intervention={"problem": act.problem, "intervention": act.intervention, "comment": act.comment}
            if act else None))
    session.flush()
    return row


def _execution(session: Session, dispensation: Dispensation, renewal: int, rpps: str, given: list[Checked],
               now: datetime) -> rx.Execution:
    pharmacy = pharmacy_of(session)
    lines = tuple(rx.DeliveredLine(line_number=c.line.number, label=c.choice.label, quantity=c.given.quantity,
                                   cip13=c.choice.cip13, partial=c.choice.partial,
                                   substitution=dx.substitution_code(c.choice), intervention=c.given.intervention,
                                   posology=c.given.posology) for c in given)
    return rx.Execution(key=dispensation.execution_key or "", at=now, renewal=renewal,
                        pharmacy_finess=pharmacy.finess, pharmacy_name=pharmacy.name, pharmacist_rpps=rpps,
                        lines=lines)


def dispensation_of(session: Session, dispensation_id: int) -> Dispensation:
    row = session.get(Dispensation, dispensation_id)
    if row is None or not row.prescription_id:
        raise NotFound(f"Aucune délivrance d'ordonnance numérique n° {dispensation_id}.")
    return row
