"""The NMVS's place in the dispensation's fan-out (services/dispensing/fanout.py): at validation, every pack
scanned (its DataMatrix: product code and serial) is decommissioned as supplied; at the same-day cancellation,
each is put back (undo, within the system's 10 days, SPEC §9.4). One outbox message per pack, in the
validation's (or cancellation's) own unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from comptoir.services.nmvs.messages import enqueue_decommission, enqueue_undo
from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation, DispensedLine

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork
    from comptoir.store.outbox import OutboxMessage


class DispensationAct(Protocol):
    """What fanout.DispensationAct tells a handler, as far as the NMVS reads it (fanout imports this module)."""

    @property
    def dispensation(self) -> Dispensation: ...

    @property
    def lines(self) -> tuple[DispensedLine, ...]: ...

    @property
    def patient(self) -> m.Patient | None: ...

    @property
    def now(self) -> datetime: ...


class PackDecommissioning:
    name = "nmvs"

    def validated(self, uow: UnitOfWork, act: DispensationAct) -> list[OutboxMessage]:
        return [enqueue_decommission(uow, act.dispensation.id, pack, now=act.now,
                                     label=_label(act, drug, pack, "désactivation (délivrée)"))
                for drug, pack in _packs(act)]

    def cancelled(self, uow: UnitOfWork, act: DispensationAct, reason: str) -> list[OutboxMessage]:
        return [enqueue_undo(uow, act.dispensation.id, pack, now=act.now,
                             label=_label(act, drug, pack, "remise en stock (annulation de la délivrance)"))
                for drug, pack in _packs(act)]


def _packs(act: DispensationAct) -> Iterator[tuple[str, dict[str, Any]]]:
    for line in act.lines:
        for pack in line.packs or []:
            if pack.get("cip13") and pack.get("serial"):
                yield line.drug, pack


def _label(act: DispensationAct, drug: str, pack: dict[str, Any], what: str) -> str:
    patient = act.patient
    who = f"{patient.last_name} {patient.first_name}" if patient else "vente"
    return f"NMVS — {drug} n° de série {pack['serial']} — {who} — {what}"
