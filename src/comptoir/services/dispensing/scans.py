"""The paper prescription's scan, kept with the dispensation: the supporting document the Assurance
Maladie asks for (SCOR), viewable from the history.

The scan is taken at F6, before validation, and waits under the basket's reference (`keep_pending_scan`);
the validation ties it to the dispensation in its own transaction (`attach_scans`). Scans of baskets
never validated are purged after a day (`purge_abandoned_scans`, run hourly by the outbox worker:
services/dispensing/housekeeping.py).

Accepted: JPEG, PNG, PDF, recognised by their first bytes, never by the file's name or the type the
browser declares; at most the size the counter's prescription reader accepts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from comptoir.domain.operators import Permission
from comptoir.errors import NotFound, RuleViolation
from comptoir.services.dispensing.cancel import local_day
from comptoir.services.dispensing.printing import local
from comptoir.services.dispensing.views import basket_ref
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.reading.read_prescription import MAX_UPLOAD_BYTES
from comptoir.store.documents import DispensationDocument

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

PRESCRIPTION_SCAN = "ordonnance"
MAX_SCAN_BYTES = MAX_UPLOAD_BYTES
"""The same paper the reader takes at F6: the same limit."""
PENDING_FOR = timedelta(days=1)
"""A basket not validated within a day is abandoned: its scan is health data with no purpose left."""
BASKET_REF_MAX = 64
SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"%PDF-", "application/pdf"))
LABELS = {"image/jpeg": "image JPEG", "image/png": "image PNG", "application/pdf": "PDF"}


def scan_type(content: bytes) -> str:
    """The content type its first bytes show (JPEG, PNG, PDF); refused in French otherwise or when too large."""
    if len(content) > MAX_SCAN_BYTES:
        received = f"{len(content) / (1024 * 1024):.1f}".replace(".", ",")
        raise RuleViolation(f"Ordonnance scannée trop volumineuse : {MAX_SCAN_BYTES // (1024 * 1024)} Mo au plus "
                            f"({received} Mo reçus).")
    if not content:
        raise RuleViolation("Ordonnance scannée vide : scannez ou photographiez l'ordonnance de nouveau.")
    found = next((kind for magic, kind in SIGNATURES if content.startswith(magic)), None)
    if found is None:
        raise RuleViolation("Ordonnance scannée refusée : le fichier n'est ni une image JPEG ou PNG ni un PDF "
                            "(son contenu est vérifié, pas son nom).")
    return found


def keep_pending_scan(uow: UnitOfWork, content: bytes, content_type: str, *, basket_ref: str, now: datetime,
                      operator_code: str = "") -> int:
    """Keeps the scan under the basket's reference until validation; returns its id. Runs in the caller's
    transaction. `content_type` is what the browser declared: only the content's own bytes decide."""
    del content_type  # a browser's word, not a proof: the bytes are checked instead
    kind = scan_type(content)
    if not basket_ref or len(basket_ref) > BASKET_REF_MAX:
        raise RuleViolation("Panier inconnu : l'ordonnance scannée doit être rattachée à un panier.")
    document = DispensationDocument(kind=PRESCRIPTION_SCAN, basket_ref=basket_ref, dispensation_id=None, taken_at=now,
                                    operator_code=operator_code, content_type=kind, size_bytes=len(content),
                                    sha256=hashlib.sha256(content).hexdigest(), content=content)
    uow.documents.add(document)
    return document.id


