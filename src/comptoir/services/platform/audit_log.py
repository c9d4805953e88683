"""Use cases of the audit trail: record an access to health data, verify the chain, read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from comptoir.domain.audit import GENESIS, AuditRecord, ChainCheck, entry_hash, verify_chain
from comptoir.store import models as m


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, and from which workstation."""

    operator_code: str
    workstation: str


def record_access(
    session: Session, actor: Actor, *, action: str, object_type: str, object_id: str, detail: str = "",
    now: datetime,
) -> m.AuditEntry:
    """Append one entry in the caller's transaction; the head row's lock orders concurrent writers."""
    head = session.scalars(select(m.AuditHead).where(m.AuditHead.id == 1).with_for_update()).first()
    if head is None:
        head = m.AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
    record = AuditRecord(head.seq + 1, now, actor.operator_code, actor.workstation, action, object_type,
                         object_id, detail, head.hash)
    entry = m.AuditEntry(seq=record.seq, at=now, operator_code=actor.operator_code, workstation=actor.workstation,
                         action=action, object_type=object_type, object_id=object_id, detail=detail,
                         prev_hash=head.hash, hash=entry_hash(record))
    session.add(entry)
    head.seq, head.hash = entry.seq, entry.hash
    session.flush()
    return entry


def verify(session: Session) -> ChainCheck:
    head = session.get(m.AuditHead, 1)
    rows = session.scalars(select(m.AuditEntry).order_by(m.AuditEntry.seq)).yield_per(2000)
    pairs = ((_record(row), row.hash) for row in rows)
    return verify_chain(pairs, (head.seq, head.hash) if head else None)


def _record(row: m.AuditEntry) -> AuditRecord:
    return AuditRecord(row.seq, row.at, row.operator_code, row.workstation, row.action, row.object_type,
                       row.object_id, row.detail, row.prev_hash)


def read_trail(session: Session, actor: Actor, *, limit: int, now: datetime) -> list[m.AuditEntry]:
    """The latest entries; reading the trail is itself recorded (it names patients)."""
    entries = recent_entries(session, limit=limit)
    record_access(session, actor, action="read", object_type="audit_log", object_id=f"{len(entries)} entrées",
                  now=now)
    return entries


def recent_entries(session: Session, *, limit: int = 200, object_type: str | None = None) -> list[m.AuditEntry]:
    query = select(m.AuditEntry).order_by(m.AuditEntry.seq.desc()).limit(limit)
    if object_type:
        query = query.where(m.AuditEntry.object_type == object_type)
    return list(session.scalars(query))
