"""What a use case needs from storage: the repositories of one transaction, and its commit.

`store.unit_of_work.SqlUnitOfWork` is the real one; `tests/fakes` holds an in-memory one so that
the rules of a use case are tested without a database.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from comptoir.domain.audit import AuditKeys
from comptoir.store.asafo import AsafoRepository
from comptoir.store.counter import BasketRepository
from comptoir.store.dispensing import DispensationRepository
from comptoir.store.documents import DocumentRepository
from comptoir.store.dp import DpRepository
from comptoir.store.eprescription import EPrescriptionRepository, PrescriberRepository
from comptoir.store.identity import IdentitovigilanceRepository, PatientRepository
from comptoir.store.outbox import OutboxRepository
from comptoir.store.platform import AuditRepository, OperatorRepository
from comptoir.store.refdata import ReferenceRepository
from comptoir.store.registers import RegisterRepository
from comptoir.store.sharing import SharingRepository
from comptoir.store.vaccination import VaccinationRepository


class UnitOfWork(Protocol):
    audit_keys: AuditKeys | None
    audit: AuditRepository
    operators: OperatorRepository
    patients: PatientRepository
    identitovigilance: IdentitovigilanceRepository
    dispensations: DispensationRepository
    baskets: BasketRepository
    eprescriptions: EPrescriptionRepository
    prescribers: PrescriberRepository
    outbox: OutboxRepository
    reference: ReferenceRepository
    registers: RegisterRepository
    documents: DocumentRepository
    sharing: SharingRepository
    vaccinations: VaccinationRepository
    dp: DpRepository
    asafo: AsafoRepository

    def __enter__(self) -> Self: ...

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def close(self) -> None: ...
