"""The documents the pharmacy produces for the DMP (a dispensation's eDISP-MED, a vaccination note, a report):
each one recorded with its CDA ids, its visibility and its XML, and what became of it — to send, sent, not sent
(identity not qualified), refused by the DMP, deleted. And the patient's local choice of opposing the feeding
of his DMP.

The XML lives in the row (like the dispensation's scans, store/documents.py): it stands or falls with the act
that made it, and the backups carry it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from comptoir.store.models import Base

TO_SEND, SENT, NOT_SENT, OPPOSED, REFUSED, TO_DELETE, DELETED = (
    "a_envoyer", "envoye", "non_envoye", "opposition", "refuse", "a_supprimer", "supprime")
STATUS_LABELS = {TO_SEND: "À envoyer", SENT: "Envoyé", NOT_SENT: "Non envoyé",
                 OPPOSED: "Non envoyé (opposition du patient)", REFUSED: "Refusé par le DMP",
                 TO_DELETE: "Suppression demandée", DELETED: "Supprimé"}


class SharedDocument(Base):
    __tablename__ = "shared_document"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    """dispensation, vaccination or report."""
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    document_id: Mapped[str] = mapped_column(String(64), unique=True)
    """The CDA id, also the DMP's uniqueId."""
    set_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(Text)
    type_code: Mapped[str] = mapped_column(String(20))
    visibility: Mapped[list[str]] = mapped_column(JSON, default=list)
    """The masks of SPEC §5.3 the patient asked for (values of national.dmp.port.Visibility)."""
    content: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    """The CDA XML; empty while the identity was not qualified (it is built when sent)."""
    status: Mapped[str] = mapped_column(String(12), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    """Why it was not sent, or the DMP's reason for refusing it."""
    act_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    """When the act was done (the document's effectiveTime)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(40))
    """The operator code who made the act."""
    author_rpps: Mapped[str] = mapped_column(String(11), default="")
    author_name: Mapped[str] = mapped_column(Text, default="")
    source_ref: Mapped[str] = mapped_column(String(80), index=True)
    """The act it tells: `dispensation:12`, `vaccination:3`…"""
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DmpChoice(Base):
    """The patient's opposition to the feeding of his DMP by the pharmacy, recorded at the counter."""

    __tablename__ = "patient_dmp_choice"
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), primary_key=True)
    feeding_opposed: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed_by: Mapped[str] = mapped_column(String(40))


class SharingRepository:
    """Every query on the shared documents and the DMP choices lives here."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, document: SharedDocument) -> None:
        self.session.add(document)
        self.session.flush()

    def get(self, document_pk: int) -> SharedDocument | None:
        return self.session.get(SharedDocument, document_pk)

    def by_document_id(self, document_id: str) -> SharedDocument | None:
        return self.session.scalars(select(SharedDocument).where(SharedDocument.document_id == document_id)).first()

    def of_source(self, source_ref: str) -> list[SharedDocument]:
        return list(self.session.scalars(select(SharedDocument).where(SharedDocument.source_ref == source_ref)
                                         .order_by(SharedDocument.id)))

    def of_patient(self, patient_id: int) -> list[SharedDocument]:
        return list(self.session.scalars(select(SharedDocument).where(SharedDocument.patient_id == patient_id)
                                         .order_by(SharedDocument.id.desc())))

    def not_sent(self, *, limit: int = 500) -> list[SharedDocument]:
        """Documents not sent and those the DMP refused, oldest first."""
        return list(self.session.scalars(select(SharedDocument)
                                         .where(SharedDocument.status.in_((NOT_SENT, REFUSED)))
                                         .order_by(SharedDocument.act_at, SharedDocument.id).limit(limit)))

    def move_patient(self, from_id: int, to_id: int) -> int:
        """A merge: the documents go to the kept record, and an opposition of either record holds for it."""
        moved = self.session.execute(update(SharedDocument).where(SharedDocument.patient_id == from_id)
                                     .values(patient_id=to_id))
        merged, kept = self.choice(from_id), self.choice(to_id)
        if merged is not None:
            if merged.feeding_opposed and (kept is None or not kept.feeding_opposed):
                self.set_choice(to_id, opposed=True, at=merged.changed_at, by=merged.changed_by)
            self.session.delete(merged)
            self.session.flush()
        return int(getattr(moved, "rowcount", 0) or 0)

    def choice(self, patient_id: int) -> DmpChoice | None:
        return self.session.get(DmpChoice, patient_id)

    def set_choice(self, patient_id: int, *, opposed: bool, at: datetime, by: str) -> DmpChoice:
        row = self.choice(patient_id)
        if row is None:
            row = DmpChoice(patient_id=patient_id, feeding_opposed=opposed, changed_at=at, changed_by=by)
            self.session.add(row)
        else:
            row.feeding_opposed, row.changed_at, row.changed_by = opposed, at, by
        self.session.flush()
        return row
