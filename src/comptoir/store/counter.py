"""Tables of the counter's basket: what is being delivered, kept on the server so that a préparateur can
hand it over and a pharmacist on another workstation take it; its lines; the pharmacist's decisions on its
alerts (each kept under the alert's stable key, so a re-analysis does not forget it).

A basket ends validated (it then names its dispensation) or abandoned. `version` grows with every change:
a validation names the version its operator saw, and a basket changed meanwhile answers a conflict.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    false,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from comptoir.store.models import Base

BASKET_STATUSES = ("ouvert", "en_attente", "valide", "abandonne")
BASKET_KINDS = ("ordonnance_numerique", "ordonnance_papier", "sans_ordonnance")
OPEN_STATUSES = ("ouvert", "en_attente")


class Basket(Base):
    __tablename__ = "basket"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default="ouvert")
    kind: Mapped[str] = mapped_column(String(24))
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    # The prescription: an ON (its id and the period delivered) or a paper one (prescriber, date, scan).
    prescription_id: Mapped[str | None] = mapped_column(String(18))
    renewal: Mapped[int] = mapped_column(Integer, default=0)
    prescriber_rpps: Mapped[str | None] = mapped_column(String(11))
    prescriber_name: Mapped[str] = mapped_column(Text, default="")
    prescriber_address: Mapped[str] = mapped_column(Text, default="", server_default="")
    prescribed_on: Mapped[date | None] = mapped_column(Date)
    scan_id: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    workstation: Mapped[str] = mapped_column(String(80), default="")
    updated_by: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    handed_over_by: Mapped[str | None] = mapped_column(String(40))
    handed_over_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    taken_by: Mapped[str | None] = mapped_column(String(40))
    dispensation_id: Mapped[int | None] = mapped_column(ForeignKey("dispensation.id"))

    __table_args__ = (Index("ix_basket_status", "status", "updated_at"),)


class BasketLine(Base):
    __tablename__ = "basket_line"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    basket_id: Mapped[int] = mapped_column(ForeignKey("basket.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    """The line's number in the basket: stable while other lines come and go."""
    text: Mapped[str] = mapped_column(Text)
    """What was prescribed, scanned or typed."""
    prescription_line: Mapped[int | None] = mapped_column(Integer)
    """The ON line it delivers."""
    prescribed_cis: Mapped[str | None] = mapped_column(String(8))
    cis: Mapped[str | None] = mapped_column(String(8))
    cip13: Mapped[str | None] = mapped_column(String(13))
    boxes: Mapped[int] = mapped_column(Integer, default=1)
    prescribed_boxes: Mapped[int | None] = mapped_column(Integer)
    posology: Mapped[str] = mapped_column(Text, default="")
    duration_days: Mapped[int | None] = mapped_column(Integer)
    substitutable: Mapped[bool] = mapped_column(Boolean, default=True)
    non_substitutable: Mapped[str | None] = mapped_column(String(3))
    """The prescriber's motif (MTE, EFG, CIF) when the line may not be substituted."""
    packs: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """Each pack scanned for this line: {"cip13", "serial", "lot", "expiry"} (serialization, SPEC §9)."""
    reason: Mapped[str] = mapped_column(Text, default="")
    """Why the line has no product yet, in French ("" when it has one)."""
    overlap_allowed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """"Chevauchement autorisé par le prescripteur": the prescription's express mention that lets a stupéfiant
    (or a product whose conditions forbid overlap) be delivered while an earlier one still covers (R.5132-33)."""
    boxes_by_hand: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """The pharmacist set the boxes: a later posology or duration no longer re-plans them."""

    __table_args__ = (UniqueConstraint("basket_id", "position", name="uq_basket_line_position"),)