def take_scan(content: bytes, content_type: str, *, basket_ref: str, uow: UnitOfWork, operator: CurrentOperator,
              now: datetime) -> int:
    """Use case of F6: the scan kept for the basket, in its own transaction, audited."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        document_id = keep_pending_scan(uow, content, content_type, basket_ref=basket_ref, now=now,
                                        operator_code=operator.code)
        audit(uow, Actor(operator.code, operator.workstation), action="write", object_type="prescription_scan",
              object_id=str(document_id), detail=f"panier {basket_ref}", now=now)
        uow.commit()
    return document_id


def attach_scans(uow: UnitOfWork, basket_ref: str, dispensation_id: int) -> list[int]:
    """Ties the basket's waiting scans to the dispensation (inside the validation's transaction); their ids."""
    return uow.documents.attach(basket_ref, dispensation_id)


@dataclass(frozen=True, slots=True)
class ScanInfo:
    """A document of a dispensation, without its bytes."""

    id: int
    label: str
    content_type: str
    size_kb: int
    taken_at: datetime
    sha256: str


@dataclass(frozen=True, slots=True)
class Scan:
    content: bytes
    content_type: str
    sha256: str


@dataclass(frozen=True, slots=True)
class DispensationDocuments:
    scans: list[ScanInfo]
    avis: bool
    """Whether an avis pharmaceutique can be printed (an intervention was recorded for the dispensation)."""
    cancellable: bool = False
    """A dispensation of the day, not cancelled yet: a pharmacist may still cancel it."""
    cancelled: bool = False


def documents_of(dispensation_id: int, *, uow: UnitOfWork, operator: CurrentOperator,
                 now: datetime) -> DispensationDocuments:
    """The dispensation's documents (without their bytes), audited."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        row = uow.dispensations.by_id(dispensation_id)
        if row is None:
            raise NotFound(f"Aucune délivrance n° {dispensation_id}.")
        found = [ScanInfo(d.id, f"Ordonnance scannée ({LABELS.get(d.content_type, d.content_type)})",
                          d.content_type, -(-d.size_bytes // 1024), local(d.taken_at), d.sha256)
                 for d in uow.documents.of_dispensation(dispensation_id)]
        avis = any(d.problem_code and d.intervention_code
                   for d in uow.dispensations.decisions_of_dispensation(dispensation_id))
        audit(uow, Actor(operator.code, operator.workstation), action="read", object_type="dispensation_documents",
              object_id=str(dispensation_id), detail=f"{len(found)} document(s)", now=now)
        uow.commit()
    cancellable = (row.cancelled_at is None and operator.can(Permission.PHARMACIST_ACT)
                   and local_day(row.dispensed_at) == local_day(now))
    return DispensationDocuments(found, avis, cancellable, row.cancelled_at is not None)


def scan_of(dispensation_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime,
            document_id: int | None = None) -> Scan:
    """The dispensation's scan (its latest, or `document_id`), audited: who saw which document."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        _dispensation(uow, dispensation_id)
        documents = uow.documents.of_dispensation(dispensation_id)
        chosen = [d for d in documents if document_id is None or d.id == document_id]
        if not chosen:
            raise NotFound(f"Aucune ordonnance scannée pour la délivrance n° {dispensation_id}.")
        row = uow.documents.with_content(chosen[-1].id)
        if row is None:  # deleted between the two reads: documents of a dispensation never are
            raise NotFound(f"Aucune ordonnance scannée pour la délivrance n° {dispensation_id}.")
        scan = Scan(row.content, row.content_type, row.sha256)
        audit(uow, Actor(operator.code, operator.workstation), action="read", object_type="prescription_scan",
              object_id=str(row.id), detail=f"délivrance {dispensation_id}", now=now)
        uow.commit()
    return scan


def purge_abandoned_scans(*, uow: UnitOfWork, now: datetime, older_than: timedelta = PENDING_FOR) -> int:
    """Deletes the scans of baskets never validated, taken more than `older_than` ago, but never those of a
    basket still open (a pharmacist may take a waiting basket late); how many went."""
    with uow:
        keep = [basket_ref(basket_id) for basket_id in uow.baskets.open_ids()]
        purged = uow.documents.purge_pending(taken_before=now - older_than, keep=keep)
        if purged:
            audit(uow, Actor("systeme", ""), action="delete", object_type="prescription_scan",
                  object_id=f"{purged} scan(s)", detail="paniers abandonnés depuis plus d'un jour", now=now)
        uow.commit()
    return purged


def _dispensation(uow: UnitOfWork, dispensation_id: int) -> None:
    if uow.dispensations.by_id(dispensation_id) is None:
        raise NotFound(f"Aucune délivrance n° {dispensation_id}.")
