"""The composition root: settings, database, caches. Built once by the web app or the CLI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from comptoir.domain.audit import AuditKeys
from comptoir.services.analysis.reference import AnalysisReferenceCache
from comptoir.services.refdata.drugs import DrugIndexCache
from comptoir.settings import Settings
from comptoir.store import migrate
from comptoir.store.db import make_engine, make_session_factory
from comptoir.store.unit_of_work import SqlUnitOfWork

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock = utc_now
    drug_index: DrugIndexCache = field(default_factory=DrugIndexCache)
    analysis_reference: AnalysisReferenceCache = field(init=False)
    audit_keys: AuditKeys = field(init=False)
    """Built once from the settings' secrets: the current key seals, all of them verify."""

    def __post_init__(self) -> None:
        self.analysis_reference = AnalysisReferenceCache(self.drug_index)
        self.audit_keys = AuditKeys.from_secrets(self.settings.audit_keys)
        # A unit of work built straight on this factory (devtools, tests) finds the keys in `Session.info`.
        self.session_factory.configure(info={"audit_keys": self.audit_keys})

    @property
    def audit_checkpoint_files(self) -> list[Path]:
        """Where the signed checkpoints of the audit trail are appended (the copy too, if set)."""
        copy = self.settings.audit_checkpoints_copy
        return [self.settings.audit_checkpoints, *([copy] if copy is not None else [])]

    def unit_of_work(self) -> SqlUnitOfWork:
        """A new unit of work on the pharmacy's database; its caller closes it."""
        return SqlUnitOfWork(self.session_factory, self.audit_keys)


def open_runtime(settings: Settings, *, clock: Clock = utc_now) -> Runtime:
    """Connect and bring the schema up to date (Alembic builds every database)."""
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    return Runtime(settings=settings, engine=engine, session_factory=make_session_factory(engine), clock=clock,
                   drug_index=DrugIndexCache(settings.var_dir / "cache"))
