"""A record's identity as the counter shows it: the record, its INS panel, the INSi answer awaiting
confirmation, and the history of its identity (newest first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.domain.operators import Permission
from comptoir.services.identity.patient_identity import IdentityPanel, panel
from comptoir.services.identity.patients import read
from comptoir.services.identity.qualify_identity import InsiProposal, pending_proposal
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class IdentitySheet:
    patient: m.Patient
    panel: IdentityPanel
    proposal: InsiProposal | None
    events: list[m.IdentityEvent]


def read_identity(patient_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> IdentitySheet:
    """The sheet of a record, with the INSi answer still to confirm; the reading is audited."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        patient = read(uow, operator, patient_id, now=now)
        sheet = _sheet(uow, patient, pending_proposal(uow, patient, now=now), now)
        uow.commit()
    return sheet


def sheet_after_change(patient_id: int, *, proposal: InsiProposal | None, uow: UnitOfWork,
                       now: datetime) -> IdentitySheet:
    """The sheet shown after an action on the record (the action wrote its own audit entry)."""
    with uow:
        patient = uow.patients.one(patient_id)
        sheet = _sheet(uow, patient, proposal, now)
        uow.commit()
    return sheet


def _sheet(uow: UnitOfWork, patient: m.Patient, proposal: InsiProposal | None, now: datetime) -> IdentitySheet:
    return IdentitySheet(patient, panel(patient, today=now.date()), proposal, uow.patients.history_of(patient.id))
