"""The emulated Annuaire Santé's own SQLite tables (never the pharmacy's), seeded on first use (seed.py)."""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import JSON, Boolean, ForeignKey, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from comptoir.national.annuaire import seed
from comptoir.national.annuaire.port import Organization, Practitioner, Role
from comptoir.national.credentials import Caller, Credential, Profession, digest


class _Base(DeclarativeBase):
    pass


class StoredOrganization(_Base):
    __tablename__ = "annuaire_structure"
    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    finess: Mapped[str | None] = mapped_column(String(9), index=True)
    siret: Mapped[str | None] = mapped_column(String(14), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(10))
    lines: Mapped[list[str]] = mapped_column(JSON)
    postal_code: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(100))
    city_folded: Mapped[str] = mapped_column(String(100), index=True)
    phone: Mapped[str] = mapped_column(String(30))
    mailboxes: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean)


class StoredPractitioner(_Base):
    __tablename__ = "annuaire_professionnel"
    rpps: Mapped[str] = mapped_column(String(11), primary_key=True)
    family: Mapped[str] = mapped_column(String(100))
    given: Mapped[str] = mapped_column(String(100))
    family_folded: Mapped[str] = mapped_column(String(100), index=True)
    given_folded: Mapped[str] = mapped_column(String(100))
    profession: Mapped[str] = mapped_column(String(4))
    specialty: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean)
    mailboxes: Mapped[list[str]] = mapped_column(JSON)


class StoredRole(_Base):
    """A place of practice of a professional (the FHIR PractitionerRole)."""

    __tablename__ = "annuaire_exercice"
    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    rpps: Mapped[str] = mapped_column(ForeignKey("annuaire_professionnel.rpps"), index=True)
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("annuaire_structure.id"), index=True)
    mailboxes: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean)


class StoredKey(_Base):
    """An API key the service accepts (its digest only), and whom it was given to."""

    __tablename__ = "annuaire_cle"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    structure: Mapped[str] = mapped_column(String(20))
    rpps: Mapped[str] = mapped_column(String(11))
    profession: Mapped[str] = mapped_column(String(20))


def fold(text: str) -> str:
    """Upper case without accents, hyphens and apostrophes as spaces: how names are compared."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
    return " ".join(plain.replace("-", " ").replace("'", " ").split())


class Store:
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

    def caller(self, key_digest: str) -> Caller | None:
        with self.session() as session:
            row = session.get(StoredKey, key_digest)
        return Caller(row.structure, row.rpps, Profession(row.profession)) if row else None


def _open(database: Path, credentials: Sequence[Credential]) -> sessionmaker[Session]:
    database.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{database}", connect_args={"check_same_thread": False})
    _Base.metadata.create_all(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory.begin() as session:
        if session.scalar(select(StoredPractitioner.rpps).limit(1)) is None:
            _seed(session)
        for credential in credentials:
            session.merge(StoredKey(digest=digest(credential.token), structure=credential.structure,
                                    rpps=credential.rpps, profession=credential.profession.value))
    return factory


def _seed(session: Session) -> None:
    people, places = seed.generated()
    session.add_all(_organization_row(place) for place in places)
    session.flush()
    for person in people:
        session.add(StoredPractitioner(
            rpps=person.rpps, family=person.family_name, given=person.given_name,
            family_folded=fold(person.family_name), given_folded=fold(person.given_name),
            profession=person.profession, specialty=person.specialty, active=person.active,
            mailboxes=list(person.mailboxes)))
        session.add_all(StoredRole(id=f"8{person.rpps}-{n}", rpps=person.rpps,
                                   organization_id=role.organization.id if role.organization else None,
                                   mailboxes=list(role.mailboxes), active=role.active)
                        for n, role in enumerate(person.roles, start=1))


def _organization_row(place: Organization) -> StoredOrganization:
    return StoredOrganization(id=place.id, finess=place.finess, siret=place.siret, name=place.name,
                              name_folded=fold(place.name), sector=place.sector, lines=list(place.address_lines),
                              postal_code=place.postal_code, city=place.city, city_folded=fold(place.city),
                              phone=place.phone, mailboxes=list(place.mailboxes), active=place.active)


def organization_of(row: StoredOrganization) -> Organization:
    return Organization(row.id, row.name, finess=row.finess, siret=row.siret, sector=row.sector,
                        address_lines=tuple(row.lines), postal_code=row.postal_code, city=row.city, phone=row.phone,
                        mailboxes=tuple(row.mailboxes), active=row.active)


def practitioner_of(row: StoredPractitioner) -> Practitioner:
    return Practitioner(row.rpps, row.family, row.given, row.profession, specialty=row.specialty, active=row.active,
                        mailboxes=tuple(row.mailboxes))


def role_of(row: StoredRole, organizations: dict[str, Organization]) -> Role:
    return Role(organizations.get(row.organization_id or ""), tuple(row.mailboxes), active=row.active)
