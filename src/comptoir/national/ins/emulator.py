"""A local INSi téléservice: the contract of wire.py, its own SQLite storage, deterministic scenarios.

    POST /recherche/carte    find the INS of a carte Vitale beneficiary (holder's NIR + names + birth date)
    POST /recherche/traits   find the INS from typed traits (birth name and first names required)
    POST /verification       check a known INS (matricule + traits): conforme / non conforme / inconnue
    GET  /identites          the test identities it knows (for the people testing, not in the real service)

The identities and scenarios come from `identites.json` (fictitious people): homonyms born the
same day (MARTIN Pierre), a changed birth name (a card still reading DUBOIS, the INS now LEFEBVRE),
births in Corsica (2A, 2B) and overseas (97411), a foreign-born NIA (99350, OID …4.9), twins on a
parent's card. Scenario keys (a card's holder NIR or a typed birth name) make the service answer
"several identities" (code 02), fail with HTTP 503 ("panne") or answer after `slow_s` seconds
("lenteur", past any sensible client timeout).

The routes are plain functions, not coroutines: FastAPI runs them in its thread pool, so their SQLite
work and the "lenteur" wait never hold the event loop of the server the emulator is mounted in.

Callers (SPEC §1.5: "requires a PS/structure authentication (CPS or server certificate)"): every route
answers 401 without a token it keeps in its own table (national/credentials.py: a structure, an RPPS,
a profession). [U] Which professions may query the INSi is not stated: any authenticated health
professional of a structure may (pharmacien and médecin alike), so no call here answers 403.
The real service is SOAP and authenticates with the CPS or the structure's certificate; the bearer
token stands for it (a later issue replaces it with a Pro Santé Connect access token).
Its own database is never the pharmacy's: a SQLite file given to `create_emulator`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException
from sqlalchemy import JSON, Date, DateTime, Integer, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from comptoir.domain.identity.ins import ins_text
from comptoir.national.credentials import Caller, Credential, Profession, authenticator, digest
from comptoir.national.ins import wire
from comptoir.national.refusals import answer_refusals

SEED_FILE = Path(__file__).with_name("identites.json")
SLOW_S = 20.0


class _Base(DeclarativeBase):
    pass


class EmulatedIdentity(_Base):
    __tablename__ = "insi_identite"
    matricule: Mapped[str] = mapped_column(String(15), primary_key=True)
    oid: Mapped[str] = mapped_column(String(30))
    birth_name: Mapped[str] = mapped_column(String(100))
    given_names: Mapped[str] = mapped_column(String(100))
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date)
    birth_place: Mapped[str] = mapped_column(String(5))
    holder_nir: Mapped[str | None] = mapped_column(String(15))
    case: Mapped[str] = mapped_column(String(200), default="")


class EmulatedScenario(_Base):
    __tablename__ = "insi_scenario"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    behaviour: Mapped[str] = mapped_column(String(20))


class EmulatedCall(_Base):
    """The emulator's own journal of what it was asked (the real service keeps one too)."""

    __tablename__ = "insi_appel"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    operation: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(3))
    request: Mapped[dict[str, Any]] = mapped_column(JSON)


