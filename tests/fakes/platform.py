"""Fake repositories of the platform: the audit trail in a list."""

from __future__ import annotations

from collections.abc import Iterator

from comptoir.domain.audit import GENESIS
from comptoir.store import models as m


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

    def recent(self, *, limit: int = 200, object_type: str | None = None) -> list[m.AuditEntry]:
        chosen = [e for e in reversed(self.entries) if object_type in (None, e.object_type)]
        return chosen[:limit]