class BasketDecision(Base):
    """A pharmacist's decision on one alert of the basket: an SFPC intervention or an override with its reason."""

    __tablename__ = "basket_decision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    basket_id: Mapped[int] = mapped_column(ForeignKey("basket.id"), index=True)
    alert_key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(12))
    """"intervention" or "override"."""
    finding_kind: Mapped[str] = mapped_column(String(20))
    finding_level: Mapped[str] = mapped_column(String(5))
    message: Mapped[str] = mapped_column(Text)
    drugs: Mapped[list[str]] = mapped_column(JSON, default=list)
    substances: Mapped[list[str]] = mapped_column(JSON, default=list)
    problem_code: Mapped[str | None] = mapped_column(String(6))
    intervention_code: Mapped[str | None] = mapped_column(String(3))
    outcome_code: Mapped[str | None] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text, default="")
    operator_code: Mapped[str] = mapped_column(String(40))
    workstation: Mapped[str] = mapped_column(String(80), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("basket_id", "alert_key", name="uq_basket_decision_alert"),)


class BasketRepository:
    """Every query on the basket's tables lives here."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, basket: Basket) -> Basket:
        self.session.add(basket)
        self.session.flush()
        return basket

    def get(self, basket_id: int) -> Basket | None:
        return self.session.get(Basket, basket_id)

    def locked(self, basket_id: int) -> Basket | None:
        """The basket, locked until the transaction ends: two workstations changing it take turns."""
        return self.session.get(Basket, basket_id, with_for_update=True, populate_existing=True)

    def lines(self, basket_id: int) -> list[BasketLine]:
        return list(self.session.scalars(select(BasketLine).where(BasketLine.basket_id == basket_id)
                                         .order_by(BasketLine.position)))

    def add_line(self, line: BasketLine) -> None:
        self.session.add(line)
        self.session.flush()

    def remove_line(self, line: BasketLine) -> None:
        self.session.delete(line)
        self.session.flush()

    def remove_lines(self, basket_id: int, positions: list[int]) -> None:
        self.session.execute(delete(BasketLine).where(BasketLine.basket_id == basket_id,
                                                      BasketLine.position.in_(positions)))

    def decisions(self, basket_id: int) -> list[BasketDecision]:
        return list(self.session.scalars(select(BasketDecision).where(BasketDecision.basket_id == basket_id)
                                         .order_by(BasketDecision.at)))

    def add_decision(self, decision: BasketDecision) -> None:
        self.session.add(decision)
        self.session.flush()

    def waiting(self, *, limit: int = 50) -> list[Basket]:
        """Baskets handed over to a pharmacist, the oldest first."""
        return list(self.session.scalars(select(Basket).where(Basket.status == "en_attente")
                                         .order_by(Basket.handed_over_at).limit(limit)))

    def stale(self, *, updated_before: datetime, limit: int = 500) -> list[Basket]:
        """Baskets still open or waiting, untouched since `updated_before`, locked (the oldest first)."""
        return list(self.session.scalars(select(Basket).where(Basket.status.in_(OPEN_STATUSES),
                                                              Basket.updated_at < updated_before)
                                         .order_by(Basket.updated_at).limit(limit).with_for_update()))

    def move_patient(self, from_id: int, to_id: int) -> int:
        """An identitovigilance merge: the merged record's baskets go to the kept one; how many."""
        moved = self.session.execute(update(Basket).where(Basket.patient_id == from_id).values(patient_id=to_id))
        return int(getattr(moved, "rowcount", 0) or 0)

    def open_ids(self) -> list[int]:
        """The baskets still open or waiting for a pharmacist."""
        return list(self.session.scalars(select(Basket.id).where(Basket.status.in_(OPEN_STATUSES))))

    def line_counts(self, basket_ids: list[int]) -> dict[int, int]:
        if not basket_ids:
            return {}
        rows = self.session.execute(select(BasketLine.basket_id, func.count())
                                    .where(BasketLine.basket_id.in_(basket_ids)).group_by(BasketLine.basket_id))
        return {basket_id: count for basket_id, count in rows}
