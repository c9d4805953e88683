"""Fake repositories of the platform: the audit trail, the operators and the outbox in lists."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime, timedelta

from comptoir.domain.audit import GENESIS
from comptoir.store import models as m
from comptoir.store.outbox import OutboxMessage


class FakeAuditRepository:
    def __init__(self) -> None:
        self.entries: list[m.AuditEntry] = []
        self._head: m.AuditHead | None = None

    def locked_head(self) -> m.AuditHead:
        if self._head is None:
            self._head = m.AuditHead(id=1, seq=0, hash=GENESIS)
        return self._head

    def head(self) -> m.AuditHead | None:
        return self._head

    def append(self, entry: m.AuditEntry, head: m.AuditHead) -> None:
        self.entries.append(entry)
        head.seq, head.hash = entry.seq, entry.hash

    def all_in_order(self) -> Iterator[m.AuditEntry]:
        return iter(sorted(self.entries, key=lambda e: e.seq))

    def seal_of(self, seq: int) -> str | None:
        return next((e.hash for e in self.entries if e.seq == seq), None)

    def recent(self, *, limit: int = 200, object_type: str | None = None,
               object_types: Collection[str] | None = None) -> list[m.AuditEntry]:
        chosen = [e for e in reversed(self.entries) if object_type in (None, e.object_type)
                  and (object_types is None or e.object_type in object_types)]
        return chosen[:limit]


class FakeOperatorRepository:
    def __init__(self) -> None:
        self.accounts: list[m.Operator] = []
        self.sessions: dict[str, m.OperatorSession] = {}
        self.failures: list[m.LoginFailure] = []

    def by_code(self, code: str) -> m.Operator | None:
        return next((o for o in self.accounts if o.code == code), None)

    def active_by_code(self, code: str) -> m.Operator | None:
        operator = self.by_code(code)
        return operator if operator is not None and operator.active else None

    def add(self, operator: m.Operator) -> None:
        operator.id = len(self.accounts) + 1
        self.accounts.append(operator)

    def everyone(self) -> list[m.Operator]:
        return sorted(self.accounts, key=lambda o: o.code)

    def codes(self) -> set[str]:
        return {o.code for o in self.accounts}

    def failures_since(self, code: str, since: datetime) -> int:
        return sum(1 for f in self.failures if f.operator_code == code and f.at > since)

    def last_failure_at(self, code: str) -> datetime | None:
        return max((f.at for f in self.failures if f.operator_code == code), default=None)

    def failures_from_since(self, address: str, since: datetime) -> int:
        return sum(1 for f in self.failures if f.address == address and f.at > since)

    def last_failure_from(self, address: str) -> datetime | None:
        return max((f.at for f in self.failures if f.address == address), default=None)

    def failed_on_from(self, code: str, address: str, since: datetime) -> bool:
        return any(f.operator_code == code and f.address == address and f.at > since for f in self.failures)

    def record_failure(self, failure: m.LoginFailure) -> None:
        self.failures.append(failure)

    def forget_failures(self, code: str) -> None:
        self.failures = [f for f in self.failures if f.operator_code != code]

    def open_session(self, opened: m.OperatorSession) -> None:
        self.sessions[opened.token_hash] = opened

    def session_for_token(self, token_hash: str) -> tuple[m.OperatorSession, m.Operator] | None:
        opened = self.sessions.get(token_hash)
        operator = next((o for o in self.accounts if opened and o.id == opened.operator_id and o.active), None)
        return None if opened is None or operator is None else (opened, operator)

    def close_session(self, token_hash: str) -> None:
        self.sessions.pop(token_hash, None)


class FakeOutboxRepository:
    def __init__(self) -> None:
        self.messages: list[OutboxMessage] = []

    def add(self, message: OutboxMessage) -> None:
        message.id = len(self.messages) + 1
        self.messages.append(message)

    def get(self, message_id: int) -> OutboxMessage | None:
        return next((message for message in self.messages if message.id == message_id), None)

    locked = get

    def claim_due(self, now: datetime, *, lease: timedelta, limit: int) -> list[OutboxMessage]:
        sent = {message.idempotency_key for message in self.messages if message.status == "envoye"}
        due = [message for message in self.messages
               if message.status == "a_envoyer" and message.next_attempt_at <= now
               and (message.claimed_until is None or message.claimed_until < now)
               and (message.depends_on is None or message.depends_on in sent)][:limit]
        for message in due:
            message.claimed_until = now + lease
        return due

    def dependents(self, key: str, *, status: str) -> list[OutboxMessage]:
        found: list[OutboxMessage] = []
        keys = {key}
        while keys:
            rows = [message for message in self.messages if message.depends_on in keys and message.status == status]
            found += rows
            keys = {row.idempotency_key for row in rows}
        return found

    def waiting(self, *, limit: int) -> list[OutboxMessage]:
        unsent = [message for message in self.messages if message.status != "envoye"]
        return sorted(unsent, key=lambda message: (message.status != "echec", message.id))[:limit]

    def recently_sent(self, *, limit: int) -> list[OutboxMessage]:
        sent = [message for message in self.messages if message.status == "envoye"]
        return sorted(sent, key=lambda message: message.sent_at, reverse=True)[:limit]  # type: ignore[arg-type,return-value]
