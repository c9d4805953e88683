"""A local ON base (base ordonnance numérique): the contract of wire.py, its own SQLite storage.

Rules it applies (SPEC §4, §15.2): the prescriber is identified by RPPS and N° AM (or FINESS); the base
gives the unique prescription id (18 characters: creation time to the second + 4 digits, the shape of
the CNAM example [U]); nothing is edited after creation (PUT answers 409); a consultation is counted;
executions are recorded per line and per period (initial delivery, renewal n), partial ones leave the
period open, a closed period answers 409 "déjà délivrée"; the same execution sent twice (same
`cleIdempotence`) is recorded once and answered the same; the billing complement comes later
("mode séquentiel"); the prescriber sees executions only with the patient's consent; validity and
statuses as in domain/eprescription/prescription.py.

Scenarios: a patient named PANNE makes creation fail with HTTP 503, LENTEUR answers after `slow_s`.
[U] Authentication (CPS, e-CPS) is not emulated. Its database is never the pharmacy's.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from sqlalchemy import JSON, Boolean, DateTime, Integer, String, create_engine, event, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from comptoir.domain.eprescription import prescription as rx
from comptoir.errors import Conflict, RuleViolation
from comptoir.national.eprescription import mapping, wire
from comptoir.national.refusals import answer_refusals

SLOW_S = 20.0
SCENARIOS = {"PANNE": "panne", "LENTEUR": "lenteur"}
Clock = Callable[[], datetime]


class _Base(DeclarativeBase):
    pass


class StoredPrescription(_Base):
    __tablename__ = "on_ordonnance"
    id: Mapped[str] = mapped_column(String(18), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    prescriber_rpps: Mapped[str] = mapped_column(String(11), index=True)
    patient_key: Mapped[str] = mapped_column(String(200), index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    valid_until: Mapped[str] = mapped_column(String(10))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    consultations: Mapped[int] = mapped_column(Integer, default=0)


class StoredExecution(_Base):
    __tablename__ = "on_execution"
    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    prescription_id: Mapped[str] = mapped_column(String(18), index=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    billing: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Call(_Base):
    """The emulator's journal: every call, duplicates included (the crash test reads it)."""

    __tablename__ = "on_appel"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    operation: Mapped[str] = mapped_column(String(20))
    prescription_id: Mapped[str] = mapped_column(String(18), default="")
    outcome: Mapped[str] = mapped_column(String(40))


class _Store:
    """Opened on first use; writes are serialised (one lock in the process, BEGIN IMMEDIATE across)."""

    def __init__(self, database: Path) -> None:
        self.database, self._lock, self.write_lock = database, threading.Lock(), threading.Lock()
        self._factory: sessionmaker[Session] | None = None

    def _get(self) -> sessionmaker[Session]:
        with self._lock:
            if self._factory is None:
                self._factory = _open(self.database)
            return self._factory

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


def patient_key(last_name: str, first_name: str, birth_date: object) -> str:
    return f"{last_name.strip().upper()}|{first_name.strip().upper()}|{birth_date}"


def new_id(now: datetime) -> str:
    return now.strftime("%Y%m%d%H%M%S") + f"{secrets.randbelow(10_000):04d}"


def _ordonnance(row: StoredPrescription, executions: list[StoredExecution], today: Any) -> wire.Ordonnance:
    demand = wire.DemandeCreation.model_validate(row.document)
    done = [wire.Execution(**e.document, idExecution=e.id, facturee=e.billing is not None) for e in executions]
    body = wire.Ordonnance(idPrescription=row.id, statut="", datePrescription=demand.datePrescription,
                           finValidite=date.fromisoformat(row.valid_until), prescripteur=demand.prescripteur,
                           patient=demand.patient,
                           lignes=demand.lignes, consentement=demand.consentement, securisee=demand.securisee,
                           annulee=row.cancelled, consultations=row.consultations, executions=done)
    body.statut = mapping.prescription(body).status(today).value
    return body


