"""The transactional outbox: messages to national services, written in the same transaction as the act
that calls for them, sent later by the worker (services/outbox.py). Generic: the ON base today, the DP,
the DMP and MSSanté tomorrow, each a `kind` with its own JSON payload."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from comptoir.store.models import Base

STATUSES = ("a_envoyer", "envoye", "echec")


class OutboxMessage(Base):
    __tablename__ = "outbox_message"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    """Sent with the message: the service records the same key once, however often it arrives."""
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    label: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="a_envoyer")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")
    acknowledgement: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    depends_on: Mapped[str | None] = mapped_column(String(80))
    """Another message's key that must be sent first (a billing complement after its execution)."""

    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)


class OutboxRepository:
    """Every query on these tables lives here."""

    def __init__(self, session: Session) -> None:
        self.session = session
