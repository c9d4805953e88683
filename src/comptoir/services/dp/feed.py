"""The DP's handler of the dispensation fan-out (services/dispensing/fanout.py): a validated dispensation feeds
the patient's DP (one `dp.lignes` message with its lines), a cancelled one withdraws them (`dp.annulation`).

Only for a patient whose DP the pharmacy knows open (or whose opening waits in the outbox), and who has a NIR
to name it by; a patient without a DP, or whose DP is closed, feeds nothing. Lines without a CIP13 (a product
typed by hand) are not sent: the DP records presentations.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from comptoir.national.dp.port import Category, FedLine, Feed
from comptoir.national.dp.wire import LABEL_MAX
from comptoir.services.dp import messages
from comptoir.services.dp.category import category_of
from comptoir.services.dp.record import FEEDING, beneficiary_of
from comptoir.services.eprescription.scan import pharmacy_of
from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation, DispensedLine
from comptoir.store.outbox import OutboxMessage

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


class DispensationAct(Protocol):
    """What the fan-out tells a handler (services/dispensing/fanout.DispensationAct), as this handler reads it."""

    @property
    def dispensation(self) -> Dispensation: ...
    @property
    def lines(self) -> tuple[DispensedLine, ...]: ...
    @property
    def patient(self) -> m.Patient | None: ...
    @property
    def now(self) -> datetime: ...


class DpFeed:
    name = "dp"

    def validated(self, uow: UnitOfWork, act: DispensationAct) -> list[OutboxMessage]:
        beneficiary = beneficiary_of(act.patient)
        record = uow.dp.get(act.patient.id) if act.patient else None
        lines = tuple(self._line(uow, line) for line in act.lines if line.cip13)
        if beneficiary is None or record is None or record.status not in FEEDING or not lines:
            return []
        pharmacy = pharmacy_of(uow)
        feed = Feed(messages.dispensation_key(act.dispensation), act.now.date(), pharmacy.finess, pharmacy.name, lines)
        after = record.opening_key if record.status == "a_ouvrir" else None
        return [messages.enqueue_feed(uow, beneficiary, feed, label=_label(act, f"{len(lines)} ligne(s)"),
                                      now=act.now, after=after)]

    def cancelled(self, uow: UnitOfWork, act: DispensationAct, reason: str) -> list[OutboxMessage]:
        beneficiary = beneficiary_of(act.patient)
        key = messages.dispensation_key(act.dispensation)
        if beneficiary is None or not uow.dp.message_exists(messages.feed_key(key)):
            return []
        return [messages.enqueue_about_dispensation(uow, messages.CANCELLATION, beneficiary, key, now=act.now,
                                                    label=_label(act, "retrait de la délivrance annulée"))]

    @staticmethod
    def _line(uow: UnitOfWork, line: DispensedLine) -> FedLine:
        specialty = uow.reference.specialty(line.cis) if line.cis else None
        return FedLine(line.position + 1, line.cip13 or "", line.drug[:LABEL_MAX], min(max(line.boxes, 1), 999),
                       category_of(specialty.atc_code if specialty else None))


def feed_vaccination(uow: UnitOfWork, patient: m.Patient, vaccination_id: int, cip13: str, name: str, *,
                     now: datetime) -> OutboxMessage | None:
    """The vaccine injected here, as one line of category « vaccin » (kept 21 years, SPEC §6) in the patient's DP,
    when the pharmacy knows it open (or its opening waiting); None otherwise."""
    beneficiary = beneficiary_of(patient)
    record = uow.dp.get(patient.id)
    if beneficiary is None or record is None or record.status not in FEEDING:
        return None
    pharmacy = pharmacy_of(uow)
    feed = Feed(f"vaccination-{vaccination_id}", now.date(), pharmacy.finess, pharmacy.name,
                (FedLine(1, cip13, name[:LABEL_MAX], 1, Category.VACCINE),))
    after = record.opening_key if record.status == "a_ouvrir" else None
    return messages.enqueue_feed(uow, beneficiary, feed, now=now, after=after,
                                 label=f"DP — {patient.last_name} {patient.first_name} — vaccination n° "
                                       f"{vaccination_id} — {name[:60]}")


def _label(act: DispensationAct, what: str) -> str:
    patient = act.patient
    who = f"{patient.last_name} {patient.first_name}" if patient else "patient"
    return f"DP — {who} — délivrance n° {act.dispensation.id} — {what}"
