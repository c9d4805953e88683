"""Tables of secure supply at the counter: the pharmacy's copy of the ASAFO list of confirmed fake prescriptions
(refreshed by the worker, so that the counter checks a prescription without waiting for the service), when it
was last refreshed, when each operator last looked at it; the pharmacy's declarations of suspected fakes (with
their scan, sent through the outbox); and the reinforced check of medicines over 300 € (SPEC §11.1), kept
with the basket and then with its dispensation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    exists,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, undefer

from comptoir.store.dispensing import Dispensation
from comptoir.store.models import Base

SYNC_ROW = 1


class AsafoAlert(Base):
    """One confirmed fake prescription, as ASAFO lists it (SPEC §15.6)."""

    __tablename__ = "asafo_alert"
    alert_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    anomaly: Mapped[str] = mapped_column(String(20))
    review_ended_on: Mapped[date] = mapped_column(Date)
    prescribed_on: Mapped[date | None] = mapped_column(Date)
    prescriber_rpps: Mapped[str | None] = mapped_column(String(11), index=True)
    prescriber_structure: Mapped[str | None] = mapped_column(String(14))
    prescriber_name: Mapped[str] = mapped_column(Text, default="")
    patient_nir: Mapped[str | None] = mapped_column(String(15), index=True)
    patient_name: Mapped[str] = mapped_column(Text, default="")
    drug_class: Mapped[str] = mapped_column(Text, default="")
    products: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """[{brand, cip13, substances[]}]."""
    region: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AsafoSync(Base):
    """One row: the last refresh of the copy, successful or not."""

    __tablename__ = "asafo_sync"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")


class AsafoVisit(Base):
    """When an operator last opened the list: what came after is "new since the last visit"."""

    __tablename__ = "asafo_visit"
    operator_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    visited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AsafoDeclaration(Base):
    """A suspected fake prescription declared by this pharmacy, and the CPAM's outcome once known."""

    __tablename__ = "asafo_declaration"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    basket_id: Mapped[int | None] = mapped_column(ForeignKey("basket.id"), index=True)
    declared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    operator_code: Mapped[str] = mapped_column(String(40))
    prescriber_rpps: Mapped[str | None] = mapped_column(String(11))
    prescriber_name: Mapped[str] = mapped_column(Text, default="")
    prescribed_on: Mapped[date | None] = mapped_column(Date)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    patient_nir: Mapped[str | None] = mapped_column(String(15))
    patient_name: Mapped[str] = mapped_column(Text, default="")
    products: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    authenticated_by_prescriber: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    document: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    status: Mapped[str] = mapped_column(String(12))
    """a_envoyer (in the outbox), EN_COURS, CONFIRMEE, INFIRMEE."""
    remote_id: Mapped[str | None] = mapped_column(String(40))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str] = mapped_column(Text, default="")


