"""The transactional outbox: messages to national services, written in the same transaction as the act
that calls for them, sent later by the worker (services/outbox.py). Generic: the ON base today, the DP,
the DMP and MSSanté tomorrow, each a `kind` with its own JSON payload."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from comptoir.store.models import Base

STATUSES = ("a_envoyer", "envoye", "echec")
TO_SEND, SENT = STATUSES[0], STATUSES[1]


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

    def add(self, message: OutboxMessage) -> None:
        self.session.add(message)
        self.session.flush()

    def get(self, message_id: int) -> OutboxMessage | None:
        return self.session.get(OutboxMessage, message_id)

    def locked(self, message_id: int) -> OutboxMessage | None:
        """The message, locked until the transaction ends (a resend racing the worker waits for it)."""
        return self.session.get(OutboxMessage, message_id, with_for_update=True)

    def claim_due(self, now: datetime, *, lease: timedelta, limit: int) -> list[OutboxMessage]:
        """Take the messages due now, in order, for `lease`: not those claimed by a live worker, nor those
        waiting for a message not sent yet. SKIP LOCKED on PostgreSQL: concurrent workers never share one."""
        sent_keys = select(OutboxMessage.idempotency_key).where(OutboxMessage.status == SENT)
        query = (select(OutboxMessage)
                 .where(OutboxMessage.status == TO_SEND, OutboxMessage.next_attempt_at <= now,
                        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
                        or_(OutboxMessage.depends_on.is_(None), OutboxMessage.depends_on.in_(sent_keys)))
                 .order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True))
        rows = list(self.session.scalars(query))
        for row in rows:
            row.claimed_until = now + lease
        return rows

    def dependents(self, key: str, *, status: str) -> list[OutboxMessage]:
        """The messages of `status` that wait for the message sent under `key`, and those waiting for them."""
        found: list[OutboxMessage] = []
        keys = [key]
        while keys:
            rows = list(self.session.scalars(select(OutboxMessage).where(
                OutboxMessage.depends_on.in_(keys), OutboxMessage.status == status).order_by(OutboxMessage.id)))
            found += rows
            keys = [row.idempotency_key for row in rows]
        return found

    def waiting(self, *, limit: int) -> list[OutboxMessage]:
        """Not sent yet and failed, failures first ("echec" sorts after "a_envoyer")."""
        return list(self.session.scalars(select(OutboxMessage).where(OutboxMessage.status != SENT)
                                         .order_by(OutboxMessage.status.desc(), OutboxMessage.id).limit(limit)))

    def recently_sent(self, *, limit: int) -> list[OutboxMessage]:
        return list(self.session.scalars(select(OutboxMessage).where(OutboxMessage.status == SENT)
                                         .order_by(OutboxMessage.sent_at.desc()).limit(limit)))
