"""The NMVS's messages in the outbox: every pack of a validated dispensation decommissioned as supplied, and put
back (undo) when the dispensation is cancelled (SPEC §9.4), one message per pack.

The idempotency key names the pack and the dispensation; it is also the NMVS transaction id, so a message sent
twice (a worker killed after sending, before recording) is done once by the system. The same pack in two
dispensations (two counters) is refused at the second validation (store/dispensing.DispensedPack's unique key,
services/dispensing/validate.py); a pack the system still refuses (NMVS_NC_PCK_19 "already set", _22 "already
inactive") fails for good and waits in the outbox's failures for a pharmacist. An undo waits for its
decommission to be sent.

The decommission is also the verification a pack scanned while the system was down still owes: the system
checks the pack's data and state before any change (national/nmvs/emulator.py).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from comptoir.national.http import HttpPolicy
from comptoir.national.nmvs.client import NmvsClient
from comptoir.national.nmvs.port import Change, MedicinesVerification, PackId, PackState
from comptoir.services.platform.outbox import Handler, enqueue
from comptoir.services.platform.runtime import Runtime
from comptoir.settings import Settings
from comptoir.store.outbox import OutboxMessage

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

DECOMMISSION, UNDO = "nmvs.decommission", "nmvs.undo"


def decommission_key(dispensation_id: int, pack: dict[str, Any]) -> str:
    return f"nmvs-{dispensation_id}-{pack.get('cip13')}-{pack.get('serial')}"


def payload_of(pack: dict[str, Any], key: str) -> dict[str, Any]:
    return {"gtin": "0" + str(pack["cip13"]), "serial": pack["serial"], "lot": pack.get("lot"),
            "expiry": pack.get("expiry"), "transaction": key}


def enqueue_decommission(uow: UnitOfWork, dispensation_id: int, pack: dict[str, Any], *, label: str,
                         now: datetime) -> OutboxMessage:
    key = decommission_key(dispensation_id, pack)
    return enqueue(uow, kind=DECOMMISSION, key=key, payload=payload_of(pack, key), label=label, now=now)


def enqueue_vaccine_decommission(uow: UnitOfWork, vaccination_id: int, pack: dict[str, Any], *, label: str,
                                 now: datetime) -> OutboxMessage:
    """The vaccine injected at the pharmacy: its pack decommissioned as supplied, like a dispensation's."""
    key = f"nmvs-vaccination-{vaccination_id}-{pack.get('cip13')}-{pack.get('serial')}"
    return enqueue(uow, kind=DECOMMISSION, key=key, payload=payload_of(pack, key), label=label, now=now)


def enqueue_undo(uow: UnitOfWork, dispensation_id: int, pack: dict[str, Any], *, label: str,
                 now: datetime) -> OutboxMessage:
    """After its decommission: the system must have it to undo it."""
    done = decommission_key(dispensation_id, pack)
    key = f"{done}-annulation"
    return enqueue(uow, kind=UNDO, key=key, payload=payload_of(pack, key), label=label, now=now, depends_on=done)


def pack_of(payload: dict[str, Any]) -> PackId:
    expiry = payload.get("expiry")
    return PackId(payload["gtin"], payload["serial"], payload.get("lot"),
                  date.fromisoformat(expiry) if expiry else None)


def handlers(system: MedicinesVerification) -> dict[str, Handler]:
    def decommission(payload: dict[str, Any]) -> dict[str, Any]:
        return _acknowledgement(system.decommission(pack_of(payload), state=PackState.SUPPLIED,
                                                    transaction=payload["transaction"]))

    def undo(payload: dict[str, Any]) -> dict[str, Any]:
        return _acknowledgement(system.undo(pack_of(payload), state=PackState.SUPPLIED,
                                            transaction=payload["transaction"]))

    return {DECOMMISSION: decommission, UNDO: undo}


def _acknowledgement(change: Change) -> dict[str, Any]:
    return {"etat": change.state.value, "idTransaction": change.transaction, "dejaTraitee": change.duplicate}


def nmvs_client(settings: Settings) -> NmvsClient:
    """The pharmacy's client of the system named by the settings (its token: the pharmacy's FINESS)."""
    return NmvsClient.at(settings.nmvs_url, HttpPolicy(timeout_s=settings.nmvs_timeout_s), token=settings.nmvs_token)


def senders(runtime: Runtime) -> dict[str, Handler]:
    """The NMVS's kinds (services/senders.py gathers them)."""
    return handlers(nmvs_client(runtime.settings))
