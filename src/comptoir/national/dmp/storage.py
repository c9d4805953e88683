"""The DMP emulator's own SQLite storage (never the pharmacy's): the registry and repository of documents, the
patients' choices (closed DMP, blocked professionals), the access journal, and the tokens it accepts."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Integer, LargeBinary, String, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from comptoir.national.credentials import Caller, Credential, Profession, digest
from comptoir.national.dmp.port import Reader


class _Base(DeclarativeBase):
    pass


class StoredDocument(_Base):
    """Registry entry (its `Fiche`) and repository content of one document."""

    __tablename__ = "dmp_document"
    unique_id: Mapped[str] = mapped_column(String(256), primary_key=True)
    ins: Mapped[str] = mapped_column(String(15), index=True)
    set_id: Mapped[str] = mapped_column(String(256), index=True)
    status: Mapped[str] = mapped_column(String(12))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    entry: Mapped[dict[str, Any]] = mapped_column(JSON)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class PatientChoice(_Base):
    """A patient who closed his DMP (Mon espace santé)."""

    __tablename__ = "dmp_patient"
    ins: Mapped[str] = mapped_column(String(15), primary_key=True)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)


class Blocked(_Base):
    """A professional (RPPS) or a structure the patient keeps out of his DMP."""

    __tablename__ = "dmp_blocage"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ins: Mapped[str] = mapped_column(String(15), index=True)
    who: Mapped[str] = mapped_column(String(20))


class Access(_Base):
    """Every access to a patient's DMP, refused ones included: Mon espace santé shows the patient who read it."""

    __tablename__ = "dmp_acces"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ins: Mapped[str] = mapped_column(String(15), index=True)
    who: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(20))
    unique_id: Mapped[str] = mapped_column(String(256), default="")
    outcome: Mapped[str] = mapped_column(String(20))


class StoredCredential(_Base):
    """A professional's token (its digest only) and who presents it."""

    __tablename__ = "dmp_habilitation"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    structure: Mapped[str] = mapped_column(String(20))
    rpps: Mapped[str] = mapped_column(String(11))
    profession: Mapped[str] = mapped_column(String(20))


class StoredPatientCredential(_Base):
    """A Mon espace santé account's token: the patient himself, or one of his legal representatives."""

    __tablename__ = "dmp_habilitation_patient"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    ins: Mapped[str] = mapped_column(String(15))
    reader: Mapped[str] = mapped_column(String(20))


@dataclass(frozen=True, slots=True)
class PatientCredential:
    """A token of Mon espace santé, for the patient `ins` as `reader` (the patient, or a legal representative).
    [U] It stands for the patient's own login (FranceConnect, a code by SMS), which is not emulated."""

    token: str
    ins: str
    reader: Reader = Reader.PATIENT


@dataclass(frozen=True, slots=True)
class Holder:
    """An authenticated account of Mon espace santé."""

    ins: str
    reader: Reader


class Store:
    """Opened on first use; writes are serialised (one lock in the process, BEGIN IMMEDIATE across)."""

    def __init__(self, database: Path, credentials: Sequence[Credential] = (),
                 patients: Sequence[PatientCredential] = ()) -> None:
        self.database, self.credentials, self.patients = database, tuple(credentials), tuple(patients)
        self._lock, self.write_lock = threading.Lock(), threading.Lock()
        self._factory: sessionmaker[Session] | None = None

    def _get(self) -> sessionmaker[Session]:
        with self._lock:
            if self._factory is None:
                self._factory = _open(self.database)
                with self.write_lock, self._factory.begin() as session:
                    self._provision(session)
            return self._factory

    def _provision(self, session: Session) -> None:
        for c in self.credentials:
            session.merge(StoredCredential(digest=digest(c.token), structure=c.structure, rpps=c.rpps,
                                           profession=c.profession.value))
        for p in self.patients:
            session.merge(StoredPatientCredential(digest=digest(p.token), ins=p.ins, reader=p.reader.value))

    def caller(self, token_digest: str) -> Caller | None:
        with self.reading() as session:
            row = session.get(StoredCredential, token_digest)
        return Caller(row.structure, row.rpps, Profession(row.profession)) if row else None

    def holder(self, token_digest: str) -> Holder | None:
        with self.reading() as session:
            row = session.get(StoredPatientCredential, token_digest)
        return Holder(row.ins, Reader(row.reader)) if row else None

    @contextmanager
    def writing(self) -> Iterator[Session]:
        with self.write_lock, self._get().begin() as session:
            yield session

    def reading(self) -> Session:
        return self._get()()


def _open(database: Path) -> sessionmaker[Session]:
    database.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{database}", connect_args={"check_same_thread": False, "timeout": 30})
    event.listen(engine, "connect", _autocommit_off)
    event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
    _Base.metadata.create_all(engine)
    return sessionmaker(engine, expire_on_commit=False)


def _autocommit_off(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
