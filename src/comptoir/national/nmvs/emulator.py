"""A local medicines-verification system (France MVS / NMVS): the contract of wire.py, its own SQLite storage.

    POST /boites/verification       a pack's state and alerts (nothing changes)
    POST /boites/decommission       decommission a pack into a target state (delivre when handed to a patient)
    POST /boites/annulation         undo a decommission (the pack active again)
    POST /lots/verification | /lots/decommission | /lots/annulation    the same for up to 100 packs, pack by pack
    GET  /boites/{codeProduit}/{numeroSerie}/historique               the pack's transitions (for testers)

Rules (SPEC §9.4, [V] unless said):
- each act first checks the pack's data against what the manufacturer uploaded: serial unknown for the
  product code → NMVS_NC_PC_02; lot given and unknown for the product → NMVS_FE_LOT_03, known but not this
  serial's → NMVS_FE_LOT_13; expiry given and not the lot's → NMVS_FE_LOT_12. Dates compare after the GS1
  rule "DD = 00 is the month's last day" (the client sends the date so resolved, SPEC §9.2);
- an active pack past its expiry reads as expired (computed, never stored: the system's automatic state);
- decommission: from active only; the same state already set → NMVS_NC_PCK_19, another inactive state →
  NMVS_NC_PCK_22. Expired, recalled and withdrawn are the system's states, not a pharmacy's target;
- undo: the state undone must be the pack's (NMVS_NC_PCK_06 otherwise, an active pack included); stolen and
  destroyed packs, and packs past their expiry, are never re-activated (NMVS_NC_PCK_27); only the location
  (FINESS) that decommissioned may undo (NMVS_NC_PCK_21), within 10 days (NMVS_NC_PCK_20) except a lock;
- idempotency: a write is kept under its transaction id; the same id again is answered as the first time,
  `dejaTraitee`, and changes nothing — a refusal included. [U] the real system's handling of a repeated
  transaction id is not public; this is the behaviour an outbox needs.

Every alert carries a French label (national/nmvs/port.py). Callers: a bearer token kept in its own table
(national/credentials.py) binds the call to a pharmacy, its FINESS being the NMVS "location"; only a
pharmacien may call (403 otherwise). Scenarios: a serial starting with PANNE answers 503, LENTEUR answers
after `slow_s`. Seeded (boites.json) with the demo's packs — sound ones, a recalled batch, an expired pack, a
pack supplied elsewhere, a stolen one — and a few hundred generated packs over common CIP13 of the shipped
reference. Its database is never the pharmacy's.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from sqlalchemy import JSON, Date, DateTime, Integer, String, create_engine, event, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from comptoir.national.credentials import Caller, Credential, Profession, authenticator, digest, forbid
from comptoir.national.nmvs import wire
from comptoir.national.nmvs.port import AlertCode, PackId, PackState
from comptoir.national.refusals import answer_refusals

SEED_FILE = Path(__file__).with_name("boites.json")
SEEDED = "__graine__"
"""The mark, among the transactions, that the seed was loaded (packs uploaded before it do not stand for it)."""
SLOW_S = 20.0
UNDO_DAYS = 10
NEVER_UNDONE = frozenset({PackState.STOLEN, PackState.DESTROYED, PackState.EXPIRED, PackState.RECALLED,
                          PackState.WITHDRAWN})
Clock = Callable[[], datetime]


class _Base(DeclarativeBase):
    pass


class StoredPack(_Base):
    __tablename__ = "nmvs_boite"
    gtin: Mapped[str] = mapped_column(String(14), primary_key=True)
    serial: Mapped[str] = mapped_column(String(20), primary_key=True)
    lot: Mapped[str] = mapped_column(String(20), index=True)
    expiry: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20))
    case: Mapped[str] = mapped_column(String(200), default="")


class Transition(_Base):
    """Every change of a pack's state: the history the undo rules read, and the tests count."""

    __tablename__ = "nmvs_transition"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gtin: Mapped[str] = mapped_column(String(14), index=True)
    serial: Mapped[str] = mapped_column(String(20), index=True)
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    location: Mapped[str] = mapped_column(String(20))
    rpps: Mapped[str] = mapped_column(String(11))
    transaction: Mapped[str] = mapped_column(String(100))


class Transaction(_Base):
    """A write's answer, kept under its transaction id: the same id is answered the same, once done."""

    __tablename__ = "nmvs_transaction"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)


class StoredCredential(_Base):
    __tablename__ = "nmvs_habilitation"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    structure: Mapped[str] = mapped_column(String(20))
    rpps: Mapped[str] = mapped_column(String(11))
    profession: Mapped[str] = mapped_column(String(20))


