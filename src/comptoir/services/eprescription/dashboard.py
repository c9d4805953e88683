"""The pharmacy's ON dashboard (SPEC §15.2, "V2"): each ON consulted here with its status (consulted,
partly or fully delivered), whether each execution reached the base (transmitted, waiting, failed),
and the lines delivered in another pharmacy with their date. And the billing complement of the
"mode séquentiel", sent once the invoice batch is acknowledged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.domain.eprescription import prescription as rx
from comptoir.domain.operators import Permission
from comptoir.errors import Conflict
from comptoir.national.eprescription import mapping, wire
from comptoir.national.eprescription.port import Billing
from comptoir.services.eprescription import periods
from comptoir.services.eprescription.dispense import dispensation_of
from comptoir.services.eprescription.messages import enqueue_billing
from comptoir.services.eprescription.scan import pharmacy_of
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store.dispensing import Dispensation, DispensedLine
from comptoir.store.eprescription import PrescriptionRecord
from comptoir.store.outbox import OutboxMessage

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

TRANSMISSION = {"envoye": "transmise", "a_envoyer": "en attente d'envoi", "echec": "échec d'envoi"}


@dataclass(frozen=True, slots=True)
class HereDelivery:
    dispensation: Dispensation
    transmission: str
    billed: bool


@dataclass(frozen=True, slots=True)
class DashboardRow:
    record: PrescriptionRecord
    prescription: rx.Prescription
    status: str
    here: tuple[HereDelivery, ...]
    elsewhere: tuple[tuple[rx.Execution, rx.DeliveredLine], ...]


def dashboard(*, uow: UnitOfWork, operator: CurrentOperator, now: datetime, limit: int = 100) -> list[DashboardRow]:
    operator.require(Permission.READ_PATIENTS)
    with uow:
        ours = pharmacy_of(uow).finess
        rows = [_row(uow, record, ours, now) for record in uow.eprescriptions.recently_consulted(limit)]
        audit(uow, Actor(operator.code, operator.workstation), action="read", object_type="eprescription",
              object_id=f"{len(rows)} ordonnance(s)", detail="tableau de bord officine", now=now)
        uow.commit()
    return rows


def _row(uow: UnitOfWork, record: PrescriptionRecord, ours: str, now: datetime) -> DashboardRow:
    prescription = mapping.prescription(wire.Ordonnance.model_validate(record.snapshot))
    here = tuple(_here(uow, d) for d in uow.dispensations.of_prescription(record.prescription_id))
    elsewhere = tuple((e, d) for e in prescription.executions if e.pharmacy_finess != ours for d in e.lines)
    status = periods.status_here(uow, prescription, now.date())
    return DashboardRow(record, prescription, _status(status, here), here, elsewhere)


def _here(uow: UnitOfWork, dispensation: Dispensation) -> HereDelivery:
    keys = [dispensation.execution_key or "", f"{dispensation.execution_key}-facturation"]
    sent = uow.eprescriptions.outbox_statuses(keys)
    return HereDelivery(dispensation, TRANSMISSION.get(sent.get(keys[0], ""), "—"), keys[1] in sent)


def _status(status: rx.Status, here: tuple[HereDelivery, ...]) -> str:
    """From what is left to deliver, this pharmacy's deliveries not yet in the kept answer included."""
    if status in (rx.Status.EXECUTED, rx.Status.CANCELLED, rx.Status.EXPIRED):
        return status.label
    if here:
        return "Délivrée ici (partiellement ou en totalité)"
    return "Consultée" if status is rx.Status.ACTIVE else status.label


def send_billing(dispensation_id: int, *, uow: UnitOfWork, operator: CurrentOperator,
                 now: datetime) -> OutboxMessage:
    """After the invoice batch's acknowledgement (ARL): the billing data complete the execution already sent."""
    operator.require(Permission.PHARMACIST_ACT)
    with uow:
        dispensation = dispensation_of(uow, dispensation_id)
        key = dispensation.execution_key or ""
        if uow.eprescriptions.outbox_statuses([f"{key}-facturation"]):
            raise Conflict(f"Complément de facturation déjà envoyé pour la délivrance {dispensation_id}.")
        amounts = tuple((line.prescription_line or 0, _price(uow, line))
                        for line in uow.dispensations.lines_of([dispensation.id])[dispensation.id])
        billing = Billing(f"F{dispensation.id:08d}", now.date(), amounts)
        message = enqueue_billing(uow, dispensation.prescription_id or "", key, billing, now=now,
                                  label=f"Facturation de l'ordonnance {dispensation.prescription_id}")
        audit(uow, Actor(operator.code, operator.workstation), action="write", object_type="dispensation",
              object_id=str(dispensation.id), detail="complément de facturation", now=now)
        uow.commit()
    return message


def _price(uow: UnitOfWork, line: DispensedLine) -> float:
    pack = uow.eprescriptions.presentation(line.cip13) if line.cip13 else None
    return round(float(pack.price_eur or 0) * line.boxes, 2) if pack else 0.0
