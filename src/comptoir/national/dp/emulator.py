"""A local Dossier Pharmaceutique (CNOP, SPEC §6): the contract of wire.py, its own SQLite storage.

    POST /dossiers/ouverture            open (or reopen) a beneficiary's DP: card read and consent required
    POST /dossiers/consultation         the lines within their windows, each with its pharmacy (journaled)
    POST /dossiers/lignes               feed one dispensation's lines (its key + line number stored once)
    POST /dossiers/annulation           withdraw a dispensation's lines (the counter cancelled the act)
    POST /dossiers/refus-alimentation   the patient refuses that one dispensation feed the DP
    POST /dossiers/refus-consultation   the patient refuses the consultation (the caller's, for the day)
    POST /dossiers/fermeture            close the DP: its data erased, feeds refused until it is reopened
    POST /dossiers/impression           what the printout holds: every line still kept, and the accesses

A DP is keyed by the beneficiary as the carte Vitale names him: the NIR (its first 13 characters) and the birth
date. [U] The CNOP's key is not public (SPEC §6); the birth date tells apart the beneficiaries of one card.

Opening: since décret n° 2023-551 (SPEC §6) the DP is created automatically unless the beneficiary opposes, and
opening from the LGO is no longer possible. The emulator keeps the act the issue asks for, "opening with the
patient's consent at the counter", as what the pharmacist does for someone who has no DP (one who opposed, or
was never reached): refused unless the request says the card was read (`carteVitaleLue`) and the patient
consents (`consentement`), as before 2023.

Display windows (SPEC §6): ordinary medicines 4 months by default, up to 12 months on request (2023 decree);
vaccines 21 years and biological medicines 3 years (décret n° 2015-208), whatever the window asked. The
category is the pharmacy's to compute from its drug reference; the DP trusts it.

Refusals (SPEC §6, the rights the pharmacist reminds): of feeding for one dispensation (its lines withdrawn, a
later feed of the same key refused), of consultation ([U]: the caller's consultations refused until the end of
the day; a new visit asks again). Closure erases the lines, refusals and access history; the dossier's key stays
as a tombstone so that a later feed is refused (« DP fermé ») until the patient reopens it.

Callers: a bearer token per structure and professional (national/credentials.py). [U] Only pharmacists use the
DP (the CNOP's service is for officines and PUI): another profession gets 403. A pharmacy feeds only under its
own FINESS (403 otherwise). Every act is written to the dossier's access history (who, when, what).

The routes are plain functions: FastAPI runs them in its thread pool, so their SQLite work never holds the event
loop of the server the emulator is mounted in. Scenarios: the NIR `PANNE_NIR` answers 503, `LENTEUR_NIR` answers
after `slow_s` seconds (past any counter's timeout).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException
from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from comptoir.errors import RuleViolation
from comptoir.national.credentials import Caller, Credential, Profession, authenticator, digest, forbid
from comptoir.national.dp import wire
from comptoir.national.refusals import answer_refusals

PANNE_NIR = "1999999999901"
LENTEUR_NIR = "1999999999902"
SLOW_S = 20.0
VACCINE_YEARS = 21
BIOLOGICAL_YEARS = 3
PRINTOUT_MONTHS = 12
"""The printout holds what a consultation may show at most (12 months of ordinary medicines)."""
Clock = Callable[[], datetime]


class _Base(DeclarativeBase):
    pass


class EmulatedDossier(_Base):
    __tablename__ = "dp_dossier"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nir: Mapped[str] = mapped_column(String(13))
    birth_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    opened_on: Mapped[date | None] = mapped_column(Date)
    __table_args__ = (UniqueConstraint("nir", "birth_date"),)


class EmulatedLine(_Base):
    __tablename__ = "dp_ligne"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dp_dossier.id"), index=True)
    finess: Mapped[str] = mapped_column(String(9))
    dispensation_key: Mapped[str] = mapped_column(String(wire.KEY_MAX))
    line_number: Mapped[int] = mapped_column(Integer)
    dispensed_on: Mapped[date] = mapped_column(Date)
    cip13: Mapped[str] = mapped_column(String(13))
    label: Mapped[str] = mapped_column(String(wire.LABEL_MAX))
    quantity: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(12))
    pharmacy_name: Mapped[str] = mapped_column(String(200))
    __table_args__ = (UniqueConstraint("dossier_id", "finess", "dispensation_key", "line_number"),)


class EmulatedRefusal(_Base):
    """A patient's refusal: of feeding one dispensation (`key`), or of consultation by a structure on a day."""

    __tablename__ = "dp_refus"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dp_dossier.id"), index=True)
    finess: Mapped[str] = mapped_column(String(20))
    dispensation_key: Mapped[str | None] = mapped_column(String(wire.KEY_MAX))
    day: Mapped[date] = mapped_column(Date)


