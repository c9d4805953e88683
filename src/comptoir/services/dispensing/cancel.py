"""Use case: cancel a dispensation the same day — kept, marked cancelled, out of the patient's history; the
ON line periods it closed reopen; every national service it reached receives its compensating message through
the outbox (the ON base: the execution cancelled, SPEC §4.4). After the day it is refused: a correction is a
new act, not an erasure.

    cancel_dispensation(dispensation_id, reason, *, uow, operator, now, fan_out=FAN_OUT) -> tuple[OutboxRef, ...]
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from comptoir.domain import bounds
from comptoir.domain.operators import Permission
from comptoir.errors import Conflict, FieldErrors, NotFound, RuleViolation
from comptoir.services.dispensing.fanout import FAN_OUT, DispensationAct, FanOut
from comptoir.services.dispensing.ordonnancier import record_cancellation
from comptoir.services.dispensing.views import OutboxRef
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store.dispensing import Dispensation, DispensedLine

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

PHARMACY_TIME = ZoneInfo("Europe/Paris")
"""The pharmacy's day is a French calendar day (a dispensation at 23:30 is not tomorrow's)."""


def local_day(moment: datetime) -> date:
    """The pharmacy's date of a moment (SQLite gives back UTC times without their zone)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(PHARMACY_TIME).date()


def cancel_dispensation(dispensation_id: int, reason: str, *, uow: UnitOfWork, operator: CurrentOperator,
                        now: datetime, fan_out: FanOut = FAN_OUT) -> tuple[OutboxRef, ...]:
    operator.require(Permission.PHARMACIST_ACT)
    said = _reason(reason)
    with uow:
        row = _cancellable(uow, dispensation_id, now)
        lines = uow.dispensations.lines_of([row.id]).get(row.id, [])
        _reopen_periods(uow, row, lines, now)
        row.cancelled_at, row.cancelled_by, row.cancel_reason = now, operator.code, said
        _ordonnancier(uow, row, operator, said, now)
        patient = uow.dispensations.patient(row.patient_id) if row.patient_id else None
        messages = fan_out.cancelled(uow, DispensationAct(row, tuple(lines), patient, operator, now), said)
        audit(uow, Actor(operator.code, operator.workstation), action="write", object_type="dispensation",
              object_id=str(row.id), detail=f"annulation patient={row.patient_id or '-'}", now=now)
        uow.commit()
    return tuple(OutboxRef(m.kind, m.idempotency_key, m.label) for m in messages)


def _reason(reason: str) -> str:
    said = reason.strip()
    if not said:
        raise FieldErrors({"reason": "Donnez la raison de l'annulation."})
    if len(said) > bounds.SHORT_TEXT_MAX:
        raise FieldErrors({"reason": f"Texte trop long : {bounds.SHORT_TEXT_MAX} caractères au plus."})
    return said


def _cancellable(uow: UnitOfWork, dispensation_id: int, now: datetime) -> Dispensation:
    row = uow.dispensations.locked(dispensation_id)
    if row is None:
        raise NotFound(f"Aucune délivrance n° {dispensation_id}.")
    if row.cancelled_at is not None:
        raise Conflict(f"Délivrance n° {dispensation_id} déjà annulée.")
    day = local_day(row.dispensed_at)
    if day != local_day(now):
        raise RuleViolation(f"Délivrance du {day:%d/%m/%Y} : seule une délivrance du jour peut être annulée. "
                            "Corrigez-la par une nouvelle délivrance.")
    return row


def _reopen_periods(uow: UnitOfWork, row: Dispensation, lines: list[DispensedLine], now: datetime) -> None:
    """The ON periods this dispensation claimed give back its boxes and open again."""
    if not row.prescription_id:
        return
    for line in lines:
        if line.prescription_line is None:
            continue
        period = uow.eprescriptions.locked_period(row.prescription_id, line.prescription_line, row.renewal or 0)
        if period is not None:
            period.boxes, period.closed, period.updated_at = max(period.boxes - line.boxes, 0), False, now


def _ordonnancier(uow: UnitOfWork, row: Dispensation, operator: CurrentOperator, reason: str, now: datetime) -> None:
    """The ordonnancier keeps its entries: a cancellation adds one cancelling entry per registered line."""
    record_cancellation(uow, row.id, operator_code=operator.code, reason=reason, now=now)
