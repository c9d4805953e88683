"""What the services ask of the ON base, in our words (SPEC §4.4). The values are domain.eprescription's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from comptoir.domain.eprescription.prescription import Draft, Execution, PatientTraits, Prescription


@dataclass(frozen=True, slots=True)
class Created:
    prescription_id: str
    valid_until: date


@dataclass(frozen=True, slots=True)
class Recorded:
    execution_id: str
    status: str
    duplicate: bool
    """True when the base had already recorded this idempotency key (nothing recorded twice)."""


@dataclass(frozen=True, slots=True)
class PrescriberView:
    consent: bool
    status: str
    executions: tuple[Execution, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    prescription_id: str
    status: str
    issued_on: date
    patient: PatientTraits
    consultations: int
    executions: int


@dataclass(frozen=True, slots=True)
class Billing:
    invoice: str
    invoiced_on: date
    amounts: tuple[tuple[int, float], ...]
    """(line number, amount in euros)."""


class EPrescriptionBase(Protocol):
    def create(self, draft: Draft) -> Created: ...

    def consult(self, prescription_id: str, *, rpps: str, finess: str) -> Prescription: ...

    def execute(self, prescription_id: str, execution: Execution) -> Recorded: ...

    def bill(self, prescription_id: str, key: str, billing: Billing) -> None: ...

    def cancel_execution(self, prescription_id: str, key: str, *, reason: str) -> Recorded:
        """Annuler une exécution (SPEC §4.4): the execution sent under `key` is withdrawn, its periods reopen;
        `duplicate` when it was already cancelled."""
        ...

    def prescriber_view(self, prescription_id: str, *, rpps: str) -> PrescriberView: ...

    def by_prescriber(self, rpps: str) -> list[Summary]: ...

    def cancel(self, prescription_id: str, *, rpps: str) -> Prescription: ...