class _Store:
    """Opened on first use; writes serialised (a lock in the process, BEGIN IMMEDIATE across processes)."""

    def __init__(self, database: Path, credentials: Sequence[Credential]) -> None:
        self.database, self.credentials = database, tuple(credentials)
        self._lock, self.write_lock = threading.Lock(), threading.Lock()
        self._factory: sessionmaker[Session] | None = None

    def _get(self) -> sessionmaker[Session]:
        with self._lock:
            if self._factory is None:
                factory = _open(self.database)
                with self.write_lock, factory.begin() as session:
                    _provision(session, self.credentials)
                self._factory = factory
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


def _autocommit_off(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA journal_mode=WAL")


def _provision(session: Session, credentials: Sequence[Credential]) -> None:
    if session.scalar(select(Transaction.id).where(Transaction.id == SEEDED)) is None:
        _seed(session)
        session.add(Transaction(id=SEEDED, answer={}))
    for credential in credentials:
        session.merge(StoredCredential(digest=digest(credential.token), structure=credential.structure,
                                       rpps=credential.rpps, profession=credential.profession.value))


def _seed(session: Session) -> None:
    data = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    for item in data["demo"]:
        session.add(StoredPack(gtin="0" + item["cip13"], serial=item["serie"], lot=item["lot"],
                               expiry=date.fromisoformat(item["peremption"]), state=item["etat"], case=item["cas"]))
        if item["etat"] != PackState.ACTIVE:
            session.add(Transition(gtin="0" + item["cip13"], serial=item["serie"], from_state=PackState.ACTIVE.value,
                                   to_state=item["etat"], at=datetime(2026, 1, 5, tzinfo=UTC),
                                   location=item.get("lieu", "fabricant"), rpps="", transaction="seed"))
    session.add_all(generated_packs(data["generees"]))


def upload_packs(database: Path, packs: Sequence[PackId]) -> int:
    """The manufacturer's upload (through the EU Hub in real life, never a pharmacy's act, so no route here):
    `packs` active in the emulator's own database (created and seeded if need be); those it knew are left as
    they are. How many were new. A bench or a demo uses it to scan packs of its own making."""
    factory = _open(database)
    with factory.begin() as session:
        _provision(session, ())
        new = [p for p in {(p.gtin, p.serial): p for p in packs}.values()
               if p.expiry is not None and session.get(StoredPack, (p.gtin, p.serial)) is None]
        session.add_all(StoredPack(gtin=p.gtin, serial=p.serial, lot=p.lot or "", expiry=p.expiry,
                                   state=PackState.ACTIVE.value, case="téléversée") for p in new)
    factory.kw["bind"].dispose()
    return len(new)


def generated_packs(spec: dict[str, Any]) -> list[StoredPack]:
    """`par_produit` packs per CIP13, deterministic: serial <CIP7>-<rank>, a few lots, each with one expiry."""
    earliest, latest = date.fromisoformat(spec["peremption_min"]), date.fromisoformat(spec["peremption_max"])
    packs = []
    for cip13 in spec["cip13"]:
        rng = random.Random(cip13)
        lots = [(f"G{rng.randrange(10, 99)}{chr(65 + n)}{rng.randrange(100, 999)}",
                 _month_end(earliest + timedelta(days=rng.randrange((latest - earliest).days)))) for n in range(3)]
        for rank in range(1, spec["par_produit"] + 1):
            lot, expiry = lots[rank % len(lots)]
            packs.append(StoredPack(gtin="0" + cip13, serial=f"{cip13[5:12]}-{rank:05d}", lot=lot, expiry=expiry,
                                    state=PackState.ACTIVE.value, case="générée"))
    return packs


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def effective_state(row: StoredPack, today: date) -> PackState:
    state = PackState(row.state)
    return PackState.EXPIRED if state is PackState.ACTIVE and row.expiry < today else state


def _alert(code: AlertCode, detail: str = "") -> wire.Alerte:
    return wire.Alerte(code=code.value, libelle=code.label + (f" ({detail})" if detail else ""))


def _key(session: Session, boite: wire.Boite) -> StoredPack | None:
    return session.get(StoredPack, (boite.codeProduit, boite.numeroSerie))


def data_alerts(session: Session, row: StoredPack | None, boite: wire.Boite) -> list[wire.Alerte]:
    """What the pack's data say against the manufacturer's upload (falsification signals)."""
    if row is None:
        return [_alert(AlertCode.UNKNOWN_SERIAL)]
    if boite.lot is not None and boite.lot != row.lot:
        known = session.scalar(select(StoredPack.serial).where(StoredPack.gtin == row.gtin,
                                                               StoredPack.lot == boite.lot).limit(1))
        return [_alert(AlertCode.BATCH_MISMATCH if known else AlertCode.UNKNOWN_BATCH, f"lot lu {boite.lot}")]
    if boite.peremption is not None and boite.peremption != row.expiry:
        return [_alert(AlertCode.EXPIRY_MISMATCH, f"lue {boite.peremption:%d/%m/%Y}, lot {row.expiry:%d/%m/%Y}")]
    return []


class Registry:
    """The system's acts over its store; the routes only authenticate and route."""

    def __init__(self, store: _Store, clock: Clock) -> None:
        self.store, self.clock = store, clock
        self.authenticate = authenticator("nmvs", store.caller)

    def verify(self, boite: wire.Boite) -> wire.ReponseBoite:
        with self.store.reading() as session:
            row = _key(session, boite)
            alerts = data_alerts(session, row, boite)
            state = effective_state(row, self.clock().date()) if row else None
        if state is not None and state is not PackState.ACTIVE and not alerts:
            alerts = [_alert(AlertCode.ALREADY_INACTIVE)]  # the state itself is in `etat`
        return wire.ReponseBoite(boite=boite, etat=state.value if state else None, alertes=alerts)

    def decommission(self, demand: wire.Decommission, caller: Caller) -> wire.ReponseChangement:
        return self._write(demand.idTransaction, demand.boite,
                           lambda session, row: self._decommission(session, row, demand, caller))

    def undo(self, demand: wire.Annulation, caller: Caller) -> wire.ReponseChangement:
        return self._write(demand.idTransaction, demand.boite,
                           lambda session, row: self._undo(session, row, demand, caller))

    def _write(self, transaction: str, boite: wire.Boite,
               act: Callable[[Session, StoredPack], list[wire.Alerte]]) -> wire.ReponseChangement:
        with self.store.writing() as session:
            done = session.get(Transaction, transaction)
            if done is not None:
                return wire.ReponseChangement.model_validate({**done.answer, "dejaTraitee": True})
            row = _key(session, boite)
            alerts = data_alerts(session, row, boite)
            if row is not None and not alerts:
                alerts = act(session, row)
            state = effective_state(row, self.clock().date()).value if row else None
            answer = wire.ReponseChangement(boite=boite, effectuee=not alerts, etat=state,  # type: ignore[arg-type]
                                            idTransaction=transaction, alertes=alerts)
            session.add(Transaction(id=transaction, answer=answer.model_dump(mode="json")))
            return answer

    def _decommission(self, session: Session, row: StoredPack, demand: wire.Decommission,
                      caller: Caller) -> list[wire.Alerte]:
        state, target = effective_state(row, self.clock().date()), PackState(demand.etatCible)
        if state is target:
            return [_alert(AlertCode.ALREADY_SET, f"état : {state.label}")]
        if state is not PackState.ACTIVE:
            return [_alert(AlertCode.ALREADY_INACTIVE, f"état : {state.label}")]
        self._move(session, row, target, caller, demand.idTransaction)
        return []

    def _undo(self, session: Session, row: StoredPack, demand: wire.Annulation, caller: Caller) -> list[wire.Alerte]:
        now = self.clock()
        state, undone = effective_state(row, now.date()), PackState(demand.etatAnnule)
        if state is not undone:
            return [_alert(AlertCode.UNDO_MISMATCH, f"la boîte est {state.label}")]
        if state in NEVER_UNDONE or row.expiry < now.date():
            why = "boîte périmée" if state not in NEVER_UNDONE else f"boîte {state.label}"
            return [_alert(AlertCode.NOT_PERFORMED, f"{why} : jamais réactivée")]
        last = session.scalar(select(Transition).where(Transition.gtin == row.gtin, Transition.serial == row.serial)
                              .order_by(Transition.id.desc()).limit(1))
        if last is None or last.location != caller.structure:
            return [_alert(AlertCode.OTHER_USER)]
        if state is not PackState.LOCKED and now - _aware(last.at) > timedelta(days=UNDO_DAYS):
            return [_alert(AlertCode.UNDO_TOO_LATE, f"désactivée le {_aware(last.at):%d/%m/%Y}")]
        self._move(session, row, PackState.ACTIVE, caller, demand.idTransaction)
        return []

    def _move(self, session: Session, row: StoredPack, to: PackState, caller: Caller, transaction: str) -> None:
        session.add(Transition(gtin=row.gtin, serial=row.serial, from_state=row.state, to_state=to.value,
                               at=self.clock(), location=caller.structure, rpps=caller.rpps, transaction=transaction))
        row.state = to.value

    def history(self, gtin: str, serial: str) -> list[dict[str, str]]:
        with self.store.reading() as session:
            rows = session.scalars(select(Transition).where(Transition.gtin == gtin, Transition.serial == serial)
                                   .order_by(Transition.id))
            return [{"de": r.from_state, "vers": r.to_state, "le": _aware(r.at).isoformat(), "lieu": r.location,
                     "idTransaction": r.transaction} for r in rows]


def _aware(moment: datetime) -> datetime:
    """SQLite gives back UTC times without their zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _caller(request: Request) -> Caller:
    registry: Registry = request.app.state.registry
    caller = registry.authenticate(request)
    if caller.profession is not Profession.PHARMACIEN:
        raise forbid("Seule une pharmacie (un pharmacien) vérifie et désactive des boîtes dans le système NMVS.")
    return caller


Who = Annotated[Caller, Depends(_caller)]


def create_emulator(database: Path, *, credentials: Sequence[Credential] = (), clock: Clock = _utc_now,
                    slow_s: float = SLOW_S, sleep: Callable[[float], object] = time.sleep) -> FastAPI:
    """The ASGI app; `database` is the emulator's own SQLite file (created and seeded on first call);
    `credentials` are added to the tokens it accepts; `clock` tells the 10-day undo window and the expiry."""
    registry = Registry(_Store(database, credentials), clock)
    app = FastAPI(title="Émulateur du système de vérification des médicaments (NMVS)", description=__doc__,
                  version="1", docs_url="/docs", openapi_url="/openapi.json", redoc_url=None,
                  dependencies=[Depends(_caller)])
    app.state.registry = registry

    def play(boites: Sequence[wire.Boite]) -> None:
        serial = boites[0].numeroSerie.upper() if boites else ""
        if serial.startswith("PANNE"):
            raise HTTPException(503, "Système NMVS indisponible (scénario de test « panne »).")
        if serial.startswith("LENTEUR"):
            sleep(slow_s)

    _single_routes(app, registry, play)
    _bulk_routes(app, registry, play)
    answer_refusals(app)
    return app


def _single_routes(app: FastAPI, registry: Registry, play: Callable[[Sequence[wire.Boite]], None]) -> None:
    @app.post("/boites/verification", response_model=wire.ReponseBoite)
    def verify(boite: wire.Boite) -> wire.ReponseBoite:
        """Vérifier une boîte : son état et les alertes de ses données ; rien ne change."""
        play([boite])
        return registry.verify(boite)

    @app.post("/boites/decommission", response_model=wire.ReponseChangement)
    def decommission(demand: wire.Decommission, caller: Who) -> wire.ReponseChangement:
        """Désactiver une boîte (délivrée au patient, détruite, volée…) ; même idTransaction : une seule fois."""
        play([demand.boite])
        return registry.decommission(demand, caller)

    @app.post("/boites/annulation", response_model=wire.ReponseChangement)
    def undo(demand: wire.Annulation, caller: Who) -> wire.ReponseChangement:
        """Annuler une désactivation (10 jours, même structure) : la boîte redevient active."""
        play([demand.boite])
        return registry.undo(demand, caller)

    @app.get("/boites/{gtin}/{serial}/historique")
    def history(gtin: str, serial: str) -> list[dict[str, str]]:
        """Les changements d'état d'une boîte (pour les testeurs)."""
        return registry.history(gtin, serial)


def _bulk_routes(app: FastAPI, registry: Registry, play: Callable[[Sequence[wire.Boite]], None]) -> None:
    @app.post("/lots/verification", response_model=wire.ReponseVerifications)
    def verify_many(demand: wire.Verifications) -> wire.ReponseVerifications:
        """Vérifier plusieurs boîtes (100 au plus) : une réponse par boîte, dans l'ordre."""
        play(demand.boites)
        return wire.ReponseVerifications(resultats=[registry.verify(b) for b in demand.boites])

    @app.post("/lots/decommission", response_model=wire.ReponseChangements)
    def decommission_many(demand: wire.Decommissions, caller: Who) -> wire.ReponseChangements:
        """Désactiver plusieurs boîtes ; chacune sous idTransaction-<rang>."""
        play(demand.boites)
        return wire.ReponseChangements(resultats=[registry.decommission(wire.Decommission(
            boite=b, etatCible=demand.etatCible, idTransaction=f"{demand.idTransaction}-{n}"), caller)
            for n, b in enumerate(demand.boites)])

    @app.post("/lots/annulation", response_model=wire.ReponseChangements)
    def undo_many(demand: wire.Annulations, caller: Who) -> wire.ReponseChangements:
        """Annuler la désactivation de plusieurs boîtes ; chacune sous idTransaction-<rang>."""
        play(demand.boites)
        return wire.ReponseChangements(resultats=[registry.undo(wire.Annulation(
            boite=b, etatAnnule=demand.etatAnnule, idTransaction=f"{demand.idTransaction}-{n}"), caller)
            for n, b in enumerate(demand.boites)])
