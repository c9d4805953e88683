"""The emulated Pro Santé Connect's own SQLite storage: professionals, registered clients, authorization codes,
tokens (digests only), e-CPS requests waiting for the phone, and its RS256 signing key (generated once, kept)."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from joserfc.jwk import RSAKey
from sqlalchemy import JSON, Boolean, Float, Integer, String, Text, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from comptoir.national.psc.professionals import DEMO_PIN, PROFESSIONALS, Professional


class _Base(DeclarativeBase):
    pass


class StoredProfessional(_Base):
    __tablename__ = "psc_professionnel"
    rpps: Mapped[str] = mapped_column(String(11), primary_key=True)
    data: Mapped[dict[str, str]] = mapped_column(JSON)
    pin_digest: Mapped[str] = mapped_column(String(64))

    def professional(self) -> Professional:
        return Professional(**self.data)


class StoredClient(_Base):
    __tablename__ = "psc_client"
    client_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    secret_digest: Mapped[str] = mapped_column(String(64))
    redirect_uris: Mapped[list[str]] = mapped_column(JSON)
    post_logout_uris: Mapped[list[str]] = mapped_column(JSON)


class StoredCode(_Base):
    __tablename__ = "psc_code"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(80))
    rpps: Mapped[str] = mapped_column(String(11))
    redirect_uri: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text)
    nonce: Mapped[str | None] = mapped_column(Text)
    acr: Mapped[str] = mapped_column(String(20))
    means: Mapped[str] = mapped_column(String(10))
    challenge: Mapped[str] = mapped_column(Text)
    challenge_method: Mapped[str] = mapped_column(String(10))
    auth_time: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class StoredToken(_Base):
    __tablename__ = "psc_jeton"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    code_digest: Mapped[str] = mapped_column(String(64), index=True)
    client_id: Mapped[str] = mapped_column(String(80))
    rpps: Mapped[str] = mapped_column(String(11), index=True)
    scope: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[float] = mapped_column(Float)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class StoredEcpsRequest(_Base):
    """An e-CPS authentication waiting for the professional's approval on their phone."""

    __tablename__ = "psc_demande_ecps"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rpps: Mapped[str] = mapped_column(String(11))
    query: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[float] = mapped_column(Float)


class StoredKey(_Base):
    __tablename__ = "psc_cle"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    private_jwk: Mapped[dict[str, str | list[str]]] = mapped_column(JSON)


@dataclass(frozen=True, slots=True)
class ClientRegistration:
    """A relying party registered with PSC (a confidential client: the LGO's server)."""

    client_id: str
    secret: str
    redirect_uris: tuple[str, ...]
    post_logout_uris: tuple[str, ...] = ()


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def same_digest(value: str, expected: str) -> bool:
    return hmac.compare_digest(digest(value), expected)


class PscStore:
    """Opened on first use: mounting the emulator costs nothing until someone calls it."""

    def __init__(self, database: Path, clients: Sequence[ClientRegistration]) -> None:
        self.database, self.clients, self._lock = database, tuple(clients), threading.Lock()
        self._factory: sessionmaker[Session] | None = None
        self._key: RSAKey | None = None

    def session(self) -> Session:
        with self._lock:
            if self._factory is None:
                self._factory = self._open()
            factory = self._factory
        return factory()

    def signing_key(self) -> RSAKey:
        if self._key is None:
            with self.session() as session:
                row = session.get(StoredKey, 1)
                assert row is not None
                self._key = RSAKey.import_key(row.private_jwk)
        return self._key

    def _open(self) -> sessionmaker[Session]:
        self.database.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(f"sqlite:///{self.database}", connect_args={"check_same_thread": False})
        _Base.metadata.create_all(engine)
        factory = sessionmaker(engine, expire_on_commit=False)
        with factory.begin() as session:
            _seed(session)
            for client in self.clients:
                session.merge(StoredClient(client_id=client.client_id, secret_digest=digest(client.secret),
                                           redirect_uris=list(client.redirect_uris),
                                           post_logout_uris=list(client.post_logout_uris)))
        return factory


def _seed(session: Session) -> None:
    if session.get(StoredKey, 1) is None:
        key = RSAKey.generate_key(2048, parameters={"kid": "psc-emulateur-1", "use": "sig", "alg": "RS256"})
        session.add(StoredKey(id=1, private_jwk=key.as_dict(private=True)))
    if session.scalar(select(StoredProfessional.rpps).limit(1)) is None:
        for p in PROFESSIONALS:
            session.add(StoredProfessional(rpps=p.rpps, data=asdict(p), pin_digest=digest(DEMO_PIN)))
