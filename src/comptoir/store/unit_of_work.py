"""The unit of work over SQLAlchemy: one transaction, the repositories that share it, one commit.

A use case runs `with uow:` and calls `uow.commit()` once at the end; leaving the block without
committing rolls back what was written, so a refusal changes nothing (a block that wrote nothing just
ends its transaction). The session stays open after the block (until
`close()`, which the web request and the CLI do at their end) so that a page can still read the
rows a use case returned.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

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


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], audit_keys: AuditKeys | None = None) -> None:
        self._session_factory = session_factory
        self.audit_keys = audit_keys
        """The keys that seal the audit trail (None: this unit of work may not write to it)."""
        self._session: Session | None = None
        self._wrote = False

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = self._session_factory()
            if self.audit_keys is None:  # a factory the runtime configured carries them (`Session.info`)
                self.audit_keys = self._session.info.get("audit_keys")
            event.listen(self._session, "after_flush", self._mark_written)
            self._attach(self._session)
        return self._session

    def _mark_written(self, *_: object) -> None:
        self._wrote = True

    def _attach(self, session: Session) -> None:
        self.audit = AuditRepository(session)
        self.operators = OperatorRepository(session)
        self.patients = PatientRepository(session)
        self.identitovigilance = IdentitovigilanceRepository(session)
        self.dispensations = DispensationRepository(session)
        self.baskets = BasketRepository(session)
        self.eprescriptions = EPrescriptionRepository(session)
        self.prescribers = PrescriberRepository(session)
        self.outbox = OutboxRepository(session)
        self.reference = ReferenceRepository(session)
        self.registers = RegisterRepository(session)
        self.documents = DocumentRepository(session)
        self.sharing = SharingRepository(session)
        self.vaccinations = VaccinationRepository(session)
        self.dp = DpRepository(session)
        self.asafo = AsafoRepository(session)

    def __enter__(self) -> Self:
        self.session  # noqa: B018 (opens the session and its repositories)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is None and self._session is not None and not self._wrote and not self._pending():
            # A block that only read: ending it by a commit (nothing to write) keeps the rows it read
            # loaded, where a rollback would expire them and each later attribute read would start a new
            # transaction (on SQLite, one that takes the write lock).
            self.commit()
        else:
            self.rollback()

    def _pending(self) -> bool:
        session = self.session
        return bool(session.new or session.dirty or session.deleted)

    def commit(self) -> None:
        self.session.commit()
        self._wrote = False

    def rollback(self) -> None:
        if self._session is not None:
            self._session.rollback()
        self._wrote = False

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None