class Base:
    """The base's operations over its store; the routes below only translate errors to HTTP."""

    def __init__(self, store: _Store, clock: Clock) -> None:
        self.store, self.clock = store, clock

    def create(self, demand: wire.DemandeCreation) -> wire.ReponseCreation:
        lines = tuple(mapping.line(x) for x in demand.lignes)
        until = rx.validity_end(demand.datePrescription, lines).isoformat()
        now = self.clock()
        with self.store.writing() as session:
            ident = new_id(now)
            while session.get(StoredPrescription, ident) is not None:
                ident = new_id(now)
            session.add(StoredPrescription(
                id=ident, created_at=now, prescriber_rpps=demand.prescripteur.rpps, valid_until=until,
                patient_key=patient_key(demand.patient.nom, demand.patient.prenom, demand.patient.dateNaissance),
                document=demand.model_dump(mode="json")))
            _journal(session, now, "creation", ident, "201")
        return wire.ReponseCreation(idPrescription=ident, statut=rx.Status.ACTIVE.value,
                                    finValidite=date.fromisoformat(until))

    def load(self, session: Session, ident: str) -> wire.Ordonnance:
        row = session.get(StoredPrescription, ident.upper())
        if row is None:
            raise HTTPException(404, f"Ordonnance numérique inconnue : {ident} (identifiant erroné ou falsifié).")
        executions = list(session.scalars(select(StoredExecution).where(StoredExecution.prescription_id == row.id)
                                          .order_by(StoredExecution.received_at)))
        return _ordonnance(row, executions, self.clock().date())

    def consult(self, ident: str) -> wire.Ordonnance:
        with self.store.writing() as session:
            row = session.get(StoredPrescription, ident.upper())
            if row is not None:
                row.consultations += 1
            _journal(session, self.clock(), "consultation", ident[:18], "200" if row else "404")
        with self.store.reading() as session:
            return self.load(session, ident)

    def execute(self, ident: str, demand: wire.DemandeExecution) -> wire.ReponseExecution:
        now = self.clock()
        with self.store.writing() as session:
            known = session.scalar(select(StoredExecution).where(StoredExecution.key == demand.cleIdempotence))
            if known is not None:
                _journal(session, now, "execution", ident, "doublon")
                return wire.ReponseExecution(idExecution=known.id, statut=self.load(session, ident).statut,
                                             dejaRecue=True)
            self._check(self.load(session, ident), demand)
            row = StoredExecution(id=f"EX{now:%Y%m%d%H%M%S}{secrets.token_hex(3).upper()}", prescription_id=ident,
                                  key=demand.cleIdempotence, received_at=now, document=demand.model_dump(mode="json"))
            session.add(row)
            session.flush()
            _journal(session, now, "execution", ident, "201")
            return wire.ReponseExecution(idExecution=row.id, statut=self.load(session, ident).statut, dejaRecue=False)

    def _check(self, current: wire.Ordonnance, demand: wire.DemandeExecution) -> None:
        prescription = mapping.prescription(current)
        try:
            for line in demand.lignes:
                rx.check_deliverable(prescription, line.numeroLigne, demand.numeroRenouvellement,
                                     today=self.clock().date())
        except Conflict as exc:
            raise HTTPException(409, str(exc)) from exc
        except RuleViolation as exc:
            raise HTTPException(422, str(exc)) from exc

    def bill(self, ident: str, key: str, billing: wire.ComplementFacturation) -> dict[str, str]:
        with self.store.writing() as session:
            row = session.scalar(select(StoredExecution).where(StoredExecution.key == key,
                                                               StoredExecution.prescription_id == ident.upper()))
            if row is None:
                raise HTTPException(404, f"Exécution inconnue pour l'ordonnance {ident} : {key}.")
            row.billing = billing.model_dump(mode="json")
            _journal(session, self.clock(), "facturation", ident, "200")
            return {"idExecution": row.id, "statut": "facturee"}

    def cancel(self, ident: str, rpps: str) -> wire.Ordonnance:
        with self.store.writing() as session:
            row = session.get(StoredPrescription, ident.upper())
            if row is None or row.prescriber_rpps != rpps:
                raise HTTPException(404, f"Ordonnance numérique inconnue pour ce prescripteur : {ident}.")
            if session.scalar(select(StoredExecution.id).where(StoredExecution.prescription_id == row.id).limit(1)):
                raise HTTPException(409, "Ordonnance déjà (en partie) délivrée : elle ne peut plus être annulée.")
            row.cancelled = True
            _journal(session, self.clock(), "annulation", ident, "200")
        with self.store.reading() as session:
            return self.load(session, ident)

    def summaries(self, *, rpps: str | None, key: str | None) -> list[wire.Resume]:
        query = select(StoredPrescription).order_by(StoredPrescription.created_at.desc()).limit(200)
        query = query.where(StoredPrescription.prescriber_rpps == rpps) if rpps else query
        query = query.where(StoredPrescription.patient_key == key) if key else query
        with self.store.reading() as session:
            found = [self.load(session, row.id) for row in session.scalars(query)]
        return [wire.Resume(idPrescription=o.idPrescription, statut=o.statut, datePrescription=o.datePrescription,
                            patient=o.patient, consultations=o.consultations, executions=len(o.executions))
                for o in found]


