"""What the pharmacy knows of a prescription's people (SPEC §11.1: the reinforced check targets "an unknown patient
with an unknown prescriber", and an ON read from its base is authentic by construction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.store import models as m
from comptoir.store.counter import Basket
from comptoir.store.dispensing import HistoryLine

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Trust:
    prescriber_known: bool | None = None
    patient_known: bool | None = None
    authenticated: bool = False


UNSAID = Trust()


def trust_of(uow: UnitOfWork, basket: Basket, patient: m.Patient | None, history: list[HistoryLine],
             now: datetime) -> Trust:
    """A prescriber is known when this pharmacy delivered one of their prescriptions before; a patient when they
    have a history here (the last year's, as the analysis reads it); a prescription without an RPPS says nothing of
    its prescriber (the checklist of expensive medicines still asks to verify them). An ON basket holds a
    prescription the base gave (its QR code or its identifier read at the counter): authentic."""
    if basket.kind == "sans_ordonnance":
        return UNSAID
    rpps = (basket.prescriber_rpps or "").strip()
    return Trust(prescriber_known=uow.asafo.prescriber_known(rpps, before=now) if rpps else None,
                 patient_known=patient is not None and bool(history),
                 authenticated=basket.kind == "ordonnance_numerique" and bool(basket.prescription_id))
