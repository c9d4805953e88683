"""A local ASAFO: the contract of wire.py, its own SQLite storage, seeded with confirmed fake prescriptions.

    GET  /alertes                        confirmed fakes, newest first; filters: region (absent: national),
                                         depuis (created after: "new since my last visit"), nir, rpps, produit
    GET  /alertes/{id}/document          the scanned prescription (a declared scan, or a drawn specimen)
    POST /signalements                   declare a suspicion: scan required, idempotent by (pharmacy, cle)
    GET  /signalements                   the calling pharmacy's declarations and their outcome
    POST /instruction/signalements/{id}  the CPAM rules (CONFIRMEE / INFIRMEE); a confirmed one becomes an alert

Rules (SPEC §11.2) and choices [U]: only pharmacists consult and declare (a médecin's token: 403); a
declaration without its scan, or with a scan over `wire.DOCUMENT_MAX_BYTES` or of another type than JPEG, PNG
or PDF, is refused (422, French); a declaration is `EN_COURS` until the CPAM rules; the ruling route takes
only the CPAM's own token (`cpam_token`), which no pharmacy holds. A confirmed declaration "alerts all
pharmacies": it enters the list, dated of the ruling.

Scenario: the route answers 503 while the emulator is "en panne" (`POST /scenario/panne`, `/scenario/retabli`,
test and demo only), so a test shows the counter going on without ASAFO.
"""

from __future__ import annotations

import base64
import binascii
import io
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    LargeBinary,
    Select,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from comptoir.national.asafo import seeds, wire
from comptoir.national.credentials import Caller, Credential, Profession, authenticator, digest, forbid
from comptoir.national.refusals import answer_refusals
from comptoir.refdata.search import fold


class _Base(DeclarativeBase):
    pass


class EmulatedAlert(_Base):
    __tablename__ = "asafo_alerte"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    region: Mapped[str] = mapped_column(String(40))
    rpps: Mapped[str | None] = mapped_column(String(11), index=True)
    nir: Mapped[str | None] = mapped_column(String(15), index=True)
    products: Mapped[str] = mapped_column(Text)
    """Brands, CIP13 and substances folded, for the product filter."""
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    document: Mapped[bytes | None] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(40), default="image/png")


class EmulatedDeclaration(_Base):
    __tablename__ = "asafo_signalement"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    structure: Mapped[str] = mapped_column(String(20))
    rpps: Mapped[str] = mapped_column(String(11))
    key: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(10))
    declared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(Text, default="")
    alert_id: Mapped[str | None] = mapped_column(String(40))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    document: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(40))

    __table_args__ = (UniqueConstraint("structure", "key"),)


class EmulatedCredential(_Base):
    __tablename__ = "asafo_habilitation"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    structure: Mapped[str] = mapped_column(String(20))
    rpps: Mapped[str] = mapped_column(String(11))
    profession: Mapped[str] = mapped_column(String(20))
    """pharmacien, medecin, or cpam (the CPAM's reviewer, who rules on declarations)."""


CPAM = "cpam"
CPAM_STRUCTURE = "CPAM"


class _Store:
    """Opened on first use: mounting the emulator costs nothing until someone calls it."""

    def __init__(self, database: Path, credentials: Sequence[Credential], cpam_token: str | None) -> None:
        self.database, self.credentials, self.cpam_token = database, tuple(credentials), cpam_token
        self._lock = threading.Lock()
        self._factory: sessionmaker[Session] | None = None
        self.down = False
        self.authenticate = authenticator("asafo", self.caller)

    def session(self) -> Session:
        with self._lock:
            if self._factory is None:
                self._factory = self._open()
            factory = self._factory
        return factory()

    def _open(self) -> sessionmaker[Session]:
        self.database.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(f"sqlite:///{self.database}", connect_args={"check_same_thread": False})
        _Base.metadata.create_all(engine)
        factory = sessionmaker(engine, expire_on_commit=False)
        with factory.begin() as session:
            if session.scalar(select(EmulatedAlert.id).limit(1)) is None:
                for seed in seeds.seed_alerts():
                    session.add(_seeded(seed))
            for c in self.credentials:
                session.merge(EmulatedCredential(digest=digest(c.token), structure=c.structure, rpps=c.rpps,
                                                 profession=c.profession.value))
            if self.cpam_token:
                session.merge(EmulatedCredential(digest=digest(self.cpam_token), structure=CPAM_STRUCTURE, rpps="",
                                                 profession=CPAM))
        return factory

    def caller(self, token_digest: str) -> Caller | None:
        """The CPAM's reviewer is told apart by its structure; its profession never lets it act as a pharmacist."""
        with self.session() as session:
            row = session.get(EmulatedCredential, token_digest)
        if row is None:
            return None
        if row.profession == CPAM:
            return Caller(CPAM_STRUCTURE, "", Profession.MEDECIN)
        return Caller(row.structure, row.rpps, Profession(row.profession))