def _journal(session: Session, at: datetime, operation: str, ident: str, outcome: str) -> None:
    session.add(Call(at=at, operation=operation, prescription_id=ident[:18], outcome=outcome))


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_emulator(database: Path, *, clock: Clock = _utc_now, slow_s: float = SLOW_S) -> FastAPI:
    """The ASGI app; `database` is the emulator's own SQLite file (created on first call)."""
    base = Base(_Store(database), clock)
    app = FastAPI(title="Émulateur de la base ordonnance numérique", description=__doc__, version="1",
                  docs_url="/docs", openapi_url="/openapi.json", redoc_url=None)
    app.state.base = base
    _prescriber_routes(app, base, slow_s)
    _pharmacist_routes(app, base)
    answer_refusals(app)
    return app


def _prescriber_routes(app: FastAPI, base: Base, slow_s: float) -> None:
    @app.post("/ordonnances", response_model=wire.ReponseCreation, status_code=201)
    def create(demand: wire.DemandeCreation) -> wire.ReponseCreation:
        """Enregistrer une ordonnance (prescripteur) : renvoie le numéro unique de prescription."""
        scenario = SCENARIOS.get(demand.patient.nom.strip().upper())
        if scenario == "panne":
            raise HTTPException(503, "Base ordonnance numérique indisponible (scénario de test « panne »).")
        if scenario == "lenteur":
            time.sleep(slow_s)
        return base.create(demand)

    @app.put("/ordonnances/{ident}")
    def edit(ident: str) -> None:
        """Refusé : une ordonnance numérique ne se modifie pas après son enregistrement (SPEC §15.2)."""
        raise HTTPException(409, "Une ordonnance numérique enregistrée ne peut pas être modifiée.")

    @app.get("/ordonnances/{ident}/executions")
    def prescriber_view(ident: str, rpps: str) -> dict[str, object]:
        """Les délivrances vues par le prescripteur : seulement si le patient y a consenti."""
        with base.store.reading() as session:
            found = base.load(session, ident)
        if found.prescripteur.rpps != rpps:
            raise HTTPException(403, "Seul le prescripteur de l'ordonnance peut consulter ses délivrances.")
        shown = found.executions if found.consentement else []
        return {"consentement": found.consentement, "statut": found.statut,
                "executions": [e.model_dump(mode="json") for e in shown]}

    @app.post("/ordonnances/{ident}/annulation", response_model=wire.Ordonnance)
    def cancel(ident: str, rpps: str) -> wire.Ordonnance:
        """Annuler une ordonnance non délivrée (prescripteur)."""
        return base.cancel(ident, rpps)


def _pharmacist_routes(app: FastAPI, base: Base) -> None:
    @app.get("/ordonnances/{ident}", response_model=wire.Ordonnance)
    def consult(ident: str, rpps: str = "", finess: str = "") -> wire.Ordonnance:
        """Consulter une ordonnance (pharmacien) : lignes, prescripteur, patient, exécutions précédentes."""
        return base.consult(ident)

    @app.get("/ordonnances", response_model=list[wire.Resume])
    def search(rpps: str = "", nom: str = "", prenom: str = "", dateNaissance: str = "") -> list[wire.Resume]:
        """Rechercher les ordonnances d'un prescripteur (rpps) ou d'un patient (nom, prénom, date de naissance)."""
        if not rpps and not (nom and prenom and dateNaissance):
            raise HTTPException(422, "Indiquez le RPPS du prescripteur, ou le nom, le prénom et la date de naissance.")
        key = patient_key(nom, prenom, dateNaissance) if nom else None
        return base.summaries(rpps=rpps or None, key=key)

    @app.post("/ordonnances/{ident}/executions", response_model=wire.ReponseExecution)
    def execute(ident: str, demand: wire.DemandeExecution) -> wire.ReponseExecution:
        """Enregistrer une délivrance (ligne par ligne) ; la même clé d'idempotence n'enregistre qu'une fois."""
        return base.execute(ident.upper(), demand)

    @app.post("/ordonnances/{ident}/executions/{key}/facturation")
    def bill(ident: str, key: str, billing: wire.ComplementFacturation) -> dict[str, str]:
        """Compléter une exécution de ses données de facturation (mode séquentiel, après l'ARL)."""
        return base.bill(ident, key, billing)
