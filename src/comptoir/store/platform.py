"""Repositories of the platform: operators and their sessions, the audit trail."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from comptoir.domain.audit import GENESIS
from comptoir.store import models as m


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def locked_head(self) -> m.AuditHead:
        """The chain's head row, locked: concurrent writers append one after the other."""
        head = self.session.scalars(select(m.AuditHead).where(m.AuditHead.id == 1).with_for_update()).first()
        if head is None:
            head = m.AuditHead(id=1, seq=0, hash=GENESIS)
            self.session.add(head)
        return head

    def head(self) -> m.AuditHead | None:
        return self.session.get(m.AuditHead, 1)

    def append(self, entry: m.AuditEntry, head: m.AuditHead) -> None:
        self.session.add(entry)
        head.seq, head.hash = entry.seq, entry.hash
        self.session.flush()

    def all_in_order(self) -> Iterator[m.AuditEntry]:
        return self.session.scalars(select(m.AuditEntry).order_by(m.AuditEntry.seq)).yield_per(2000)

    def recent(self, *, limit: int = 200, object_type: str | None = None) -> list[m.AuditEntry]:
        query = select(m.AuditEntry).order_by(m.AuditEntry.seq.desc()).limit(limit)
        if object_type:
            query = query.where(m.AuditEntry.object_type == object_type)
        return list(self.session.scalars(query))


class OperatorRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