def _seeded(seed: seeds.SeedAlert) -> EmulatedAlert:
    rpps, structure, name = seed.prescriber
    body = wire.Alerte(
        idAlerte=seed.alert_id, typeAnomalie=seed.anomaly, dateFinInstruction=seed.review_ended_on,  # type: ignore[arg-type]
        datePrescription=seed.prescribed_on, prescripteur=wire.Prescripteur(rpps=rpps, numeroStructure=structure,
                                                                            nom=name),
        beneficiaire=wire.Beneficiaire(nir=seed.patient_nir, nom=seed.patient_name),
        classeMedicamenteuse=seed.drug_class,
        produits=[wire.Produit(marque=b, cip13=c, substances=list(s)) for b, c, s in seed.products],
        region=seed.region, dateCreation=seed.created_at)
    return _alert_row(body, None, "image/png")


def _alert_row(body: wire.Alerte, document: bytes | None, content_type: str) -> EmulatedAlert:
    searchable = " ".join(fold(f"{p.marque} {p.cip13 or ''} {' '.join(p.substances)}") for p in body.produits)
    return EmulatedAlert(id=body.idAlerte, created_at=body.dateCreation, region=body.region,
                         rpps=body.prescripteur.rpps, nir=body.beneficiaire.nir, products=searchable,
                         body=body.model_dump(mode="json"), document=document, content_type=content_type)


