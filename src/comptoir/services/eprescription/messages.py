"""The ON base's messages in the outbox: an execution sent at dispensing, its billing complement later
(the CNAM's "mode séquentiel", SPEC §15.2), its cancellation when the dispensation is cancelled the same day
(SPEC §4.4 "annuler une exécution"), and the worker that sends them through the base's port."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from comptoir.domain.eprescription.prescription import Execution
from comptoir.national.eprescription import mapping, wire
from comptoir.national.eprescription.client import EPrescriptionClient
from comptoir.national.eprescription.port import Billing, EPrescriptionBase
from comptoir.national.http import HttpPolicy
from comptoir.services.platform.outbox import Handler, enqueue
from comptoir.services.platform.runtime import Runtime
from comptoir.store.outbox import OutboxMessage

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

EXECUTION, BILLING, CANCELLATION = "on.execution", "on.facturation", "on.annulation"


def enqueue_execution(uow: UnitOfWork, prescription_id: str, execution: Execution, *, label: str,
                      after: str | None = None) -> OutboxMessage:
    """The execution to send; `after`, the key of the same ON's previous execution, is sent first."""
    payload = {"prescription_id": prescription_id,
               "execution": mapping.execution_wire(execution).model_dump(mode="json")}
    return enqueue(uow, kind=EXECUTION, key=execution.key, payload=payload, label=label, now=execution.at,
                   depends_on=after)


def enqueue_billing(uow: UnitOfWork, prescription_id: str, key: str, billing: Billing, *, label: str,
                    now: Any) -> OutboxMessage:
    payload = {"prescription_id": prescription_id, "key": key, "invoice": billing.invoice,
               "invoiced_on": billing.invoiced_on.isoformat(), "amounts": [list(a) for a in billing.amounts]}
    return enqueue(uow, kind=BILLING, key=f"{key}-facturation", payload=payload, label=label, now=now,
                   depends_on=key)


def enqueue_cancellation(uow: UnitOfWork, prescription_id: str, key: str, *, reason: str, label: str,
                         now: datetime) -> OutboxMessage:
    """The cancellation of the execution sent under `key`: always after it (the base must have it to cancel it)."""
    payload = {"prescription_id": prescription_id, "key": key, "reason": reason}
    return enqueue(uow, kind=CANCELLATION, key=f"{key}-annulation", payload=payload, label=label, now=now,
                   depends_on=key)


def handlers(base: EPrescriptionBase) -> dict[str, Handler]:
    def execute(payload: dict[str, Any]) -> dict[str, Any]:
        demand = wire.DemandeExecution.model_validate(payload["execution"])
        recorded = base.execute(payload["prescription_id"], mapping.execution(demand))
        return {"idExecution": recorded.execution_id, "statut": recorded.status, "dejaRecue": recorded.duplicate}

    def bill(payload: dict[str, Any]) -> dict[str, Any]:
        billing = Billing(payload["invoice"], date.fromisoformat(payload["invoiced_on"]),
                          tuple((int(n), float(a)) for n, a in payload["amounts"]))
        base.bill(payload["prescription_id"], payload["key"], billing)
        return {"facture": billing.invoice}

    def cancel(payload: dict[str, Any]) -> dict[str, Any]:
        cancelled = base.cancel_execution(payload["prescription_id"], payload["key"], reason=payload["reason"])
        return {"idExecution": cancelled.execution_id, "statut": cancelled.status, "dejaAnnulee": cancelled.duplicate}

    return {EXECUTION: execute, BILLING: bill, CANCELLATION: cancel}


def base_client(runtime: Runtime) -> EPrescriptionClient:
    settings = runtime.settings
    return EPrescriptionClient.at(settings.eprescription_url, HttpPolicy(timeout_s=settings.eprescription_timeout_s),
                                  token=settings.eprescription_token)


def senders(runtime: Runtime) -> dict[str, Handler]:
    """The ON base's kinds, sending to the base named by the settings (services/senders.py gathers them)."""
    return handlers(base_client(runtime))
