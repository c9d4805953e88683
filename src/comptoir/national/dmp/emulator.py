"""A local DMP (Mon espace santé): registry and repository of CDA documents, the contract of wire.py, its own SQLite
storage (storage.py), the rules of rules.py.

Professionals (bearer token of a structure + RPPS + profession, national/credentials.py):

    GET    /patients/{ins}/etat        does the patient have a DMP, has he opposed this professional
    POST   /documents                  feed (ITI-41): the CDA, the masks asked for, the uniqueId it replaces
    GET    /patients/{ins}/documents   search (ITI-18): the entries this caller may see, newest first
    GET    /documents/{uniqueId}       retrieve (ITI-43): the entry and the document
    DELETE /documents/{uniqueId}       delete, by its author only (same RPPS, same structure)

The patient and his legal representatives (Mon espace santé, their own tokens, storage.PatientCredential):

    GET    /espace-sante/documents            the documents they may see (SPEC §5.3 masks)
    GET    /espace-sante/documents/{uniqueId}
    GET    /espace-sante/acces                who accessed the DMP, when, to do what (refusals included)
    POST   /espace-sante/blocages             keep a professional (RPPS) or a structure out
    POST   /espace-sante/fermeture            close the DMP: nobody reads or feeds it any more
    POST   /espace-sante/reouverture

Feeding (rules.py): the DMP reads the metadata from the CDA header itself (cda/metadata.py), refuses what is not
a CDA, has no INS, an INS that is not an INS-NIR, unknown to its copy of the national referential
(identites.json) or whose traits differ (422); a closed DMP (403). The same uniqueId sent again is stored once
and answered with the same receipt (`doublon`); the same uniqueId with another content is a 409. A replacement
keeps the setId, takes the next version and deprecates the old entry (its author only, SPEC §5.2, §5.3).

[U] A professional the patient blocked may still feed the DMP (Mon espace santé says a blocked professional can
no longer consult it); he can no longer search or retrieve (403). Every patient of the referential has a DMP
until he closes it (Mon espace santé is opened for everyone who did not object). Errors: `{"detail": "…"}` in
French; 401 without a known token, 403 a refusal of the act, 404 unknown or hidden, 409 conflict, 422 a document
the DMP cannot index.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from comptoir.cda.metadata import EntryFacts, entry_facts
from comptoir.national.credentials import Caller, Credential, authenticator, digest
from comptoir.national.dmp import rules, wire
from comptoir.national.dmp.port import Reader, Visibility
from comptoir.national.dmp.storage import (
    Access,
    Blocked,
    Holder,
    PatientChoice,
    PatientCredential,
    Store,
    StoredDocument,
)
from comptoir.national.refusals import answer_refusals

SERVICE = "dmp"
DEMO_PATIENT_INS = "166023155504769"
"""GENE Alain, a demo patient (devtools/demo.py) whose Mon espace santé `comptoir emulate dmp` opens."""


class Journal:
    """One access being made: what the journal will say of it, whatever its outcome."""

    def __init__(self, who: str, action: str, ins: str = "", unique_id: str = "") -> None:
        self.who, self.action, self.ins, self.unique_id = who, action, ins, unique_id


class Registry:
    """The DMP's acts over its store; the routes below only read the request and the caller."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @contextmanager
    def journal(self, who: str, action: str, ins: str = "", unique_id: str = "") -> Iterator[Journal]:
        entry = Journal(who, action, ins, unique_id)
        outcome = "ok"
        try:
            yield entry
        except HTTPException as refusal:
            outcome = f"refus {refusal.status_code}"
            raise
        finally:
            if entry.ins:
                with self.store.writing() as session:
                    session.add(Access(at=datetime.now(UTC), ins=entry.ins, who=entry.who, action=entry.action,
                                       unique_id=entry.unique_id[:256], outcome=outcome))

    def status(self, ins: str, caller: Caller) -> wire.EtatDmp:
        with self.journal(_who(caller), "etat", ins if ins in rules.referential() else ""), \
                self.store.reading() as session:
            if ins not in rules.referential():
                return wire.EtatDmp(existe=False, opposition=False, motif=rules.NO_DMP.format(ins=ins))
            if _closed(session, ins):
                return wire.EtatDmp(existe=False, opposition=False, motif=rules.CLOSED)
            opposed = _blocked(session, ins, caller)
            return wire.EtatDmp(existe=True, opposition=opposed, motif=rules.BLOCKED if opposed else "")

    def feed(self, demand: wire.Alimentation, caller: Caller) -> wire.Accuse:
        content = _decoded(demand.document)
        facts = _facts(content)
        with self.journal(_who(caller), "alimentation", facts.patient_ins, facts.unique_id), \
                self.store.writing() as session:
            reason = rules.feed_refusal(facts, rules.referential().get(facts.patient_ins))
            if reason:
                raise HTTPException(422, reason)
            if _closed(session, facts.patient_ins):
                raise HTTPException(403, rules.CLOSED)
            known = session.get(StoredDocument, facts.unique_id)
            if known is not None:
                return _duplicate(known, content)
            entry = _entry(facts, content, tuple(Visibility(v) for v in demand.visibilite))
            if demand.remplace:
                entry = _replacing(session, demand.remplace, entry, caller)
            session.add(StoredDocument(unique_id=entry.uniqueId, ins=entry.insPatient, set_id=entry.setId,
                                       status=entry.statut, created=entry.dateCreation,
                                       entry=entry.model_dump(mode="json"), content=content))
            return wire.Accuse(uniqueId=entry.uniqueId, setId=entry.setId, version=entry.version, doublon=False)

    def search(self, ins: str, caller: Caller, type_codes: Sequence[str], since: datetime | None) -> list[wire.Fiche]:
        with self.journal(_who(caller), "recherche", ins if ins in rules.referential() else ""), \
                self.store.reading() as session:
            _may_read(session, ins, caller)
            found = [_fiche(row) for row in _approved(session, ins)]
        return [f for f in found if _professional_sees(f, caller) and rules.readable_type(caller.profession, f.typeCode)
                and (not type_codes or f.typeCode in type_codes) and (since is None or f.dateCreation >= since)]

    def retrieve(self, unique_id: str, caller: Caller) -> wire.Document:
        with self.journal(_who(caller), "consultation", unique_id=unique_id) as journal, \
                self.store.reading() as session:
            row = session.get(StoredDocument, unique_id)
            if row is None or not _professional_sees(_fiche(row), caller):
                raise HTTPException(404, f"Document introuvable dans le DMP : {unique_id}.")
            journal.ins = row.ins
            _may_read(session, row.ins, caller)
            if not rules.readable_type(caller.profession, _fiche(row).typeCode):
                raise HTTPException(403, rules.NOT_READABLE.format(label=_fiche(row).typeLibelle))
            return _document(row)

    def delete(self, unique_id: str, caller: Caller) -> None:
        with self.journal(_who(caller), "suppression", unique_id=unique_id) as journal, \
                self.store.writing() as session:
            row = session.get(StoredDocument, unique_id)
            if row is None:
                raise HTTPException(404, f"Document introuvable dans le DMP : {unique_id}.")
            journal.ins = row.ins
            _authored(_fiche(row), caller)
            session.delete(row)

    def holder_documents(self, holder: Holder) -> list[wire.Fiche]:
        with self.journal(_holder_name(holder), "recherche", holder.ins), self.store.reading() as session:
            found = [_fiche(row) for row in _approved(session, holder.ins)]
        return [f for f in found if rules.visible(tuple(f.confidentialite), holder.reader)]

    def holder_document(self, holder: Holder, unique_id: str) -> wire.Document:
        with self.journal(_holder_name(holder), "consultation", holder.ins, unique_id), \
                self.store.reading() as session:
            row = session.get(StoredDocument, unique_id)
            if row is None or row.ins != holder.ins or not rules.visible(tuple(_fiche(row).confidentialite),
                                                                          holder.reader):
                raise HTTPException(404, f"Document introuvable dans votre espace santé : {unique_id}.")
            return _document(row)

    def accesses(self, holder: Holder) -> list[wire.Acces]:
        with self.store.reading() as session:
            rows = session.scalars(select(Access).where(Access.ins == holder.ins).order_by(Access.id.desc())
                                   .limit(500))
            # SQLite gives the time back without its zone: it was written in UTC.
            return [wire.Acces(date=r.at.replace(tzinfo=r.at.tzinfo or UTC), qui=r.who, action=r.action,
                               uniqueId=r.unique_id, resultat=r.outcome) for r in rows]

    def block(self, holder: Holder, demand: wire.Blocage) -> None:
        who = demand.rpps or demand.structure
        if not who:
            raise HTTPException(422, "Indiquez le RPPS du professionnel ou le numéro de la structure à bloquer.")
        with self.journal(_holder_name(holder), "blocage", holder.ins), self.store.writing() as session:
            session.add(Blocked(ins=holder.ins, who=who))

    def set_closed(self, holder: Holder, closed: bool) -> None:
        with self.journal(_holder_name(holder), "fermeture" if closed else "reouverture", holder.ins), \
                self.store.writing() as session:
            session.merge(PatientChoice(ins=holder.ins, closed=closed))


