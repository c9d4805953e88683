"""Repositories of the platform: operators and their sessions, the audit trail."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime

from sqlalchemy import delete, func, select
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

    def seal_of(self, seq: int) -> str | None:
        return self.session.scalar(select(m.AuditEntry.hash).where(m.AuditEntry.seq == seq))

    def recent(self, *, limit: int = 200, object_type: str | None = None,
               object_types: Collection[str] | None = None) -> list[m.AuditEntry]:
        query = select(m.AuditEntry).order_by(m.AuditEntry.seq.desc()).limit(limit)
        if object_type:
            query = query.where(m.AuditEntry.object_type == object_type)
        if object_types is not None:
            query = query.where(m.AuditEntry.object_type.in_(sorted(object_types)))
        return list(self.session.scalars(query))


class OperatorRepository:
    """Operator accounts, their open sessions (by token hash) and their failed logins."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def by_code(self, code: str) -> m.Operator | None:
        return self.session.scalars(select(m.Operator).where(m.Operator.code == code)).first()

    def active_by_code(self, code: str) -> m.Operator | None:
        return self.session.scalars(select(m.Operator).where(m.Operator.code == code, m.Operator.active)).first()

    def by_rpps(self, rpps: str) -> m.Operator | None:
        return self.session.scalars(select(m.Operator).where(m.Operator.rpps == rpps)).first()

    def active_by_rpps(self, rpps: str) -> m.Operator | None:
        return self.session.scalars(select(m.Operator).where(m.Operator.rpps == rpps, m.Operator.active)).first()

    def add(self, operator: m.Operator) -> None:
        self.session.add(operator)
        self.session.flush()

    def everyone(self) -> list[m.Operator]:
        return list(self.session.scalars(select(m.Operator).order_by(m.Operator.code)))

    def codes(self) -> set[str]:
        return set(self.session.scalars(select(m.Operator.code)))

    def failures_since(self, code: str, since: datetime) -> int:
        recent = select(m.LoginFailure.at).where(m.LoginFailure.operator_code == code, m.LoginFailure.at > since)
        return self.session.scalar(select(func.count()).select_from(recent.subquery())) or 0

    def last_failure_at(self, code: str) -> datetime | None:
        return self.session.scalar(select(func.max(m.LoginFailure.at)).where(m.LoginFailure.operator_code == code))

    def failures_from_since(self, address: str, since: datetime) -> int:
        recent = select(m.LoginFailure.at).where(m.LoginFailure.address == address, m.LoginFailure.at > since)
        return self.session.scalar(select(func.count()).select_from(recent.subquery())) or 0

    def last_failure_from(self, address: str) -> datetime | None:
        return self.session.scalar(select(func.max(m.LoginFailure.at)).where(m.LoginFailure.address == address))

    def failed_on_from(self, code: str, address: str, since: datetime) -> bool:
        """Whether this address failed on this code lately."""
        return self.session.scalar(select(m.LoginFailure.id).where(
            m.LoginFailure.operator_code == code, m.LoginFailure.address == address, m.LoginFailure.at > since,
        ).limit(1)) is not None

    def record_failure(self, failure: m.LoginFailure) -> None:
        self.session.add(failure)

    def forget_failures(self, code: str) -> None:
        self.session.execute(delete(m.LoginFailure).where(m.LoginFailure.operator_code == code))

    def open_session(self, opened: m.OperatorSession) -> None:
        self.session.add(opened)

    def session_for_token(self, token_hash: str) -> tuple[m.OperatorSession, m.Operator] | None:
        """The session of this token and its operator, if the operator is still active."""
        row = self.session.execute(
            select(m.OperatorSession, m.Operator)
            .join(m.Operator, m.Operator.id == m.OperatorSession.operator_id)
            .where(m.OperatorSession.token_hash == token_hash, m.Operator.active)
        ).first()
        return None if row is None else (row[0], row[1])

    def close_session(self, token_hash: str) -> None:
        self.session.execute(delete(m.OperatorSession).where(m.OperatorSession.token_hash == token_hash))
