"""Use case: validate the basket — one transaction: the dispensation and its lines (product, pack, quantity,
lot, serial, expiry when scanned, price, rate, listing), the pharmacist's decisions, the audit entry, and
every national write through the outbox (services/dispensing/fanout.py). Anything failing leaves nothing.

    validate(basket_id, expected_version, *, uow, operator, now, reference, fan_out=FAN_OUT) -> Validated
        raises Blocked(reasons) while the basket may not be validated, Conflict when it changed since the
        version its operator saw, or when an ON line was delivered meanwhile by another counter

An ON basket goes through the ON's own rules (services/eprescription/dispense.record_on_dispensation): each line's
period is claimed, and a second counter validating the same line is told "déjà délivrée".
A pharmacist's act (CSP L.4241-1): the permission matrix lets no préparateur validate (domain/operators.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.domain import bounds
from comptoir.domain.dispensing import renewals
from comptoir.domain.dispensing.conditions import Listing
from comptoir.domain.dispensing.packs import parse_pack
from comptoir.domain.eprescription import prescription as rx
from comptoir.domain.operators import Permission
from comptoir.errors import Conflict, NotFound, RuleViolation
from comptoir.reading.posology import parse_posology
from comptoir.services.dispensing import expensive, present, products
from comptoir.services.dispensing.basket import References, touch
from comptoir.services.dispensing.fanout import FAN_OUT, DispensationAct, FanOut
from comptoir.services.dispensing.ordonnancier import (
    RegisterInput,
    RegisterLine,
    RegisterPatient,
    RegisterPrescriber,
    record_dispensation,
)
from comptoir.services.dispensing.present import Assessment
from comptoir.services.dispensing.scans import attach_scans
from comptoir.services.dispensing.views import AlertView, Blocked, LineView, OutboxRef, Validated, basket_ref
from comptoir.services.eprescription.dispense import DispenseRequest, LineChoice, record_on_dispensation
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store.counter import Basket, BasketLine
from comptoir.store.dispensing import AnalysisDecision, Dispensation, DispensedLine

if TYPE_CHECKING:
    from comptoir.analysis.reference import AnalysisReference
    from comptoir.services.platform.unit_of_work import UnitOfWork

OVERRIDE = "passer_outre"
"""AnalysisDecision.decision of an override (the delivery maintained despite the alert, with its reason)."""


def validate(basket_id: int, expected_version: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime,
             reference: References, fan_out: FanOut = FAN_OUT) -> Validated:
    operator.require(Permission.PHARMACIST_ACT)
    with uow:
        analysis_reference = reference.get(uow.reference)
        row = _current(uow, basket_id, expected_version)
        _still_to_deliver(uow, row)
        assessment = present.assess(uow, row, analysis_reference, now)
        view = present.view_of(uow, assessment, operator, analysis_reference, now.date())
        if view.blocking:
            raise Blocked(view.blocking)
        dispensation, lines = _record(uow, assessment, view.lines, operator, analysis_reference, now)
        _claim_packs(uow, dispensation, lines)
        _keep_decisions(uow, assessment, dispensation)
        expensive.keep_with(uow, row.id, dispensation.id, operator, now)
        numbers = _ordonnancier(uow, assessment, dispensation, lines, now)
        act = DispensationAct(dispensation, tuple(lines), assessment.patient, operator, now)
        messages = fan_out.validated(uow, act)
        row.status, row.dispensation_id = "valide", dispensation.id
        touch(row, operator, now)
        audit(uow, Actor(operator.code, operator.workstation), action="write", object_type="dispensation",
              object_id=str(dispensation.id), detail=f"panier {row.id} {row.kind} {len(lines)} ligne(s) "
                                                     f"patient={row.patient_id or '-'}", now=now)
        uow.commit()
    return Validated(dispensation.id, numbers, tuple(OutboxRef(m.kind, m.idempotency_key, m.label) for m in messages))


def _current(uow: UnitOfWork, basket_id: int, expected_version: int) -> Basket:
    row = uow.baskets.locked(basket_id)
    if row is None:
        raise NotFound(f"Panier n° {basket_id} introuvable.")
    if row.status == "valide":
        raise Conflict(f"Panier n° {basket_id} déjà validé (délivrance n° {row.dispensation_id}).")
    if row.status == "abandonne":
        raise RuleViolation(f"Panier n° {basket_id} abandonné : il ne peut plus être validé.")
    if row.version != expected_version:
        raise Conflict("Le panier a changé depuis votre affichage (sur ce poste ou un autre) : vérifiez-le, puis "
                       "validez à nouveau.")
    return row


def _still_to_deliver(uow: UnitOfWork, row: Basket) -> None:
    """An ON line another counter delivered meanwhile is said first: "déjà délivrée" (the period's row, locked,
    decides again when it is claimed, for two validations at the same instant)."""
    if row.kind != "ordonnance_numerique" or not row.prescription_id:
        return
    for line in uow.baskets.lines(row.id):
        if line.prescription_line is None:
            continue
        period = uow.eprescriptions.locked_period(row.prescription_id, line.prescription_line, row.renewal)
        if period is not None and period.closed:
            raise Conflict(rx.already_delivered(line.prescription_line, row.renewal))


def _record(uow: UnitOfWork, assessment: Assessment, shown: tuple[LineView, ...], operator: CurrentOperator,
            reference: AnalysisReference, now: datetime) -> tuple[Dispensation, list[DispensedLine]]:
    basket = assessment.basket
    pairs = list(zip(assessment.lines, shown, strict=True))
    if basket.kind == "ordonnance_numerique":
        request = _on_request(basket, assessment.lines, assessment.alerts)
        recorded = record_on_dispensation(uow, operator, request, now).dispensed
        dispensation, lines = recorded.dispensation, recorded.lines
        by_number = {line.prescription_line: line for line in lines}
        for basket_line, view in pairs:
            if basket_line.prescription_line in by_number:
                _complete(by_number[basket_line.prescription_line], basket_line, view, reference)
        extra = [_dispensed_line(len(lines) + n, b, v, reference) for n, (b, v) in enumerate(
            (b, v) for b, v in pairs if b.prescription_line is None)]
        uow.dispensations.add_lines(dispensation, extra)
        return dispensation, lines + extra
    dispensation = Dispensation(dispensed_at=now, patient_id=basket.patient_id, operator_code=operator.code,
                                workstation=operator.workstation, kind=basket.kind,
                                prescriber_rpps=basket.prescriber_rpps, check_status="a_controler", cancel_reason="")
    lines = [_dispensed_line(n, b, v, reference) for n, (b, v) in enumerate(pairs)]
    uow.dispensations.add_with_lines(dispensation, lines)
    return dispensation, lines


def _claim_packs(uow: UnitOfWork, dispensation: Dispensation, lines: list[DispensedLine]) -> None:
    """Each serialised pack is handed out once: a pack another dispensation of this pharmacy (not cancelled) gave,
    or that another counter's validation claimed first, is refused — the whole validation undone."""
    for line in lines:
        for pack in line.packs or []:
            if not (pack.get("cip13") and pack.get("serial")):
                continue
            holder = uow.dispensations.claim_pack(pack["cip13"], pack["serial"], dispensation.id)
            if holder is not None:
                raise Conflict(f"Cette boîte (n° de série {pack['serial']}) a déjà été délivrée au comptoir le "
                               f"{holder.dispensed_at:%d/%m/%Y} (délivrance n° {holder.id}) : scannez-en une autre.")