class ExpensiveCheck(Base):
    """The reinforced check of a medicine over 300 € (SPEC §11.1), done on a basket, kept with its dispensation."""

    __tablename__ = "expensive_check"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    basket_id: Mapped[int] = mapped_column(ForeignKey("basket.id"), unique=True)
    dispensation_id: Mapped[int | None] = mapped_column(ForeignKey("dispensation.id"), index=True)
    products: Mapped[list[str]] = mapped_column(JSON)
    prescriber_verified: Mapped[bool] = mapped_column(Boolean)
    original_seen: Mapped[bool] = mapped_column(Boolean)
    identity_checked: Mapped[bool] = mapped_column(Boolean)
    specialty_coherent: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[str] = mapped_column(String(12))
    """securisee, temporaire, refus."""
    comment: Mapped[str] = mapped_column(Text, default="")
    operator_code: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AsafoRepository:
    """Every query of secure supply lives here."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- the copy of the list ---------------------------------------------------------------------

    def keep_alert(self, alert: AsafoAlert) -> None:
        self.session.merge(alert)

    def sync_state(self) -> AsafoSync:
        row = self.session.get(AsafoSync, SYNC_ROW, with_for_update=True)
        if row is None:
            row = AsafoSync(id=SYNC_ROW, last_error="")
            self.session.add(row)
        return row

    def last_sync(self) -> AsafoSync | None:
        return self.session.get(AsafoSync, SYNC_ROW)

    def newest_alert_at(self) -> datetime | None:
        return self.session.scalar(select(AsafoAlert.created_at).order_by(AsafoAlert.created_at.desc()).limit(1))

    def alerts_naming(self, *, rpps: str | None, nir: str | None, since: datetime) -> list[AsafoAlert]:
        """Current alerts naming this prescriber or this patient."""
        wanted = [c for c in (AsafoAlert.prescriber_rpps == rpps if rpps else None,
                              AsafoAlert.patient_nir == nir if nir else None) if c is not None]
        if not wanted:
            return []
        return list(self.session.scalars(select(AsafoAlert).where(or_(*wanted), AsafoAlert.created_at >= since)
                                         .order_by(AsafoAlert.created_at.desc())))

    def alerts_since(self, since: datetime, *, region: str | None = None, limit: int = 500) -> list[AsafoAlert]:
        query = select(AsafoAlert).where(AsafoAlert.created_at >= since)
        if region:
            query = query.where(AsafoAlert.region == region)
        return list(self.session.scalars(query.order_by(AsafoAlert.created_at.desc()).limit(limit)))

    def last_visit(self, operator_code: str) -> AsafoVisit | None:
        return self.session.get(AsafoVisit, operator_code)

    def visit(self, operator_code: str, now: datetime) -> None:
        self.session.merge(AsafoVisit(operator_code=operator_code, visited_at=now))

    # --- what the pharmacy knows ------------------------------------------------------------------

    def prescriber_known(self, rpps: str, *, before: datetime) -> bool:
        """Whether this pharmacy delivered an earlier prescription of this prescriber (not cancelled)."""
        return bool(self.session.scalar(select(exists().where(
            Dispensation.prescriber_rpps == rpps, Dispensation.dispensed_at < before,
            Dispensation.cancelled_at.is_(None)))))

    # --- declarations -----------------------------------------------------------------------------

    def add_declaration(self, row: AsafoDeclaration) -> AsafoDeclaration:
        self.session.add(row)
        self.session.flush()
        return row

    def declaration(self, declaration_id: int, *, with_document: bool = False) -> AsafoDeclaration | None:
        options = [undefer(AsafoDeclaration.document)] if with_document else []
        return self.session.get(AsafoDeclaration, declaration_id, options=options)

    def declaration_by_key(self, key: str) -> AsafoDeclaration | None:
        return self.session.scalar(select(AsafoDeclaration).where(AsafoDeclaration.key == key))

    def declarations_of_basket(self, basket_id: int) -> list[AsafoDeclaration]:
        return list(self.session.scalars(select(AsafoDeclaration).where(AsafoDeclaration.basket_id == basket_id)
                                         .order_by(AsafoDeclaration.id)))

    def declarations(self, *, limit: int = 200) -> list[AsafoDeclaration]:
        return list(self.session.scalars(select(AsafoDeclaration).order_by(AsafoDeclaration.id.desc()).limit(limit)))

    # --- the reinforced check of expensive medicines ----------------------------------------------

    def expensive_check(self, basket_id: int) -> ExpensiveCheck | None:
        return self.session.scalar(select(ExpensiveCheck).where(ExpensiveCheck.basket_id == basket_id))

    def add_expensive_check(self, row: ExpensiveCheck) -> None:
        self.session.add(row)
        self.session.flush()

    def expensive_check_of_dispensation(self, dispensation_id: int) -> ExpensiveCheck | None:
        return self.session.scalar(select(ExpensiveCheck).where(ExpensiveCheck.dispensation_id == dispensation_id))
