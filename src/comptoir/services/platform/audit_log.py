"""Use cases of the audit trail: record an access to health data, verify the chain, read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.domain.audit import AuditRecord, ChainCheck, entry_hash, verify_chain
from comptoir.store import models as m
from comptoir.store.platform import AuditRepository

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, and from which workstation."""

    operator_code: str
    workstation: str


def audit(uow: UnitOfWork, actor: Actor, *, action: str, object_type: str, object_id: str, detail: str = "",
          now: datetime) -> m.AuditEntry:
    """Append one entry to the trail inside the use case's unit of work."""
    return _append(uow.audit, actor, action=action, object_type=object_type, object_id=object_id, detail=detail,
                   now=now)


def _append(trail: AuditRepository, actor: Actor, *, action: str, object_type: str, object_id: str, detail: str,
            now: datetime) -> m.AuditEntry:
    head = trail.locked_head()
    record = AuditRecord(head.seq + 1, now, actor.operator_code, actor.workstation, action, object_type,
                         object_id, detail, head.hash)
    entry = m.AuditEntry(seq=record.seq, at=now, operator_code=actor.operator_code, workstation=actor.workstation,
                         action=action, object_type=object_type, object_id=object_id, detail=detail,
                         prev_hash=head.hash, hash=entry_hash(record))
    trail.append(entry, head)
    return entry


def verify_trail(uow: UnitOfWork) -> ChainCheck:
    with uow:
        return _verify(uow.audit)


def _verify(trail: AuditRepository) -> ChainCheck:
    head = trail.head()
    pairs = ((_record(row), row.hash) for row in trail.all_in_order())
    return verify_chain(pairs, (head.seq, head.hash) if head else None)


def _record(row: m.AuditEntry) -> AuditRecord:
    return AuditRecord(row.seq, row.at, row.operator_code, row.workstation, row.action, row.object_type,
                       row.object_id, row.detail, row.prev_hash)


def read_trail(actor: Actor, *, uow: UnitOfWork, limit: int, now: datetime) -> list[m.AuditEntry]:
    """The latest entries; reading the trail is itself recorded (it names patients)."""
    with uow:
        entries = uow.audit.recent(limit=limit)
        audit(uow, actor, action="read", object_type="audit_log", object_id=f"{len(entries)} entrées", now=now)
        uow.commit()
    return entries


def recent_entries(*, uow: UnitOfWork, limit: int = 200, object_type: str | None = None) -> list[m.AuditEntry]:
    with uow:
        return uow.audit.recent(limit=limit, object_type=object_type)