class EmulatedAccess(_Base):
    __tablename__ = "dp_acces"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dp_dossier.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    structure: Mapped[str] = mapped_column(String(20))
    rpps: Mapped[str] = mapped_column(String(11))
    action: Mapped[str] = mapped_column(String(40))


class EmulatedCredential(_Base):
    __tablename__ = "dp_habilitation"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    structure: Mapped[str] = mapped_column(String(20))
    rpps: Mapped[str] = mapped_column(String(11))
    profession: Mapped[str] = mapped_column(String(20))


class _Store:
    """Opened on first use: mounting the emulator costs nothing until someone calls it."""

    def __init__(self, database: Path, credentials: Sequence[Credential]) -> None:
        self.database, self.credentials, self._lock = database, tuple(credentials), threading.Lock()
        self._factory: sessionmaker[Session] | None = None

    def session(self) -> Session:
        with self._lock:
            if self._factory is None:
                self._factory = _open(self.database, self.credentials)
            factory = self._factory
        return factory()

    def caller(self, token_digest: str) -> Caller | None:
        with self.session() as session:
            row = session.get(EmulatedCredential, token_digest)
        return Caller(row.structure, row.rpps, Profession(row.profession)) if row else None


def _open(database: Path, credentials: Sequence[Credential]) -> sessionmaker[Session]:
    database.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{database}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _journal_in_wal)
    _Base.metadata.create_all(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory.begin() as session:
        for credential in credentials:
            session.merge(EmulatedCredential(digest=digest(credential.token), structure=credential.structure,
                                             rpps=credential.rpps, profession=credential.profession.value))
    return factory


def _journal_in_wal(connection: Any, _: object) -> None:
    # Every consultation writes to the access history: WAL with NORMAL sync keeps that write off the counter's
    # round trip (one fsync per checkpoint, not per commit), and readers never wait for it.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover (day 28 exists in every month)


def window_start(category: str, today: date, months: int) -> date:
    if category == "vaccin":
        return months_before(today, 12 * VACCINE_YEARS)
    if category == "biologique":
        return months_before(today, 12 * BIOLOGICAL_YEARS)
    return months_before(today, months)


def _key(beneficiary: wire.Beneficiaire) -> tuple[str, date]:
    return beneficiary.nir[:13], beneficiary.dateNaissance


def _dossier(session: Session, beneficiary: wire.Beneficiaire) -> EmulatedDossier | None:
    nir, born = _key(beneficiary)
    return session.scalar(select(EmulatedDossier).where(EmulatedDossier.nir == nir,
                                                       EmulatedDossier.birth_date == born))


def _open_dossier(session: Session, beneficiary: wire.Beneficiaire) -> EmulatedDossier:
    found = _dossier(session, beneficiary)
    if found is None:
        raise RuleViolation("Ce bénéficiaire n'a pas de DP : proposez-lui d'en ouvrir un.")
    if found.status != "ouvert":
        raise RuleViolation("Le DP de ce bénéficiaire est fermé : il doit être rouvert avant d'être alimenté.")
    return found


def _line_wire(row: EmulatedLine) -> wire.LigneDp:
    return wire.LigneDp(dateDispensation=row.dispensed_on, cip13=row.cip13, libelle=row.label, quantite=row.quantity,
                        categorie=row.category, finess=row.finess, nomPharmacie=row.pharmacy_name)  # type: ignore[arg-type]


def _visible(session: Session, dossier: EmulatedDossier, today: date, months: int) -> list[wire.LigneDp]:
    rows = session.scalars(select(EmulatedLine).where(EmulatedLine.dossier_id == dossier.id)
                           .order_by(EmulatedLine.dispensed_on.desc(), EmulatedLine.id))
    return [_line_wire(row) for row in rows if row.dispensed_on >= window_start(row.category, today, months)]


def _withdraw(session: Session, dossier: EmulatedDossier, finess: str, key: str) -> int:
    result = session.execute(delete(EmulatedLine).where(
        EmulatedLine.dossier_id == dossier.id, EmulatedLine.finess == finess, EmulatedLine.dispensation_key == key))
    return int(result.rowcount)  # type: ignore[attr-defined]


def _erase(session: Session, dossier: EmulatedDossier) -> None:
    for table in (EmulatedLine, EmulatedRefusal, EmulatedAccess):
        session.execute(delete(table).where(table.dossier_id == dossier.id))


class _Routes:
    """The rules, one method per route, over the store and the emulator's clock."""

    def __init__(self, store: _Store, clock: Clock) -> None:
        self.store, self.clock = store, clock

    def journal(self, session: Session, dossier: EmulatedDossier, caller: Caller, action: str) -> None:
        session.add(EmulatedAccess(dossier_id=dossier.id, at=self.clock(), structure=caller.structure,
                                   rpps=caller.rpps, action=action))

    def open(self, demand: wire.DemandeOuverture, caller: Caller) -> wire.ReponseOuverture:
        if not demand.carteVitaleLue:
            raise RuleViolation("Ouverture refusée : la carte Vitale du bénéficiaire doit être lue au comptoir.")
        if not demand.consentement:
            raise RuleViolation("Ouverture refusée : le consentement du patient est requis.")
        today = self.clock().date()
        with self.store.session() as session, session.begin():
            dossier = _dossier(session, demand.beneficiaire)
            already = dossier is not None and dossier.status == "ouvert"
            if dossier is None:
                nir, born = _key(demand.beneficiaire)
                dossier = EmulatedDossier(nir=nir, birth_date=born, status="ouvert", opened_on=today)
                session.add(dossier)
                session.flush()
            elif not already:
                dossier.status, dossier.opened_on = "ouvert", today
            self.journal(session, dossier, caller, "ouverture" if not already else "ouverture (déjà ouvert)")
            return wire.ReponseOuverture(statut="ouvert", ouvertLe=dossier.opened_on or today, dejaOuvert=already)

    def consult(self, demand: wire.DemandeConsultation, caller: Caller) -> wire.ReponseConsultation:
        today = self.clock().date()
        with self.store.session() as session, session.begin():
            dossier = _dossier(session, demand.beneficiaire)
            if dossier is None or dossier.status != "ouvert":
                return wire.ReponseConsultation(statut="ferme" if dossier else "absent")
            if self._consultation_refused(session, dossier, caller, today):
                raise forbid("Le patient a refusé la consultation de son DP aujourd'hui.")
            self.journal(session, dossier, caller, f"consultation ({demand.fenetreMois} mois)")
            return wire.ReponseConsultation(statut="ouvert", lignes=_visible(session, dossier, today,
                                                                             demand.fenetreMois))

    @staticmethod
    def _consultation_refused(session: Session, dossier: EmulatedDossier, caller: Caller, today: date) -> bool:
        return session.scalar(select(EmulatedRefusal.id).where(
            EmulatedRefusal.dossier_id == dossier.id, EmulatedRefusal.finess == caller.structure,
            EmulatedRefusal.dispensation_key.is_(None), EmulatedRefusal.day == today).limit(1)) is not None

    def feed(self, demand: wire.EnvoiLignes, caller: Caller) -> wire.ReponseEnvoi:
        if demand.finess != caller.structure:
            raise forbid("Une pharmacie n'alimente le DP que sous son propre N° FINESS.")
        with self.store.session() as session, session.begin():
            dossier = _open_dossier(session, demand.beneficiaire)
            if self._feeding_refused(session, dossier, demand.finess, demand.cleDispensation):
                raise RuleViolation("Le patient a refusé que cette délivrance alimente son DP.")
            held = set(session.scalars(select(EmulatedLine.line_number).where(
                EmulatedLine.dossier_id == dossier.id, EmulatedLine.finess == demand.finess,
                EmulatedLine.dispensation_key == demand.cleDispensation)))
            sent = {line.numeroLigne: line for line in demand.lignes}
            for number, line in sent.items():
                if number in held:
                    continue
                session.add(EmulatedLine(
                    dossier_id=dossier.id, finess=demand.finess, dispensation_key=demand.cleDispensation,
                    line_number=line.numeroLigne, dispensed_on=demand.dateDispensation, cip13=line.cip13,
                    label=line.libelle, quantity=line.quantite, category=line.categorie,
                    pharmacy_name=demand.nomPharmacie))
            self.journal(session, dossier, caller, "alimentation")
            duplicates = len(held & sent.keys())
            return wire.ReponseEnvoi(recues=len(sent) - duplicates, dejaRecues=duplicates)

    @staticmethod
    def _feeding_refused(session: Session, dossier: EmulatedDossier, finess: str, key: str) -> bool:
        return session.scalar(select(EmulatedRefusal.id).where(
            EmulatedRefusal.dossier_id == dossier.id, EmulatedRefusal.finess == finess,
            EmulatedRefusal.dispensation_key == key).limit(1)) is not None

    def cancel(self, demand: wire.DemandeSurDispensation, caller: Caller) -> wire.ReponseRetrait:
        with self.store.session() as session, session.begin():
            dossier = _dossier(session, demand.beneficiaire)
            if dossier is None or dossier.status != "ouvert":
                return wire.ReponseRetrait(retirees=0)  # nothing held, nothing to withdraw
            withdrawn = _withdraw(session, dossier, caller.structure, demand.cleDispensation)
            self.journal(session, dossier, caller, "annulation d'une délivrance")
            return wire.ReponseRetrait(retirees=withdrawn)

    def refuse_feeding(self, demand: wire.DemandeSurDispensation, caller: Caller) -> wire.ReponseRetrait:
        with self.store.session() as session, session.begin():
            dossier = _open_dossier(session, demand.beneficiaire)
            if not self._feeding_refused(session, dossier, caller.structure, demand.cleDispensation):
                session.add(EmulatedRefusal(dossier_id=dossier.id, finess=caller.structure,
                                            dispensation_key=demand.cleDispensation, day=self.clock().date()))
            withdrawn = _withdraw(session, dossier, caller.structure, demand.cleDispensation)
            self.journal(session, dossier, caller, "refus d'alimentation")
            return wire.ReponseRetrait(retirees=withdrawn)

    def refuse_consultation(self, demand: wire.DemandeSurDossier, caller: Caller) -> None:
        today = self.clock().date()
        with self.store.session() as session, session.begin():
            dossier = _open_dossier(session, demand.beneficiaire)
            if not self._consultation_refused(session, dossier, caller, today):
                session.add(EmulatedRefusal(dossier_id=dossier.id, finess=caller.structure, dispensation_key=None,
                                            day=today))
            self.journal(session, dossier, caller, "refus de consultation")

    def close(self, demand: wire.DemandeSurDossier, caller: Caller) -> None:
        with self.store.session() as session, session.begin():
            dossier = _open_dossier(session, demand.beneficiaire)
            _erase(session, dossier)
            dossier.status, dossier.opened_on = "ferme", None

    def printout(self, demand: wire.DemandeSurDossier, caller: Caller) -> wire.Impression:
        today = self.clock().date()
        with self.store.session() as session, session.begin():
            dossier = _dossier(session, demand.beneficiaire)
            if dossier is None or dossier.status != "ouvert":
                return wire.Impression(statut="ferme" if dossier else "absent")
            self.journal(session, dossier, caller, "impression")
            accesses = session.scalars(select(EmulatedAccess).where(EmulatedAccess.dossier_id == dossier.id)
                                       .order_by(EmulatedAccess.at.desc(), EmulatedAccess.id.desc()))
            return wire.Impression(
                statut="ouvert", ouvertLe=dossier.opened_on,
                lignes=_visible(session, dossier, today, PRINTOUT_MONTHS),
                acces=[wire.Acces(date=a.at, structure=a.structure, rpps=a.rpps, action=a.action) for a in accesses])


def _pharmacists_only(caller: Caller) -> Caller:
    if caller.profession is not Profession.PHARMACIEN:
        raise forbid("Le DP n'est accessible qu'aux pharmaciens.")
    return caller


Guard = Callable[[wire.Beneficiaire, Caller], Caller]


def create_emulator(database: Path, *, credentials: Sequence[Credential] = (), slow_s: float = SLOW_S,
                    clock: Clock = lambda: datetime.now(UTC), sleep: Callable[[float], object] = time.sleep) -> FastAPI:
    """The ASGI app; `database` is the emulator's own SQLite file (created on first call); `credentials` are added
    to the tokens it accepts; `clock` tells the day the windows count from."""
    store = _Store(database, credentials)
    app = FastAPI(title="Émulateur du Dossier Pharmaceutique", description=__doc__, version="1", docs_url="/docs",
                  openapi_url="/openapi.json", redoc_url=None)

    def guard(beneficiary: wire.Beneficiaire, caller: Caller) -> Caller:
        if beneficiary.nir[:13] == PANNE_NIR:
            raise HTTPException(503, "DP indisponible (scénario de test « panne »).")
        if beneficiary.nir[:13] == LENTEUR_NIR:
            sleep(slow_s)
        return _pharmacists_only(caller)

    routes, who = _Routes(store, clock), Depends(authenticator("dp", store.caller))
    _dossier_routes(app, routes, guard, who)
    _dispensation_routes(app, routes, guard, who)
    answer_refusals(app)
    return app


def _dossier_routes(app: FastAPI, routes: _Routes, guard: Guard, who: Any) -> None:
    @app.post("/dossiers/ouverture", response_model=wire.ReponseOuverture)
    def open_dossier(demand: wire.DemandeOuverture, caller: Caller = who) -> wire.ReponseOuverture:
        """Ouverture du DP au comptoir, carte Vitale lue et patient consentant."""
        return routes.open(demand, guard(demand.beneficiaire, caller))

    @app.post("/dossiers/consultation", response_model=wire.ReponseConsultation)
    def consult(demand: wire.DemandeConsultation, caller: Caller = who) -> wire.ReponseConsultation:
        """Consultation : les lignes dans leur fenêtre d'affichage, chacune avec sa pharmacie."""
        return routes.consult(demand, guard(demand.beneficiaire, caller))

    @app.post("/dossiers/refus-consultation", status_code=204)
    def refuse_consultation(demand: wire.DemandeSurDossier, caller: Caller = who) -> None:
        """Refus du patient que son DP soit consulté (pour la journée, par cette pharmacie)."""
        routes.refuse_consultation(demand, guard(demand.beneficiaire, caller))

    @app.post("/dossiers/fermeture", status_code=204)
    def close(demand: wire.DemandeSurDossier, caller: Caller = who) -> None:
        """Fermeture du DP à la demande du patient : ses données sont effacées."""
        routes.close(demand, guard(demand.beneficiaire, caller))

    @app.post("/dossiers/impression", response_model=wire.Impression)
    def printout(demand: wire.DemandeSurDossier, caller: Caller = who) -> wire.Impression:
        """Le contenu de l'impression remise au patient : ses lignes et l'historique des accès."""
        return routes.printout(demand, guard(demand.beneficiaire, caller))


def _dispensation_routes(app: FastAPI, routes: _Routes, guard: Guard, who: Any) -> None:
    @app.post("/dossiers/lignes", response_model=wire.ReponseEnvoi)
    def feed(demand: wire.EnvoiLignes, caller: Caller = who) -> wire.ReponseEnvoi:
        """Alimentation : les lignes d'une délivrance (une ligne reçue deux fois est gardée une fois)."""
        return routes.feed(demand, guard(demand.beneficiaire, caller))

    @app.post("/dossiers/annulation", response_model=wire.ReponseRetrait)
    def cancel(demand: wire.DemandeSurDispensation, caller: Caller = who) -> wire.ReponseRetrait:
        """Annulation d'une délivrance : ses lignes sont retirées du DP."""
        return routes.cancel(demand, guard(demand.beneficiaire, caller))

    @app.post("/dossiers/refus-alimentation", response_model=wire.ReponseRetrait)
    def refuse_feeding(demand: wire.DemandeSurDispensation, caller: Caller = who) -> wire.ReponseRetrait:
        """Refus du patient que cette délivrance alimente son DP."""
        return routes.refuse_feeding(demand, guard(demand.beneficiaire, caller))