def _decoded(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise HTTPException(422, "Document illisible : base 64 attendu.") from exc


def _facts(content: bytes) -> EntryFacts:
    try:
        return entry_facts(content)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc


def _entry(facts: EntryFacts, content: bytes, visibility: tuple[Visibility, ...]) -> wire.Fiche:
    return wire.Fiche(
        uniqueId=facts.unique_id, setId=facts.set_id, version=facts.version, insPatient=facts.patient_ins,
        oidInsPatient=facts.patient_ins_oid, classCode=facts.class_code, typeCode=facts.type_code,
        typeLibelle=facts.type_label, formatCode=facts.format_code,
        confidentialite=list(rules.requested_confidentiality(facts.confidentiality, visibility)),
        auteurRpps=facts.author_rpps, auteurNom=facts.author_name, auteurStructure=facts.author_structure,
        typeEtablissement=facts.healthcare_facility_type, dateCreation=facts.creation_time,
        debutActe=facts.service_start, titre=facts.title, typeMime="text/xml", taille=len(content),
        hash=hashlib.sha1(content, usedforsecurity=False).hexdigest(), statut="approved")


def _duplicate(known: StoredDocument, content: bytes) -> wire.Accuse:
    if known.content != content:
        raise HTTPException(409, f"Un autre document porte déjà l'identifiant {known.unique_id} dans le DMP.")
    entry = _fiche(known)
    return wire.Accuse(uniqueId=entry.uniqueId, setId=entry.setId, version=entry.version, doublon=True)


def _replacing(session: Session, replaced: str, entry: wire.Fiche, caller: Caller) -> wire.Fiche:
    old = session.get(StoredDocument, replaced)
    if old is None:
        raise HTTPException(404, f"Document à remplacer introuvable dans le DMP : {replaced}.")
    previous = _fiche(old)
    _authored(previous, caller)
    if previous.statut != "approved":
        raise HTTPException(409, "Ce document a déjà été remplacé par une version plus récente.")
    if previous.setId != entry.setId or previous.insPatient != entry.insPatient:
        raise HTTPException(422, "Une nouvelle version garde le setId et le patient du document qu'elle remplace.")
    old.status = "deprecated"
    old.entry = previous.model_copy(update={"statut": "deprecated"}).model_dump(mode="json")
    return entry.model_copy(update={"version": previous.version + 1})


def _fiche(row: StoredDocument) -> wire.Fiche:
    return wire.Fiche.model_validate(row.entry)


def _document(row: StoredDocument) -> wire.Document:
    return wire.Document(fiche=_fiche(row), contenu=base64.b64encode(row.content).decode("ascii"))


def _approved(session: Session, ins: str) -> list[StoredDocument]:
    return list(session.scalars(select(StoredDocument).where(StoredDocument.ins == ins,
                                                              StoredDocument.status == "approved")
                                .order_by(StoredDocument.created.desc())))


def _closed(session: Session, ins: str) -> bool:
    choice = session.get(PatientChoice, ins)
    return bool(choice and choice.closed)


def _blocked(session: Session, ins: str, caller: Caller) -> bool:
    return session.scalar(select(Blocked.id).where(Blocked.ins == ins,
                                                    Blocked.who.in_([caller.rpps, caller.structure]))) is not None


def _may_read(session: Session, ins: str, caller: Caller) -> None:
    if ins not in rules.referential():
        raise HTTPException(404, rules.NO_DMP.format(ins=ins))
    if _closed(session, ins):
        raise HTTPException(403, rules.CLOSED)
    if _blocked(session, ins, caller):
        raise HTTPException(403, rules.BLOCKED)


def _professional_sees(entry: wire.Fiche, caller: Caller) -> bool:
    return rules.visible(tuple(entry.confidentialite), Reader.PROFESSIONAL, author_rpps=entry.auteurRpps,
                         rpps=caller.rpps)


def _authored(entry: wire.Fiche, caller: Caller) -> None:
    if not rules.may_withdraw(entry.auteurRpps, entry.auteurStructure, rpps=caller.rpps, structure=caller.structure):
        raise HTTPException(403, rules.NOT_AUTHOR)


def _who(caller: Caller) -> str:
    return f"{caller.profession.value} RPPS {caller.rpps}, structure {caller.structure}"


def _holder_name(holder: Holder) -> str:
    return "le patient" if holder.reader is Reader.PATIENT else "un représentant légal"


def _caller(request: Request) -> Caller:
    authenticate = request.app.state.authenticate_professional
    caller: Caller = authenticate(request)
    return caller


def _holder(request: Request) -> Holder:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    holder = request.app.state.registry.store.holder(digest(token.strip())) if scheme.lower() == "bearer" else None
    if holder is None:
        raise HTTPException(401, "Authentification requise : connectez-vous à Mon espace santé.",
                            headers={"WWW-Authenticate": 'Bearer realm="mon-espace-sante"'})
    found: Holder = holder
    return found


Who = Annotated[Caller, Depends(_caller)]
Account = Annotated[Holder, Depends(_holder)]


def create_emulator(database: Path, *, credentials: Sequence[Credential] = (),
                    patients: Sequence[PatientCredential] = ()) -> FastAPI:
    """The ASGI app; `database` is the emulator's own SQLite file (created on first call); `credentials` (the
    professionals) and `patients` (Mon espace santé accounts) are added to the tokens it accepts."""
    store = Store(database, credentials, patients)
    registry = Registry(store)
    app = FastAPI(title="Émulateur du DMP (Mon espace santé)", description=__doc__, version="1", docs_url="/docs",
                  openapi_url="/openapi.json", redoc_url=None)
    app.state.registry = registry
    app.state.authenticate_professional = authenticator(SERVICE, store.caller)
    app.include_router(_professional_routes(registry), dependencies=[Depends(_caller)])
    app.include_router(_patient_routes(registry), prefix="/espace-sante", dependencies=[Depends(_holder)])
    answer_refusals(app)
    return app


def _professional_routes(registry: Registry) -> APIRouter:
    router = APIRouter()

    @router.get("/patients/{ins}/etat", response_model=wire.EtatDmp)
    def status(ins: str, caller: Who) -> wire.EtatDmp:
        """L'état du DMP d'un patient pour le professionnel authentifié (existence, opposition)."""
        return registry.status(ins, caller)

    @router.post("/documents", response_model=wire.Accuse)
    def feed(demand: wire.Alimentation, caller: Who) -> wire.Accuse:
        """Alimenter le DMP d'un document CDA (ITI-41) ; ses métadonnées sont lues dans son en-tête."""
        return registry.feed(demand, caller)

    @router.get("/patients/{ins}/documents", response_model=list[wire.Fiche])
    def search(ins: str, caller: Who, typeCode: Annotated[list[str] | None, Query()] = None,
               depuis: datetime | None = None) -> list[wire.Fiche]:
        """Rechercher les documents d'un patient visibles par le professionnel (ITI-18), les plus récents d'abord."""
        return registry.search(ins, caller, typeCode or [], depuis)

    @router.get("/documents/{unique_id}", response_model=wire.Document)
    def retrieve(unique_id: str, caller: Who) -> wire.Document:
        """Consulter un document par son identifiant unique (ITI-43)."""
        return registry.retrieve(unique_id, caller)

    @router.delete("/documents/{unique_id}", status_code=204)
    def delete(unique_id: str, caller: Who) -> Response:
        """Supprimer un document : son auteur seulement (même professionnel, même structure)."""
        registry.delete(unique_id, caller)
        return Response(status_code=204)

    return router


def _patient_routes(registry: Registry) -> APIRouter:
    router = APIRouter()

    @router.get("/documents", response_model=list[wire.Fiche])
    def documents(holder: Account) -> list[wire.Fiche]:
        """Les documents de mon espace santé que je peux voir (patient ou représentant légal)."""
        return registry.holder_documents(holder)

    @router.get("/documents/{unique_id}", response_model=wire.Document)
    def document(unique_id: str, holder: Account) -> wire.Document:
        """Lire un document de mon espace santé."""
        return registry.holder_document(holder, unique_id)

    @router.get("/acces", response_model=list[wire.Acces])
    def accesses(holder: Account) -> list[wire.Acces]:
        """Qui a accédé à mon DMP, quand, pour quoi faire (accès refusés compris)."""
        return registry.accesses(holder)

    @router.post("/blocages", status_code=204)
    def block(demand: wire.Blocage, holder: Account) -> Response:
        """Bloquer l'accès d'un professionnel (RPPS) ou d'une structure à mon DMP."""
        registry.block(holder, demand)
        return Response(status_code=204)

    @router.post("/fermeture", status_code=204)
    def close(holder: Account) -> Response:
        """Fermer mon DMP : plus aucune consultation ni alimentation."""
        registry.set_closed(holder, True)
        return Response(status_code=204)

    @router.post("/reouverture", status_code=204)
    def reopen(holder: Account) -> Response:
        """Rouvrir mon DMP."""
        registry.set_closed(holder, False)
        return Response(status_code=204)

    return router
