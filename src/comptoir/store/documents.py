"""Documents kept with a dispensation: the scan of the paper prescription (the supporting document the
Assurance Maladie asks for).

The bytes live in the database, not in files under var/: the scan is attached in the validation's own
transaction (it stands or falls with the dispensation), several app servers sharing one PostgreSQL all
see it (the app keeps no state of its own, DESIGN.md), and the backups (SQLite's online backup, pg_dump)
carry it with no second path to copy and restore. Its sha256 is kept beside it to show it unchanged.

A scan taken before validation waits under its basket's reference; `attach` ties it to the dispensation.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, delete, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, undefer

from comptoir.store.models import Base


class DispensationDocument(Base):
    __tablename__ = "dispensation_document"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    basket_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    dispensation_id: Mapped[int | None] = mapped_column(ForeignKey("dispensation.id"), index=True)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    operator_code: Mapped[str] = mapped_column(String(40))
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    """Loaded only when the document itself is served (lists read the other columns)."""


class DocumentRepository:
    """Every query on the dispensations' documents lives here."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, document: DispensationDocument) -> None:
        self.session.add(document)
        self.session.flush()

    def attach(self, basket_ref: str, dispensation_id: int) -> list[int]:
        """Ties the basket's waiting documents to the dispensation; returns their ids."""
        ids = list(self.session.scalars(select(DispensationDocument.id).where(
            DispensationDocument.basket_ref == basket_ref, DispensationDocument.dispensation_id.is_(None))))
        if ids:
            self.session.execute(update(DispensationDocument).where(DispensationDocument.id.in_(ids))
                                 .values(dispensation_id=dispensation_id))
        return ids

    def of_dispensation(self, dispensation_id: int) -> list[DispensationDocument]:
        return list(self.session.scalars(select(DispensationDocument)
                                         .where(DispensationDocument.dispensation_id == dispensation_id)
                                         .order_by(DispensationDocument.id)))

    def with_content(self, document_id: int) -> DispensationDocument | None:
        return self.session.get(DispensationDocument, document_id, options=[undefer(DispensationDocument.content)])

    def pending_of(self, basket_ref: str) -> list[DispensationDocument]:
        return list(self.session.scalars(select(DispensationDocument).where(
            DispensationDocument.basket_ref == basket_ref, DispensationDocument.dispensation_id.is_(None))
            .order_by(DispensationDocument.id)))

    def purge_pending(self, *, taken_before: datetime, keep: Collection[str] = ()) -> int:
        """Deletes the documents no dispensation took (abandoned baskets) taken before the date, except those
        waiting under a reference of `keep` (baskets still open)."""
        done = self.session.execute(delete(DispensationDocument).where(
            DispensationDocument.dispensation_id.is_(None), DispensationDocument.taken_at < taken_before,
            or_(DispensationDocument.basket_ref.is_(None), DispensationDocument.basket_ref.not_in(list(keep)))))
        return int(getattr(done, "rowcount", 0) or 0)

