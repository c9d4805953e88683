"""The fan-out of a dispensation to the national services: every write goes through the outbox, in the
validation's own transaction (DESIGN.md), one handler per service.

A handler enqueues its message(s) when a dispensation is validated, and the compensating message(s) when it is
cancelled the same day. Today: the ON execution (and its cancellation, SPEC §4.4 "annuler une exécution").
Each later issue adds one handler and registers it — the DP line, the DMP document, the pack decommissioning
(NMVS, SPEC §9.4) — without touching the validation:

    class DpFeed:
        name = "dp"
        def validated(self, uow, act): return [enqueue(uow, kind="dp.ligne", ...)]
        def cancelled(self, uow, act, reason): return [enqueue(uow, kind="dp.annulation", ...)]

    FAN_OUT.register(DpFeed())
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from comptoir.domain.eprescription import prescription as rx
from comptoir.services.dmp.feed import DmpFeed
from comptoir.services.dp.feed import DpFeed
from comptoir.services.eprescription.dispense import previous_execution
from comptoir.services.eprescription.messages import enqueue_cancellation, enqueue_execution
from comptoir.services.eprescription.scan import pharmacy_of, rpps_of
from comptoir.services.nmvs.decommissioning import PackDecommissioning
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation, DispensedLine
from comptoir.store.outbox import OutboxMessage

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class DispensationAct:
    """What a handler is told: the dispensation written (or cancelled), its lines, its patient, who, when."""

    dispensation: Dispensation
    lines: tuple[DispensedLine, ...]
    patient: m.Patient | None
    operator: CurrentOperator
    now: datetime


class Handler(Protocol):
    name: str

    def validated(self, uow: UnitOfWork, act: DispensationAct) -> list[OutboxMessage]: ...

    def cancelled(self, uow: UnitOfWork, act: DispensationAct, reason: str) -> list[OutboxMessage]: ...


class FanOut:
    """The registry: every handler, called in order, inside the caller's unit of work."""

    def __init__(self, handlers: Iterable[Handler] = ()) -> None:
        self._handlers: dict[str, Handler] = {}
        for handler in handlers:
            self.register(handler)

    def register(self, handler: Handler) -> None:
        """Adds a handler; one of the same name is replaced."""
        self._handlers[handler.name] = handler

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._handlers)

    def validated(self, uow: UnitOfWork, act: DispensationAct) -> list[OutboxMessage]:
        return [message for handler in self._handlers.values() for message in handler.validated(uow, act)]

    def cancelled(self, uow: UnitOfWork, act: DispensationAct, reason: str) -> list[OutboxMessage]:
        return [message for handler in self._handlers.values() for message in handler.cancelled(uow, act, reason)]


class OnExecution:
    """The ON base: the execution of the lines delivered (SPEC §4.6), its cancellation the same day."""

    name = "ordonnance_numerique"

    def validated(self, uow: UnitOfWork, act: DispensationAct) -> list[OutboxMessage]:
        row = act.dispensation
        delivered = [line for line in act.lines if line.prescription_line is not None]
        if not row.prescription_id or not row.execution_key or not delivered:
            return []
        execution = _execution(uow, act, delivered)
        return [enqueue_execution(uow, row.prescription_id, execution, after=previous_execution(uow, row),
                                  label=_label(act, f"{len(delivered)} ligne(s)"))]

    def cancelled(self, uow: UnitOfWork, act: DispensationAct, reason: str) -> list[OutboxMessage]:
        row = act.dispensation
        if not row.prescription_id or not row.execution_key:
            return []
        return [enqueue_cancellation(uow, row.prescription_id, row.execution_key, reason=reason, now=act.now,
                                     label=_label(act, "annulation de la délivrance"))]


def _label(act: DispensationAct, what: str) -> str:
    patient = act.patient
    who = f"{patient.last_name} {patient.first_name}" if patient else "patient"
    return f"Ordonnance {act.dispensation.prescription_id} — {who} — {what}"


def _execution(uow: UnitOfWork, act: DispensationAct, delivered: list[DispensedLine]) -> rx.Execution:
    pharmacy = pharmacy_of(uow)
    row = act.dispensation
    lines = tuple(rx.DeliveredLine(
        line_number=line.prescription_line or 0, label=line.drug, quantity=line.boxes, cip13=line.cip13,
        partial=line.partial, substitution=line.substitution, posology=line.posology,
        intervention=rx.Intervention(line.intervention["problem"], line.intervention["intervention"],
                                     line.intervention.get("outcome"), line.intervention.get("comment", ""))
        if line.intervention else None) for line in delivered)
    return rx.Execution(key=row.execution_key or "", at=act.now, renewal=row.renewal or 0,
                        pharmacy_finess=pharmacy.finess, pharmacy_name=pharmacy.name,
                        pharmacist_rpps=rpps_of(uow, act.operator) or "", lines=lines)


FAN_OUT = FanOut([OnExecution(), DpFeed(), DmpFeed()])
FAN_OUT.register(PackDecommissioning())
"""The handlers of this deployment; each issue's handler registers here."""
