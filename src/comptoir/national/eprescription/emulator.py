"""A local ON base (base ordonnance numérique): the contract of wire.py, its own SQLite storage.

Rules it applies (SPEC §4, §15.2): the prescriber is identified by RPPS and N° AM (or FINESS); the base
gives the unique prescription id (18 characters: creation time to the second + 4 digits, the shape of
the CNAM example [U]); nothing is edited after creation (PUT answers 409); a consultation is counted;
executions are recorded per line and per period (initial delivery, renewal n), partial ones leave the
period open, a closed period answers 409 "déjà délivrée"; the same execution sent twice (same
`cleIdempotence`) is recorded once and answered the same; the billing complement comes later
("mode séquentiel"); the pharmacy that recorded an execution may cancel it (SPEC §4.4 "annuler une
exécution"): it is kept apart with its reason, its periods open again, a second cancellation changes
nothing, and the same execution sent again after it is not recorded anew; the prescriber sees
executions only with the patient's consent; validity and
statuses as in domain/eprescription/prescription.py.

Scenarios: a patient named PANNE makes creation fail with HTTP 503, LENTEUR answers after `slow_s`.
Its database is never the pharmacy's.

Callers (SPEC §4.4: each operation has its actor, "numéro unique + PS auth"; §4.3: the prescriber data
come from the CPS card). Every route answers 401 without a token the base keeps in its own table
(national/credentials.py: structure, RPPS, profession); the real base authenticates with the CPS/e-CPS
and the structure's certificate, or Pro Santé Connect, which the bearer token stands for. Then:

- a **médecin** creates ONs in his own name only (the `prescripteur.rpps` is the card's), reads, lists,
  sees the executions of (with the patient's consent) and cancels only the ONs he wrote;
- a **pharmacien** reads an ON by its number (the patient hands over the QR code or the number: that
  is what lets a pharmacy read it), records executions and their billing complement;
- anything else answers 403: a pharmacy creating, editing, cancelling, listing or searching; a
  prescriber recording an execution; a prescriber touching another prescriber's ON.

[U] Whether a pharmacy may search a patient's ONs (SPEC §4.4 "rechercher", optional) is not known: the
most plausible rule, kept here, is no — a pharmacy reads an ON only through its number. A `rpps`
given in a query must be the authenticated professional's own (403 otherwise).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from sqlalchemy import JSON, Boolean, DateTime, Integer, String, create_engine, event, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from comptoir.domain.eprescription import prescription as rx
from comptoir.errors import Conflict, RuleViolation
from comptoir.national.credentials import Caller, Credential, Profession, authenticator, digest, forbid
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


class CancelledExecution(_Base):
    """An execution its pharmacy cancelled: out of the prescription's executions, kept with its reason."""

    __tablename__ = "on_execution_annulee"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    execution_id: Mapped[str] = mapped_column(String(24))
    prescription_id: Mapped[str] = mapped_column(String(18), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(2000))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class Call(_Base):
    """The emulator's journal: every call, duplicates included (the crash test reads it)."""

    __tablename__ = "on_appel"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    operation: Mapped[str] = mapped_column(String(20))
    prescription_id: Mapped[str] = mapped_column(String(18), default="")
    outcome: Mapped[str] = mapped_column(String(40))


class StoredCredential(_Base):
    """A token the base accepts (its digest only) and who presents it."""

    __tablename__ = "on_habilitation"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    structure: Mapped[str] = mapped_column(String(20))
    rpps: Mapped[str] = mapped_column(String(11))
    profession: Mapped[str] = mapped_column(String(20))


class _Store:
    """Opened on first use; writes are serialised (one lock in the process, BEGIN IMMEDIATE across)."""

    def __init__(self, database: Path, credentials: Sequence[Credential] = ()) -> None:
        self.database, self._lock, self.write_lock = database, threading.Lock(), threading.Lock()
        self.credentials = tuple(credentials)
        self._factory: sessionmaker[Session] | None = None

    def _get(self) -> sessionmaker[Session]:
        with self._lock:
            if self._factory is None:
                self._factory = _open(self.database)
                with self.write_lock, self._factory.begin() as session:
                    _provision(session, self.credentials)
            return self._factory

    def caller(self, token_digest: str) -> Caller | None:
        with self.reading() as session:
            row = session.get(StoredCredential, token_digest)
        return Caller(row.structure, row.rpps, Profession(row.profession)) if row else None

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


