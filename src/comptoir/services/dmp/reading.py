"""Reading the patient's DMP from his page (SPEC §5.4 ITI-18 search, ITI-43 retrieve): whether it exists or the
patient opposed it, the documents this professional may see, each one opened as a readable page (and as a PDF
for a niveau 1 document). Only with the qualified INS (SPEC §5.4); only the roles allowed to (`READ_DMP`);
every list and every opening audited, a refusal or a DMP that is down said in French.

The DMP is asked with no transaction open (SQLite's write lock is never held during a call).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.cda.render import html_of, pdf_of
from comptoir.domain.operators import Permission
from comptoir.errors import ExternalServiceError, NotFound, RuleViolation
from comptoir.national.dmp.port import Dmp, DmpStatus, DocumentEntry
from comptoir.services.dmp import sharing
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import CurrentOperator

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

DOWN = "Le DMP ne répond pas : réessayez dans quelques minutes."
NOT_QUALIFIED = "Identité non qualifiée : le DMP ne se consulte qu'avec l'INS qualifié du patient (qualifiez-le)."


@dataclass(frozen=True, slots=True)
class PatientDmp:
    status: DmpStatus | None
    entries: list[DocumentEntry] = field(default_factory=list)
    problem: str = ""
    """Why nothing is shown (identity not qualified, opposition, DMP down), in French; empty when read."""


@dataclass(frozen=True, slots=True)
class OpenedDocument:
    entry: DocumentEntry
    html: str
    """A fragment comptoir.cda.render made from the CDA: every text of the document escaped."""
    has_pdf: bool


def patient_dmp(patient_id: int, *, uow: UnitOfWork, operator: CurrentOperator, dmp: Dmp,
                now: datetime) -> PatientDmp:
    operator.require(Permission.READ_DMP)
    ins = _qualified_ins(uow, patient_id)
    if ins is None:
        return PatientDmp(None, problem=NOT_QUALIFIED)
    try:
        status = dmp.status(ins)
        found = dmp.search(ins) if status.exists and not status.opposed else []
        read = PatientDmp(status, found, problem=_absence(status))
    except ExternalServiceError as exc:
        read = PatientDmp(None, problem=str(exc) if exc.permanent else DOWN)
    _audit(uow, operator, patient_id, f"liste DMP {len(read.entries)} document(s)"
           + (f" ({read.problem})" if read.problem else ""), now)
    return read


def open_document(patient_id: int, unique_id: str, *, uow: UnitOfWork, operator: CurrentOperator, dmp: Dmp,
                  now: datetime) -> OpenedDocument:
    """One document of the patient's DMP, as a page; refused when it is not this patient's."""
    entry, content = _retrieve(patient_id, unique_id, uow=uow, operator=operator, dmp=dmp, now=now)
    return OpenedDocument(entry, html_of(content), pdf_of(content) is not None)


def document_pdf(patient_id: int, unique_id: str, *, uow: UnitOfWork, operator: CurrentOperator, dmp: Dmp,
                 now: datetime) -> bytes:
    """The PDF a niveau 1 document carries."""
    _, content = _retrieve(patient_id, unique_id, uow=uow, operator=operator, dmp=dmp, now=now)
    pdf = pdf_of(content)
    if pdf is None:
        raise RuleViolation("Ce document est structuré : il n'a pas de PDF, lisez-le à l'écran.")
    return pdf


def _retrieve(patient_id: int, unique_id: str, *, uow: UnitOfWork, operator: CurrentOperator, dmp: Dmp,
              now: datetime) -> tuple[DocumentEntry, bytes]:
    operator.require(Permission.READ_DMP)
    ins = _qualified_ins(uow, patient_id)
    if ins is None:
        raise RuleViolation(NOT_QUALIFIED)
    try:
        retrieved = dmp.retrieve(unique_id)
    except ExternalServiceError as exc:
        _audit(uow, operator, patient_id, f"ouverture document DMP {unique_id} échouée", now)
        raise ExternalServiceError(str(exc) if exc.permanent else DOWN, permanent=exc.permanent) from exc
    if retrieved.entry.patient_ins != ins:
        raise NotFound("Ce document n'est pas dans le DMP de ce patient.")
    _audit(uow, operator, patient_id, f"ouverture document DMP {unique_id} ({retrieved.entry.type_label})", now)
    return retrieved.entry, retrieved.content


def _qualified_ins(uow: UnitOfWork, patient_id: int) -> str | None:
    with uow:
        patient = uow.patients.by_id(patient_id)
        if patient is None:
            raise NotFound("Patient introuvable.")
        return patient.nir if sharing.feedable(patient) else None


def _absence(status: DmpStatus) -> str:
    if status.opposed:
        return status.reason or "Le patient s'est opposé à l'accès à son DMP."
    if not status.exists:
        return status.reason or "Ce patient n'a pas de DMP (Mon espace santé non ouvert ou fermé)."
    return ""


def _audit(uow: UnitOfWork, operator: CurrentOperator, patient_id: int, detail: str, now: datetime) -> None:
    with uow:
        audit(uow, Actor(operator.code, operator.workstation), action="read", object_type="dmp",
              object_id=str(patient_id), detail=detail, now=now)
        uow.commit()