def _on_request(basket: Basket, lines: list[BasketLine], shown_alerts: tuple[AlertView, ...]) -> DispenseRequest:
    choices = tuple(LineChoice(line.prescription_line, line.cip13, line.boxes, line.posology,
                               _intervention(line, shown_alerts))
                    for line in lines if line.prescription_line is not None)
    return DispenseRequest(basket.prescription_id or "", basket.patient_id or 0, basket.renewal, choices)


def _intervention(line: BasketLine, shown_alerts: tuple[AlertView, ...]) -> rx.Intervention | None:
    """The first SFPC intervention decided on an alert about this line: the ON execution carries it (SPEC §4.6)."""
    for alert in shown_alerts:
        decision = alert.decision
        if decision and decision.kind == "intervention" and line.position in alert.positions:
            return rx.Intervention(decision.problem_code or "", decision.intervention_code or "", decision.outcome,
                                   decision.reason[:bounds.NOTE_MAX])
    return None


def _dispensed_line(position: int, line: BasketLine, view: LineView, reference: AnalysisReference) -> DispensedLine:
    product = reference.products.get(line.cis or "")
    row = DispensedLine(position=position, drug=product.name if product else line.text, cis=line.cis, cip13=line.cip13,
                        boxes=line.boxes, posology=line.posology, duration_days=line.duration_days,
                        prescribed_drug=line.text if line.prescribed_cis else None,
                        prescribed_boxes=line.prescribed_boxes, substitution="G" if view.substituted else None,
                        partial=False)
    _complete(row, line, view, reference)
    return row