def _provision(session: Session, credentials: Sequence[Credential]) -> None:
    for credential in credentials:
        session.merge(StoredCredential(digest=digest(credential.token), structure=credential.structure,
                                       rpps=credential.rpps, profession=credential.profession.value))


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
        self.authenticate = authenticator("ordonnance-numerique", store.caller)

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

    def consult(self, ident: str, caller: Caller) -> wire.Ordonnance:
        if caller.profession is Profession.MEDECIN:
            return self.own(ident, caller, "la consulter")
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
            known_id = known.id if known else _cancelled_id(session, demand.cleIdempotence)
            if known_id is not None:
                _journal(session, now, "execution", ident, "doublon")
                return wire.ReponseExecution(idExecution=known_id, statut=self.load(session, ident).statut,
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

    def cancel_execution(self, ident: str, key: str, demand: wire.DemandeAnnulation,
                         caller: Caller) -> wire.ReponseAnnulation:
        now = self.clock()
        with self.store.writing() as session:
            done = session.get(CancelledExecution, key)
            if done is not None and done.prescription_id == ident.upper():
                _journal(session, now, "annulation_exec", ident, "doublon")
                return wire.ReponseAnnulation(idExecution=done.execution_id, statut=self.load(session, ident).statut,
                                              dejaAnnulee=True)
            row = session.scalar(select(StoredExecution).where(StoredExecution.key == key,
                                                               StoredExecution.prescription_id == ident.upper()))
            if row is None:
                raise HTTPException(404, f"Exécution inconnue pour l'ordonnance {ident} : {key}.")
            if row.document.get("finessPharmacie") != caller.structure:
                raise forbid("Seule la pharmacie qui a enregistré cette délivrance peut l'annuler.")
            session.add(CancelledExecution(key=key, execution_id=row.id, prescription_id=row.prescription_id,
                                           received_at=row.received_at, cancelled_at=now, reason=demand.motif,
                                           document=row.document))
            session.delete(row)
            session.flush()
            _journal(session, now, "annulation_exec", ident, "200")
            return wire.ReponseAnnulation(idExecution=row.id, statut=self.load(session, ident).statut,
                                          dejaAnnulee=False)

    def own(self, ident: str, caller: Caller, act: str) -> wire.Ordonnance:
        """The ON, for its prescriber only (a prescriber's read is not a pharmacy's consultation)."""
        with self.store.reading() as session:
            found = self.load(session, ident)
        _written_by(found.prescripteur.rpps, caller, act)
        return found

    def cancel(self, ident: str, caller: Caller) -> wire.Ordonnance:
        with self.store.writing() as session:
            row = session.get(StoredPrescription, ident.upper())
            if row is None:
                raise HTTPException(404, f"Ordonnance numérique inconnue : {ident}.")
            _written_by(row.prescriber_rpps, caller, "l'annuler")
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


def _cancelled_id(session: Session, key: str) -> str | None:
    """An execution cancelled is not recorded again when its message arrives once more."""
    done = session.get(CancelledExecution, key)
    return done.execution_id if done else None


def _journal(session: Session, at: datetime, operation: str, ident: str, outcome: str) -> None:
    session.add(Call(at=at, operation=operation, prescription_id=ident[:18], outcome=outcome))


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _written_by(rpps: str, caller: Caller, act: str) -> None:
    if rpps != caller.rpps:
        raise forbid(f"Seul le prescripteur de cette ordonnance peut {act}.")


def _as(caller: Caller, profession: Profession, message: str) -> None:
    if caller.profession is not profession:
        raise forbid(message)


def _own_rpps(caller: Caller, rpps: str) -> None:
    """A RPPS named in a prescriber's query must be his own: the card says who he is (SPEC §4.3)."""
    if rpps and rpps != caller.rpps:
        raise forbid(f"Le RPPS demandé ({rpps}) n'est pas celui du professionnel authentifié.")


def _caller(request: Request) -> Caller:
    base: Base = request.app.state.base
    return base.authenticate(request)


Who = Annotated[Caller, Depends(_caller)]
PRESCRIBERS_ONLY = "Seul un médecin prescripteur peut {act} une ordonnance numérique."
PHARMACISTS_ONLY = "Seul un pharmacien peut {act}."


def create_emulator(database: Path, *, credentials: Sequence[Credential] = (), clock: Clock = _utc_now,
                    slow_s: float = SLOW_S) -> FastAPI:
    """The ASGI app; `database` is the emulator's own SQLite file (created on first call); `credentials` are
    added to the tokens it accepts (kept there, so a restart keeps them)."""
    base = Base(_Store(database, credentials), clock)
    app = FastAPI(title="Émulateur de la base ordonnance numérique", description=__doc__, version="1",
                  docs_url="/docs", openapi_url="/openapi.json", redoc_url=None, dependencies=[Depends(_caller)])
    app.state.base = base
    _prescriber_routes(app, base, slow_s)
    _pharmacist_routes(app, base)
    answer_refusals(app)
    return app


def _prescriber_routes(app: FastAPI, base: Base, slow_s: float) -> None:
    @app.post("/ordonnances", response_model=wire.ReponseCreation, status_code=201)
    def create(demand: wire.DemandeCreation, caller: Who) -> wire.ReponseCreation:
        """Enregistrer une ordonnance (prescripteur) : renvoie le numéro unique de prescription."""
        _as(caller, Profession.MEDECIN, PRESCRIBERS_ONLY.format(act="enregistrer"))
        if demand.prescripteur.rpps != caller.rpps:
            raise forbid("Une ordonnance s'enregistre au nom du prescripteur authentifié (RPPS de sa carte).")
        scenario = SCENARIOS.get(demand.patient.nom.strip().upper())
        if scenario == "panne":
            raise HTTPException(503, "Base ordonnance numérique indisponible (scénario de test « panne »).")
        if scenario == "lenteur":
            time.sleep(slow_s)
        return base.create(demand)

    @app.put("/ordonnances/{ident}")
    def edit(ident: str, caller: Who) -> None:
        """Refusé : une ordonnance numérique ne se modifie pas après son enregistrement (SPEC §15.2)."""
        _as(caller, Profession.MEDECIN, PRESCRIBERS_ONLY.format(act="modifier"))
        raise HTTPException(409, "Une ordonnance numérique enregistrée ne peut pas être modifiée.")

    @app.get("/ordonnances/{ident}/executions")
    def prescriber_view(ident: str, caller: Who, rpps: str = "") -> dict[str, object]:
        """Les délivrances vues par le prescripteur : seulement si le patient y a consenti."""
        _as(caller, Profession.MEDECIN, "Seul le prescripteur de l'ordonnance peut consulter ses délivrances.")
        _own_rpps(caller, rpps)
        found = base.own(ident, caller, "consulter ses délivrances")
        shown = found.executions if found.consentement else []
        return {"consentement": found.consentement, "statut": found.statut,
                "executions": [e.model_dump(mode="json") for e in shown]}

    @app.post("/ordonnances/{ident}/annulation", response_model=wire.Ordonnance)
    def cancel(ident: str, caller: Who, rpps: str = "") -> wire.Ordonnance:
        """Annuler une ordonnance non délivrée (son prescripteur seulement)."""
        _as(caller, Profession.MEDECIN, PRESCRIBERS_ONLY.format(act="annuler"))
        _own_rpps(caller, rpps)
        return base.cancel(ident, caller)

    @app.get("/ordonnances", response_model=list[wire.Resume])
    def search(caller: Who, rpps: str = "", nom: str = "", prenom: str = "",
               dateNaissance: str = "") -> list[wire.Resume]:
        """Rechercher ses ordonnances (prescripteur) : toutes, ou celles d'un patient (nom, prénom, date de
        naissance). Une pharmacie lit une ordonnance par son numéro, elle ne recherche pas."""
        _as(caller, Profession.MEDECIN, "Une pharmacie lit une ordonnance par son numéro (QR code) : la recherche "
                                        "est réservée au prescripteur, pour ses propres ordonnances.")
        _own_rpps(caller, rpps)
        if not rpps and not (nom and prenom and dateNaissance):
            raise HTTPException(422, "Indiquez le RPPS du prescripteur, ou le nom, le prénom et la date de naissance.")
        key = patient_key(nom, prenom, dateNaissance) if nom else None
        return base.summaries(rpps=caller.rpps, key=key)


def _pharmacist_routes(app: FastAPI, base: Base) -> None:
    @app.get("/ordonnances/{ident}", response_model=wire.Ordonnance)
    def consult(ident: str, caller: Who, rpps: str = "", finess: str = "") -> wire.Ordonnance:
        """Consulter une ordonnance par son numéro (pharmacien) : lignes, prescripteur, patient, exécutions
        précédentes. Un prescripteur ne lit que les siennes."""
        return base.consult(ident, caller)

    @app.post("/ordonnances/{ident}/executions", response_model=wire.ReponseExecution)
    def execute(ident: str, demand: wire.DemandeExecution, caller: Who) -> wire.ReponseExecution:
        """Enregistrer une délivrance (ligne par ligne) ; la même clé d'idempotence n'enregistre qu'une fois."""
        _as(caller, Profession.PHARMACIEN, PHARMACISTS_ONLY.format(act="enregistrer une délivrance"))
        return base.execute(ident.upper(), demand)

    @app.post("/ordonnances/{ident}/executions/{key}/annulation", response_model=wire.ReponseAnnulation)
    def cancel_execution(ident: str, key: str, demand: wire.DemandeAnnulation, caller: Who) -> wire.ReponseAnnulation:
        """Annuler une exécution (la pharmacie qui l'a enregistrée) : ses périodes redeviennent à délivrer."""
        _as(caller, Profession.PHARMACIEN, PHARMACISTS_ONLY.format(act="annuler une délivrance"))
        return base.cancel_execution(ident.upper(), key, demand, caller)

    @app.post("/ordonnances/{ident}/executions/{key}/facturation")
    def bill(ident: str, key: str, billing: wire.ComplementFacturation, caller: Who) -> dict[str, str]:
        """Compléter une exécution de ses données de facturation (mode séquentiel, après l'ARL)."""
        _as(caller, Profession.PHARMACIEN, PHARMACISTS_ONLY.format(act="compléter une délivrance de sa facturation"))
        return base.bill(ident, key, billing)