def specimen(alert: wire.Alerte) -> bytes:
    """A drawn copy of the fake prescription (the seeds have no scan): the columns of the alert, stamped."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (620, 420), "white")
    draw = ImageDraw.Draw(image)
    lines = [alert.prescripteur.nom, f"RPPS {alert.prescripteur.rpps or '-'}", "",
             f"Le {alert.datePrescription or ''}", f"Patient : {alert.beneficiaire.nom}", "",
             *(f"- {p.marque}" for p in alert.produits), "", f"FAUSSE ORDONNANCE ({alert.typeAnomalie.upper()})",
             f"Alerte {alert.idAlerte}"]
    for n, text in enumerate(lines):
        draw.text((30, 24 + n * 26), text, fill="red" if text.startswith("FAUSSE") else "black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _document(given: wire.Document | None) -> tuple[bytes, str]:
    if given is None:
        raise HTTPException(422, "Joignez le scan de l'ordonnance suspecte : un signalement sans scan est refusé.")
    if given.typeContenu not in wire.DOCUMENT_TYPES:
        raise HTTPException(422, "Scan refusé : format JPEG, PNG ou PDF attendu.")
    if len(given.contenuBase64) > wire.DOCUMENT_MAX_BYTES * 4 // 3 + 4:
        raise HTTPException(422, f"Scan trop volumineux : {wire.DOCUMENT_MAX_BYTES // (1024 * 1024)} Mo au plus.")
    try:
        content = base64.b64decode(given.contenuBase64, validate=True)
    except (binascii.Error, ValueError):
        raise HTTPException(422, "Scan illisible : contenu base64 invalide.") from None
    if not content or len(content) > wire.DOCUMENT_MAX_BYTES:
        raise HTTPException(422, f"Scan vide ou trop volumineux : {wire.DOCUMENT_MAX_BYTES // (1024 * 1024)} Mo "
                                 "au plus.")
    return content, given.typeContenu


def _answer(row: EmulatedDeclaration, *, duplicate: bool = False) -> wire.ReponseSignalement:
    return wire.ReponseSignalement(idSignalement=f"SIG-{row.id:06d}", cle=row.key, statut=row.status,  # type: ignore[arg-type]
                                   dateSignalement=row.declared_at, dateDecision=row.decided_at,
                                   motifDecision=row.reason, idAlerte=row.alert_id, dejaRecu=duplicate)


def _filtered(rows: list[EmulatedAlert], nir: str | None, produit: str | None) -> list[EmulatedAlert]:
    wanted = fold(produit).strip() if produit else ""
    return [row for row in rows if (not nir or row.nir == nir.upper()) and (not wanted or wanted in row.products)]


def _store(request: Request) -> _Store:
    store: _Store = request.app.state.asafo
    return store


def _pharmacist(request: Request) -> Caller:
    store = _store(request)
    caller = store.authenticate(request)
    if store.down:
        raise HTTPException(503, "Service ASAFO indisponible (scénario de test « panne »).")
    if caller.profession != Profession.PHARMACIEN:
        raise forbid("ASAFO est réservé aux pharmaciens d'officine (CPS, e-CPS ou CPE avec délégation).")
    return caller


def _cpam(request: Request) -> Caller:
    caller = _store(request).authenticate(request)
    if caller.structure != CPAM_STRUCTURE:
        raise forbid("Seule la CPAM instruit les signalements.")
    return caller


Pharmacist = Annotated[Caller, Depends(_pharmacist)]
Cpam = Annotated[Caller, Depends(_cpam)]


def create_emulator(database: Path, *, credentials: Sequence[Credential] = (),
                    cpam_token: str | None = None) -> FastAPI:
    """The ASGI app; `database` is the emulator's own SQLite file (created and seeded on first call);
    `cpam_token`: the CPAM reviewer's credential (tests and demo), the only one that may rule."""
    store = _Store(database, credentials, cpam_token)
    app = FastAPI(title="Émulateur ASAFO", description=__doc__, version="1", docs_url="/docs",
                  openapi_url="/openapi.json", redoc_url=None)
    app.state.asafo = store
    _feed_routes(app, store)
    _declaration_routes(app, store)
    answer_refusals(app)
    return app


def _feed_routes(app: FastAPI, store: _Store) -> None:

    @app.get("/alertes", response_model=list[wire.Alerte])
    def alerts(_: Pharmacist, region: str | None = None, depuis: datetime | None = None,
               nir: Annotated[str | None, Query(max_length=15)] = None,
               rpps: Annotated[str | None, Query(max_length=11)] = None,
               produit: Annotated[str | None, Query(max_length=100)] = None) -> list[dict[str, Any]]:
        """Les ordonnances confirmées fausses, les plus récentes d'abord (région, ou national sans région)."""
        with store.session() as session:
            rows = list(session.scalars(_feed_query(region, depuis, rpps)))
        return [row.body for row in _filtered(rows, nir, produit)]

    @app.get("/alertes/{alert_id}/document", response_class=Response)
    def document(alert_id: str, _: Pharmacist) -> Response:
        """Le scan de l'ordonnance fausse."""
        with store.session() as session:
            row = session.get(EmulatedAlert, alert_id)
        if row is None:
            raise HTTPException(404, f"Alerte {alert_id} inconnue.")
        content = row.document or specimen(wire.Alerte.model_validate(row.body))
        return Response(content, media_type=row.content_type if row.document else "image/png")

    @app.post("/scenario/{state}", status_code=204)
    def scenario(state: str) -> None:
        """Scénario de test : « panne » (503 partout) ou « retabli »."""
        if state not in ("panne", "retabli"):
            raise HTTPException(404, "Scénario inconnu : panne ou retabli.")
        store.down = state == "panne"