def _complete(row: DispensedLine, line: BasketLine, view: LineView, reference: AnalysisReference) -> None:
    """What the basket knows beyond the ON's rules: the packs scanned, the price, the rate, the listing."""
    listing = products.conditions(reference.products.get(line.cis or "")).listing
    row.duration_days = days_given(line, view.pack_label)
    row.lot, row.serial, row.expiry = view.lot, view.serial, view.expiry
    row.packs = list(line.packs) or None
    row.price_eur, row.reimbursement_rate = view.price_eur, view.reimbursement_rate
    row.listing = listing.value if listing else None


def days_given(line: BasketLine, pack_label: str | None) -> int | None:
    """The days this delivery covers: its boxes at the posology, never more than prescribed. A month of a
    three-month treatment (CSP R.5123-2) is recorded as a month, so that next month's delivery is not taken for
    a renewal that comes too early; the prescribed duration when the boxes cannot be converted."""
    parsed = parse_posology(line.posology)
    contents = parse_pack(pack_label) if pack_label else None
    per_box = contents.amount_in(parsed.unit) if contents else None
    covered = renewals.days_covered(line.boxes, per_box, parsed.daily_quantity, None)
    if not covered:
        return line.duration_days
    return min(covered, line.duration_days) if line.duration_days else covered


def _keep_decisions(uow: UnitOfWork, assessment: Assessment, dispensation: Dispensation) -> None:
    """The decisions of the alerts still present, kept with the dispensation (an alert gone leaves its own unused)."""
    shown = {alert.key: alert for alert in assessment.alerts}
    for row in assessment.decisions:
        alert = shown.get(row.alert_key)
        if alert is None:
            continue
        uow.dispensations.add_decision(AnalysisDecision(
            at=row.at, operator_code=row.operator_code, workstation=row.workstation,
            patient_id=dispensation.patient_id, dispensation_id=dispensation.id,
            decision="intervention" if row.kind == "intervention" else OVERRIDE, finding_kind=alert.kind,
            finding_level=alert.level, drugs=[p.label for p in alert.products], substances=list(row.substances),
            message=alert.message, problem_code=row.problem_code, intervention_code=row.intervention_code,
            outcome_code=row.outcome_code, comment=row.reason))


def _prescriber_address(uow: UnitOfWork, basket: Basket) -> str:
    """The address written on the paper prescription, else the one of the prescriber's profile (ON, RPPS)."""
    if basket.prescriber_address:
        return basket.prescriber_address
    return uow.prescribers.address_of(basket.prescriber_rpps) if basket.prescriber_rpps else ""


def _ordonnancier(uow: UnitOfWork, assessment: Assessment, dispensation: Dispensation, lines: list[DispensedLine],
                  now: datetime) -> tuple[int, ...]:
    """Listes I, II and stupéfiants entered in the ordonnancier at delivery (CSP R.5132-10), and the paper
    prescription's scan tied to the dispensation: both in this transaction."""
    basket, patient = assessment.basket, assessment.patient
    entry = RegisterInput(
        dispensation_id=dispensation.id, operator_code=dispensation.operator_code,
        prescriber=RegisterPrescriber(basket.prescriber_name, basket.prescriber_rpps, _prescriber_address(uow, basket)),
        patient=RegisterPatient(f"{patient.last_name} {patient.first_name}" if patient else "",
                                patient_id=patient.id if patient else None),
        lines=tuple(RegisterLine(line.position + 1, line.drug, line.boxes,
                                 Listing(line.listing) if line.listing else None, line.cip13, line.cis)
                    for line in lines))
    numbers = record_dispensation(uow, entry, now=now)
    attach_scans(uow, basket_ref(basket.id), dispensation.id)
    return tuple(numbers)
