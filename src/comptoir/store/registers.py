"""The ordonnancier: the legal register of dispensed listed medicines (listes I and II, stupéfiants).

CSP R.5132-10: each dispensed listed medicine gets an entry with its own running number, the date, the
prescriber (name, address), the patient (name, address), the product and the quantity; entries are kept
ten years and never erased. A cancelled dispensation adds cancelling entries that name the numbers they
cancel. This module therefore has no delete, and no update but one: an identitovigilance merge links the merged
record's entries to the kept record (`move_patient`), their names and addresses unchanged.

The running number is gap-free: one counter row, locked for the transaction (`FOR UPDATE` on PostgreSQL;
on SQLite every transaction already holds the write lock from its `BEGIN IMMEDIATE`), raised by the number
of entries written. A transaction that rolls back gives its numbers back with it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, Select, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from comptoir.store.identity import like_escaped
from comptoir.store.models import Base

ORDONNANCIER = "ordonnancier"
DELIVERY = "delivrance"
CANCELLATION = "annulation"


class RegisterEntry(Base):
    __tablename__ = "register_entry"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    dispensation_id: Mapped[int] = mapped_column(ForeignKey("dispensation.id"), index=True)
    line_position: Mapped[int | None] = mapped_column(Integer)
    listing: Mapped[str] = mapped_column(String(12), index=True)
    product: Mapped[str] = mapped_column(Text)
    cip13: Mapped[str | None] = mapped_column(String(13))
    cis: Mapped[str | None] = mapped_column(String(8))
    quantity: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(30))
    # Names and addresses as they were at delivery: the register states what was done then.
    prescriber_name: Mapped[str] = mapped_column(Text)
    prescriber_rpps: Mapped[str | None] = mapped_column(String(11))
    prescriber_address: Mapped[str] = mapped_column(Text)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    patient_name: Mapped[str] = mapped_column(Text)
    patient_address: Mapped[str] = mapped_column(Text)
    operator_code: Mapped[str] = mapped_column(String(40))
    cancels_number: Mapped[int | None] = mapped_column(Integer, unique=True)
    """The number this entry cancels (a cancellation); unique: an entry is cancelled once."""
    reason: Mapped[str] = mapped_column(Text)


class RegisterCounter(Base):
    """The last number given in a register; its row is locked while a transaction writes entries."""

    __tablename__ = "register_counter"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


@dataclass(frozen=True, slots=True)
class RegisterQuery:
    """Which entries to read: a period [start, end), a listing, a product or patient (any part of the name)."""

    start: datetime | None = None
    end: datetime | None = None
    listing: str | None = None
    product: str = ""
    patient: str = ""
    patient_id: int | None = None


class RegisterRepository:
    """Every query on the ordonnancier lives here: numbering, appending, reading. Nothing is ever erased."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def move_patient(self, from_id: int, to_id: int) -> int:
        """An identitovigilance merge: the entries of the merged record are found under the kept one. Only the link
        to the record changes: the patient's name and address stay as the entry wrote them."""
        moved = self.session.execute(update(RegisterEntry).where(RegisterEntry.patient_id == from_id)
                                     .values(patient_id=to_id))
        return int(getattr(moved, "rowcount", 0) or 0)

    def take_numbers(self, count: int) -> range:
        """`count` consecutive numbers, following the last one given; the counter stays locked until commit."""
        counter = self.session.scalars(select(RegisterCounter).where(RegisterCounter.name == ORDONNANCIER)
                                       .with_for_update()).first()
        if counter is None:  # the migration writes the row; a database built otherwise starts here
            counter = RegisterCounter(name=ORDONNANCIER, last_number=0)
            self.session.add(counter)
        first = counter.last_number + 1
        counter.last_number += count
        self.session.flush()
        return range(first, first + count)

    def append(self, entries: Sequence[RegisterEntry]) -> None:
        self.session.add_all(entries)
        self.session.flush()

    def deliveries_of(self, dispensation_id: int) -> list[RegisterEntry]:
        return list(self.session.scalars(select(RegisterEntry).where(RegisterEntry.dispensation_id == dispensation_id,
                                                                     RegisterEntry.kind == DELIVERY)
                                         .order_by(RegisterEntry.number)))

    def cancelled_among(self, numbers: Sequence[int]) -> set[int]:
        if not numbers:
            return set()
        return set(self.session.scalars(select(RegisterEntry.cancels_number)
                                        .where(RegisterEntry.cancels_number.in_(list(numbers)))))

    def cancelled_between(self, first: int, last: int) -> set[int]:
        """The numbers from `first` to `last` that a later entry cancels (one query, whatever the span)."""
        return set(self.session.scalars(select(RegisterEntry.cancels_number)
                                        .where(RegisterEntry.cancels_number.between(first, last))))

    def page(self, query: RegisterQuery, *, offset: int, limit: int) -> tuple[list[RegisterEntry], int]:
        """One page of the matching entries in number order, and how many match in all."""
        chosen = _filtered(select(RegisterEntry), query)
        total = self.session.scalar(select(func.count()).select_from(chosen.subquery())) or 0
        rows = self.session.scalars(chosen.order_by(RegisterEntry.number).offset(offset).limit(limit))
        return list(rows), total

    def matching(self, query: RegisterQuery) -> Iterator[RegisterEntry]:
        """Every matching entry in number order, read by batches (an export of ten years stays small in memory)."""
        return self.session.scalars(_filtered(select(RegisterEntry), query)
                                    .order_by(RegisterEntry.number)).yield_per(1000)


def _filtered(chosen: Select[RegisterEntry], query: RegisterQuery) -> Select[RegisterEntry]:
    if query.start is not None:
        chosen = chosen.where(RegisterEntry.recorded_at >= query.start)
    if query.end is not None:
        chosen = chosen.where(RegisterEntry.recorded_at < query.end)
    if query.listing:
        chosen = chosen.where(RegisterEntry.listing == query.listing)
    if query.product.strip():
        chosen = chosen.where(RegisterEntry.product.ilike(f"%{like_escaped(query.product.strip())}%", escape="\\"))
    if query.patient.strip():
        chosen = chosen.where(RegisterEntry.patient_name.ilike(f"%{like_escaped(query.patient.strip())}%",
                                                               escape="\\"))
    if query.patient_id is not None:
        chosen = chosen.where(RegisterEntry.patient_id == query.patient_id)
    return chosen