def _feed_query(region: str | None, since: datetime | None, rpps: str | None) -> Select[EmulatedAlert]:
    query = select(EmulatedAlert).order_by(EmulatedAlert.created_at.desc())
    if region:
        query = query.where(EmulatedAlert.region == region)
    if since:
        query = query.where(EmulatedAlert.created_at > (since if since.tzinfo else since.replace(tzinfo=UTC)))
    if rpps:
        query = query.where(EmulatedAlert.rpps == rpps)
    return query


def _declaration_routes(app: FastAPI, store: _Store) -> None:

    @app.post("/signalements", response_model=wire.ReponseSignalement, status_code=201)
    def declare(given: wire.Signalement, caller: Pharmacist) -> wire.ReponseSignalement:
        """Signaler une ordonnance suspecte à sa CPAM (scan obligatoire) ; idempotent par clé."""
        with store.session() as session, session.begin():
            return _declared(session, caller, given)

    @app.get("/signalements", response_model=list[wire.ReponseSignalement])
    def mine(caller: Pharmacist) -> list[wire.ReponseSignalement]:
        """Mes signalements et leur devenir."""
        with store.session() as session:
            rows = session.scalars(select(EmulatedDeclaration).where(
                EmulatedDeclaration.structure == caller.structure).order_by(EmulatedDeclaration.id.desc()))
            return [_answer(row) for row in rows]

    @app.post("/instruction/signalements/{declaration_id}", response_model=wire.ReponseSignalement)
    def rule(declaration_id: str, decision: wire.Decision,
             _: Cpam) -> wire.ReponseSignalement:
        """Décision de la CPAM sur un signalement (réservé à la CPAM)."""
        with store.session() as session, session.begin():
            return _ruled(session, declaration_id, decision)


def _declared(session: Session, caller: Caller, given: wire.Signalement) -> wire.ReponseSignalement:
    known = session.scalar(select(EmulatedDeclaration).where(
        EmulatedDeclaration.structure == caller.structure, EmulatedDeclaration.key == given.cle))
    if known is not None:
        return _answer(known, duplicate=True)
    content, content_type = _document(given.document)
    row = EmulatedDeclaration(structure=caller.structure, rpps=caller.rpps, key=given.cle, status="EN_COURS",
                              declared_at=datetime.now(UTC), reason="",
                              body=given.model_dump(mode="json", exclude={"document"}), document=content,
                              content_type=content_type)
    session.add(row)
    session.flush()
    return _answer(row)


def _ruled(session: Session, declaration_id: str, decision: wire.Decision) -> wire.ReponseSignalement:
    number = declaration_id.removeprefix("SIG-")
    row = session.get(EmulatedDeclaration, int(number)) if number.isdigit() else None
    if row is None:
        raise HTTPException(404, f"Signalement {declaration_id} inconnu.")
    if row.status != "EN_COURS":
        raise HTTPException(409, f"Signalement {declaration_id} déjà instruit ({row.status}).")
    row.status, row.reason, row.decided_at = decision.statut, decision.motif, datetime.now(UTC)
    if decision.statut == "CONFIRMEE":
        row.alert_id = _publish(session, row, decision)
    return _answer(row)


def _publish(session: Session, row: EmulatedDeclaration, decision: wire.Decision) -> str:
    """The confirmed declaration, in the list every pharmacy sees."""
    given = wire.Signalement.model_validate(row.body)
    alert_id = f"ASAFO-{row.decided_at:%Y}-S{row.id:05d}" if row.decided_at else f"ASAFO-S{row.id:05d}"
    body = wire.Alerte(idAlerte=alert_id, typeAnomalie=decision.typeAnomalie,
                       dateFinInstruction=(row.decided_at or datetime.now(UTC)).date(),
                       datePrescription=given.datePrescription, prescripteur=given.prescripteur,
                       beneficiaire=given.beneficiaire,
                       classeMedicamenteuse=", ".join(p.marque for p in given.produits)[:200],
                       produits=given.produits, region=decision.region or "Non précisée",
                       dateCreation=row.decided_at or datetime.now(UTC))
    session.add(_alert_row(body, row.document, row.content_type))
    return alert_id


