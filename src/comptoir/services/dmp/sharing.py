"""Putting a document the pharmacy made into the patient's DMP (SPEC §5, §15.3), whatever the act: a
dispensation (services/dmp/feed.py), a vaccination, a medication review, an interview report.

`share` runs inside the act's unit of work: it records the document (store/sharing.py) and, when the patient's
identity is qualified, builds the CDA and enqueues `dmp.document` in the outbox (idempotency key: the document
id), so that the document is sent if and only if the act is committed, and a DMP that is down delays nothing.

An identity that is not QUAL has no INS to share (SPEC §1.3, §5.4 "INS rule"): the document is then recorded
« non envoyé — identité non qualifiée » and listed on the page of documents not sent, from which it is sent once
the identity is qualified (`send_again`). That rebuilds the CDA from the act: each kind registers how
(`register_rebuilder`), e.g. the vaccinations:

    def rebuild(uow, record): ...return a build(header) -> bytes for record.source_ref...
    register_rebuilder("vaccination", rebuild)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from comptoir.cda import model
from comptoir.cda.ids import new_document_id
from comptoir.errors import NotFound, RuleViolation
from comptoir.national.dmp.port import Visibility
from comptoir.services.eprescription.scan import pharmacy_of, rpps_of
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.outbox import enqueue
from comptoir.store import models as m
from comptoir.store import sharing as s
from comptoir.store.outbox import OutboxMessage
from comptoir.store.sharing import SharedDocument

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

DOCUMENT, SUPPRESSION = "dmp.document", "dmp.suppression"
KINDS = {"dispensation": "Dispensation", "vaccination": "Note de vaccination", "report": "Compte rendu"}
TYPE_CODES = {"dispensation": "60593-1", "vaccination": "87273-9"}
"""LOINC typeCode of SPEC §5.1 by kind; a report names its own (bilan médicamenteux, CR d'entretien…)."""
UNQUALIFIED = "identité non qualifiée"
OPPOSITION = "le patient s'oppose à l'alimentation de son DMP"
QUALIFIED = "QUAL"

Build = Callable[[model.Header], bytes]
Rebuilder = Callable[["UnitOfWork", SharedDocument], Build]
_REBUILDERS: dict[str, Rebuilder] = {}


def register_rebuilder(kind: str, rebuild: Rebuilder) -> None:
    """How to build again a document of `kind` from its act (its `source_ref`), once the identity is qualified."""
    _REBUILDERS[kind] = rebuild


class IdentityNotQualified(RuleViolation):
    pass


def share(uow: UnitOfWork, *, patient: m.Patient, kind: str, build: Build, title: str,
          visibility: tuple[Visibility, ...], operator: CurrentOperator, now: datetime, source_ref: str,
          type_code: str = "", act_at: datetime | None = None) -> SharedDocument:
    """Record a document for the DMP and, when the identity is qualified, enqueue it; returns the record.

    `build` turns the header made here (patient, pharmacy, author = the operator) into the CDA XML;
    `type_code` defaults to the kind's (SPEC §5.1); `act_at` (the act's time) defaults to `now`."""
    record, _ = share_enqueued(uow, patient=patient, kind=kind, build=build, title=title, visibility=visibility,
                               operator=operator, now=now, source_ref=source_ref, type_code=type_code, act_at=act_at)
    return record


def share_enqueued(uow: UnitOfWork, *, patient: m.Patient, kind: str, build: Build, title: str,
                   visibility: tuple[Visibility, ...], operator: CurrentOperator, now: datetime, source_ref: str,
                   type_code: str = "", act_at: datetime | None = None
                   ) -> tuple[SharedDocument, OutboxMessage | None]:
    """`share`, also returning the message enqueued (None when the identity is not qualified or the patient opposed
    the feeding of his DMP: the document is then only recorded, with why)."""
    record = SharedDocument(
        kind=kind, patient_id=patient.id, document_id=new_document_id(), version=1, title=title,
        type_code=type_code or TYPE_CODES.get(kind, ""), visibility=[v.value for v in visibility], content=b"",
        status=s.NOT_SENT, reason="", act_at=act_at or now, created_at=now, created_by=operator.code,
        author_rpps=rpps_of(uow, operator) or "", author_name=operator.display_name, source_ref=source_ref)
    record.set_id = record.document_id
    uow.sharing.add(record)
    if opposed(uow, patient.id):
        record.status, record.reason = s.OPPOSED, OPPOSITION
        return record, None
    if not feedable(patient):
        record.reason = UNQUALIFIED
        return record, None
    return record, _build_and_enqueue(uow, record, patient, build, now)


def opposed(uow: UnitOfWork, patient_id: int) -> bool:
    """The patient opposed the feeding of his DMP by the pharmacy (recorded at the counter)."""
    choice = uow.sharing.choice(patient_id)
    return choice is not None and choice.feeding_opposed


def feedable(patient: m.Patient) -> bool:
    """Only a qualified identity with its matricule INS and its OID may be shared (SPEC §1.3, §5.4)."""
    return patient.identity_status == QUALIFIED and bool(patient.nir) and bool(patient.nir_oid)


def cda_patient(patient: m.Patient) -> model.Patient:
    """The patient as a CDA names him: the INS and the birth traits; refused unless the identity is QUAL."""
    if not feedable(patient) or patient.nir is None or patient.nir_oid is None:
        raise IdentityNotQualified("Identité non qualifiée : le document ne peut pas être envoyé au DMP "
                                   "(qualifiez l'INS du patient).")
    given = (patient.birth_given_names or patient.first_name).split()
    return model.Patient(ins=patient.nir, ins_oid=patient.nir_oid, last_name=patient.last_name,
                         birth_name=patient.birth_name or patient.last_name, first_names=tuple(given),
                         birth_date=patient.birth_date, sex=patient.sex if patient.sex in ("M", "F") else "U")


def header(uow: UnitOfWork, record: SharedDocument, patient: m.Patient) -> model.Header:
    """The header of `record`'s CDA: its ids, the qualified patient, the author and the pharmacy."""
    return model.Header(
        document_id=record.document_id, set_id=record.set_id, version=record.version, patient=cda_patient(patient),
        author=professional(record.author_rpps, record.author_name), pharmacy=cda_pharmacy(pharmacy_of(uow)),
        at=record.act_at, title=record.title,
        confidentiality=tuple(model.Confidentiality(v) for v in record.visibility))


def professional(rpps: str, display_name: str) -> model.Professional:
    """An operator's display name is « Prénom NOM » or « NOM Prénom »: the upper-case words are the last name."""
    words = display_name.split()
    upper = [w for w in words if w.isupper() and len(w) > 1]
    last = " ".join(upper) if upper else (words[-1] if words else "")
    first = " ".join(w for w in words if w not in upper) if upper else " ".join(words[:-1])
    return model.Professional(rpps=rpps, last_name=last, first_name=first)


_POSTAL = re.compile(r"^(?P<street>.*?)[,\s]*(?P<code>\d{5})\s+(?P<city>.+)$", re.DOTALL)


def cda_pharmacy(pharmacy: m.Pharmacy) -> model.Pharmacy:
    found = _POSTAL.match(" ".join(pharmacy.address.split()))
    address = (model.Address(found["street"], found["code"], found["city"]) if found
               else model.Address(street=pharmacy.address))
    return model.Pharmacy(finess=pharmacy.finess, name=pharmacy.name, address=address)


def _build_and_enqueue(uow: UnitOfWork, record: SharedDocument, patient: m.Patient, build: Build,
                       now: datetime) -> OutboxMessage:
    record.content = build(header(uow, record, patient))
    record.status, record.reason = s.TO_SEND, ""
    return enqueue(uow, kind=DOCUMENT, key=record.document_id, payload=document_payload(record),
                   label=_label(record, patient, "document pour le DMP"), now=now)


def document_payload(record: SharedDocument) -> dict[str, Any]:
    return {"document_id": record.document_id, "visibility": list(record.visibility)}


def send_again(uow: UnitOfWork, record: SharedDocument, *, now: datetime) -> OutboxMessage:
    """A document not sent (identity then not qualified) or refused, built again from its act and enqueued."""
    patient = uow.patients.by_id(record.patient_id)
    if patient is None:
        raise NotFound("Patient du document introuvable.")
    if record.status not in (s.NOT_SENT, s.REFUSED):
        raise RuleViolation("Ce document n'est pas en attente d'envoi.")
    if opposed(uow, patient.id):
        raise RuleViolation("Le patient s'oppose à l'alimentation de son DMP : le document n'est pas envoyé.")
    rebuild = _REBUILDERS.get(record.kind)
    if rebuild is None:
        raise RuleViolation(f"Les documents « {KINDS.get(record.kind, record.kind)} » ne peuvent pas être "
                            "reconstruits.")
    if record.status == s.REFUSED:  # a new id: the DMP's refusal stays tied to the first one
        record.document_id = new_document_id()
        record.set_id = record.document_id
    return _build_and_enqueue(uow, record, patient, rebuild(uow, record), now)


def withdraw(uow: UnitOfWork, source_ref: str, *, now: datetime) -> list[OutboxMessage]:
    """The act was cancelled: its documents are deleted from the DMP by their author; one never sent is just
    marked deleted (a deletion waits for its document's sending, the outbox orders them)."""
    messages = []
    for record in uow.sharing.of_source(source_ref):
        if record.status in (s.TO_SEND, s.SENT):
            patient = uow.patients.by_id(record.patient_id)
            messages.append(enqueue(uow, kind=SUPPRESSION, key=f"{record.document_id}-suppression",
                                    payload={"document_id": record.document_id}, depends_on=record.document_id,
                                    label=_label(record, patient, "suppression du document du DMP"), now=now))
            record.status = s.TO_DELETE
        elif record.status != s.TO_DELETE:
            record.status = s.DELETED
    return messages


def _label(record: SharedDocument, patient: m.Patient | None, what: str) -> str:
    who = f"{patient.last_name} {patient.first_name}" if patient else "patient"
    return f"DMP — {KINDS.get(record.kind, record.kind)} — {who} — {what}"
