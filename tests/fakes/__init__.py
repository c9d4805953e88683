"""In-memory repositories and unit of work: the rules of a use case tested without a database.

`FakeUnitOfWork` has the attributes of `services.platform.unit_of_work.UnitOfWork`; each capability's
fake repositories live in their own module here and are plugged in by `FakeUnitOfWork`.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from comptoir.domain.audit import AuditKeys
from tests.fakes.analysis import FakeDispensationRepository
from tests.fakes.asafo import FakeAsafoRepository
from tests.fakes.counter import FakeBasketRepository
from tests.fakes.dp import FakeDpRepository
from tests.fakes.eprescription import FakeEPrescriptionRepository, FakePrescriberRepository
from tests.fakes.identity import FakeIdentitovigilanceRepository, FakePatientRepository
from tests.fakes.platform import FakeAuditRepository, FakeOperatorRepository, FakeOutboxRepository
from tests.fakes.refdata import FakeReferenceRepository
from tests.fakes.registers import FakeDocumentRepository, FakeRegisterRepository
from tests.fakes.sharing import FakeSharingRepository

TEST_AUDIT_KEYS = AuditKeys.from_secrets(["secret-des-tests-du-journal-d-audit-0123456789"])


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.audit_keys: AuditKeys | None = TEST_AUDIT_KEYS
        self.audit = FakeAuditRepository()
        self.eprescriptions = FakeEPrescriptionRepository()
        self.prescribers = FakePrescriberRepository(self.eprescriptions.patients)
        self.dispensations = FakeDispensationRepository()
        self.baskets = FakeBasketRepository()
        self.reference = FakeReferenceRepository()
        self.patients = FakePatientRepository()
        self.identitovigilance = FakeIdentitovigilanceRepository()
        self.operators = FakeOperatorRepository()
        self.outbox = FakeOutboxRepository()
        self.registers = FakeRegisterRepository()
        self.documents = FakeDocumentRepository()
        self.sharing = FakeSharingRepository()
        self.dp = FakeDpRepository()
        self.asafo = FakeAsafoRepository(self.dispensations)
        self.committed = 0
        self.rolled_back = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.rollback()

    def commit(self) -> None:
        self.committed += 1

    def rollback(self) -> None:
        self.rolled_back += 1

    def close(self) -> None: ...