class EmulatedCredential(_Base):
    """A token the service accepts (its digest only) and who presents it."""

    __tablename__ = "insi_habilitation"
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
    _Base.metadata.create_all(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory.begin() as session:
        if session.scalar(select(EmulatedIdentity.matricule).limit(1)) is None:
            _seed(session)
        for credential in credentials:
            session.merge(EmulatedCredential(digest=digest(credential.token), structure=credential.structure,
                                             rpps=credential.rpps, profession=credential.profession.value))
    return factory


def _seed(session: Session) -> None:
    data = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    for item in data["identites"]:
        session.add(EmulatedIdentity(
            matricule=item["matriculeIns"], oid=item["oid"], birth_name=item["nomNaissance"],
            given_names=item["prenoms"], sex=item["sexe"], birth_date=date.fromisoformat(item["dateNaissance"]),
            birth_place=item["lieuNaissance"], holder_nir=item.get("nirOuvrantDroit"), case=item.get("cas", "")))
    for key, behaviour in data["scenarios"].items():
        session.add(EmulatedScenario(key=key, behaviour=behaviour))


def _wire(identity: EmulatedIdentity) -> wire.IdentiteIns:
    return wire.IdentiteIns(matriculeIns=identity.matricule, oid=identity.oid, nomNaissance=identity.birth_name,
                            prenoms=identity.given_names, sexe=identity.sex,  # type: ignore[arg-type]
                            dateNaissance=identity.birth_date, lieuNaissance=identity.birth_place)


def _given(text: str) -> list[str]:
    return ins_text(text).split(" ")


SEVERAL = wire.ReponseRecherche(codeRetour="02", libelle="Plusieurs identités trouvées")


def _search_answer(found: list[EmulatedIdentity]) -> wire.ReponseRecherche:
    if not found:
        return wire.ReponseRecherche(codeRetour="01", libelle="Aucune identité trouvée")
    if len(found) > 1:
        return SEVERAL
    return wire.ReponseRecherche(codeRetour="00", libelle="Identité trouvée", identite=_wire(found[0]))


def by_card(session: Session, query: wire.RechercheCarte) -> list[EmulatedIdentity]:
    """The holder or a beneficiary attached to the holder's NIR, born that day, then by first name."""
    nir = query.nirOuvrantDroit.upper()[:13]
    born = session.scalars(select(EmulatedIdentity).where(EmulatedIdentity.birth_date == query.dateNaissance))
    rows = [row for row in born if nir in (row.matricule[:13], (row.holder_nir or "")[:13])]
    named = [row for row in rows if _given(query.prenom)[0] in _given(row.given_names)]
    return named if len(rows) > 1 and named else rows


def by_traits(session: Session, query: wire.RechercheTraits) -> list[EmulatedIdentity]:
    """Birth name exact (INS form), the first typed first name among the birth first names, then the options."""
    rows = session.scalars(select(EmulatedIdentity).where(EmulatedIdentity.birth_name == ins_text(query.nomNaissance)))
    wanted = _given(query.prenoms)
    return [row for row in rows if all(name in _given(row.given_names) for name in wanted)
            and (query.sexe is None or row.sex == query.sexe)
            and (query.dateNaissance is None or row.birth_date == query.dateNaissance)
            and (query.lieuNaissance is None or row.birth_place == query.lieuNaissance.upper())]


def verification(session: Session, query: wire.IdentiteIns) -> wire.ReponseVerification:
    row = session.get(EmulatedIdentity, query.matriculeIns.upper())
    if row is None or row.oid != query.oid:
        return wire.ReponseVerification(codeRetour="01", libelle="Matricule INS inconnu")
    held = _wire(row)
    same = _comparable(held) == _comparable(query)
    return wire.ReponseVerification(codeRetour="00" if same else "03",
                                    libelle="Identité conforme" if same else "Traits non conformes", identite=held)


def _comparable(identity: wire.IdentiteIns) -> tuple[object, ...]:
    return (ins_text(identity.nomNaissance), ins_text(identity.prenoms), identity.sexe, identity.dateNaissance,
            identity.lieuNaissance.upper())


def create_emulator(database: Path, *, credentials: Sequence[Credential] = (), slow_s: float = SLOW_S,
                    sleep: Callable[[float], object] = time.sleep) -> FastAPI:
    """The ASGI app; `database` is the emulator's own SQLite file (created and seeded on first call);
    `credentials` are added to the tokens it accepts (kept there, so a restart keeps them);
    `sleep` is how the "lenteur" scenario waits (a test may hold it on an event instead)."""
    store = _Store(database, credentials)
    authenticate = authenticator("insi", store.caller)
    app = FastAPI(title="Émulateur INSi", description=__doc__, version="1", docs_url="/docs",
                  openapi_url="/openapi.json", redoc_url=None, dependencies=[Depends(authenticate)])

    def play(key: str) -> str | None:
        with store.session() as session:
            scenario = session.get(EmulatedScenario, ins_text(key))
        behaviour = scenario.behaviour if scenario else None
        if behaviour == "panne":
            raise HTTPException(503, "Service INSi indisponible (scénario de test « panne »).")
        if behaviour == "lenteur":
            sleep(slow_s)
        return behaviour

    def journal(session: Session, operation: str, code: str, request: wire._Message) -> None:
        session.add(EmulatedCall(at=datetime.now(UTC), operation=operation, code=code,
                                 request=request.model_dump(mode="json")))

    @app.post("/recherche/carte", response_model=wire.ReponseRecherche)
    def search_card(query: wire.RechercheCarte) -> wire.ReponseRecherche:
        """Recherche de l'INS à partir des données de la carte Vitale."""
        behaviour = play(query.nirOuvrantDroit)
        with store.session() as session, session.begin():
            answer = SEVERAL if behaviour == "plusieurs" else _search_answer(by_card(session, query))
            journal(session, "carte", answer.codeRetour, query)
        return answer

    @app.post("/recherche/traits", response_model=wire.ReponseRecherche)
    def search_traits(query: wire.RechercheTraits) -> wire.ReponseRecherche:
        """Recherche de l'INS à partir des traits saisis (nom et prénoms de naissance obligatoires)."""
        play(query.nomNaissance)
        with store.session() as session, session.begin():
            answer = _search_answer(by_traits(session, query))
            journal(session, "traits", answer.codeRetour, query)
        return answer

    @app.post("/verification", response_model=wire.ReponseVerification)
    def verify(query: wire.IdentiteIns) -> wire.ReponseVerification:
        """Vérification d'une INS déjà connue (matricule, OID et traits)."""
        play(query.matriculeIns)
        with store.session() as session, session.begin():
            answer = verification(session, query)
            journal(session, "verification", answer.codeRetour, query)
        return answer

    @app.get("/identites")
    def identities() -> list[dict[str, object]]:
        """Les identités de test de l'émulateur, avec le cas que chacune illustre."""
        with store.session() as session:
            return [{**_wire(row).model_dump(mode="json"), "cas": row.case}
                    for row in session.scalars(select(EmulatedIdentity).order_by(EmulatedIdentity.birth_name))]

    answer_refusals(app)
    return app
