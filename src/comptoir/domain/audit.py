"""The audit trail's chain: each entry's hash covers its content and the previous hash.

Changing, removing or inserting an entry breaks every later link, which `verify_chain`
finds. SHA-256 over a canonical JSON form (sorted keys, UTC ISO timestamps).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    at: datetime
    operator_code: str
    workstation: str
    action: str
    object_type: str
    object_id: str
    detail: str
    prev_hash: str


def utc_iso(at: datetime) -> str:
    """The same text whether the database hands the time back naive (SQLite) or aware (PostgreSQL)."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def entry_hash(record: AuditRecord) -> str:
    body = {
        "seq": record.seq,
        "at": utc_iso(record.at),
        "operator": record.operator_code,
        "workstation": record.workstation,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "detail": record.detail,
        "prev": record.prev_hash,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainCheck:
    entries: int
    first_broken_seq: int | None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


def verify_chain(entries: Iterable[tuple[AuditRecord, str]], head: tuple[int, str] | None) -> ChainCheck:
    """Check (record, stored hash) pairs in sequence order against the recorded head."""
    previous, expected_seq, count = GENESIS, 1, 0
    for record, stored in entries:
        count += 1
        problem = _link_problem(record, stored, previous, expected_seq)
        if problem:
            return ChainCheck(count, record.seq, problem)
        previous, expected_seq = stored, record.seq + 1
    if head is not None and head != (expected_seq - 1, previous):
        return ChainCheck(count, expected_seq, "fin de chaîne différente de la tête enregistrée (entrées supprimées ?)")
    return ChainCheck(count, None)


def _link_problem(record: AuditRecord, stored: str, previous: str, expected_seq: int) -> str:
    if record.seq != expected_seq:
        return f"numéro {record.seq} au lieu de {expected_seq} (entrée supprimée ou insérée)"
    if record.prev_hash != previous:
        return "lien vers l'entrée précédente rompu"
    if entry_hash(record) != stored:
        return "contenu modifié après écriture"
    return ""
