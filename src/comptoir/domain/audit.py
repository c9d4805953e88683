"""The audit trail's chain: each entry's seal covers its content and the previous seal.

Changing, removing or inserting an entry breaks every later link, which `verify_chain` finds.
The seal is an HMAC-SHA256 over a canonical JSON form (sorted keys, UTC ISO timestamps) with a
key derived from the server's secret: someone who can write to the database but does not hold
the secret cannot recompute a chain that verifies. Each entry names its key (`key_id`), so the
secret can be rotated: old entries keep verifying with the previous key. Entries written before
keys were used (`key_id` empty) carry a plain SHA-256 and still verify as such.

Truncating the chain's tail or emptying it leaves a shorter chain that is intact by itself: that
is what the signed checkpoints written outside the database catch (`Checkpoint`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
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
    key_id: str = ""
    """Which key sealed the entry ("" before keys were used); not part of what is sealed."""


def utc_iso(at: datetime) -> str:
    """The same text whether the database hands the time back naive (SQLite) or aware (PostgreSQL)."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


@dataclass(frozen=True, slots=True)
class AuditKey:
    """A sealing key derived from one secret; `key_id` names it without revealing it."""

    key_id: str
    secret: bytes

    @classmethod
    def from_secret(cls, secret: str) -> AuditKey:
        key = hmac.new(secret.encode(), b"comptoir/audit/v1", hashlib.sha256).digest()
        return cls(hashlib.sha256(key).hexdigest()[:12], key)

    def seal(self, text: str) -> str:
        return hmac.new(self.secret, text.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class AuditKeys:
    """The key that seals new entries and every key that may have sealed older ones (rotation)."""

    current: AuditKey
    known: Mapping[str, AuditKey]

    @classmethod
    def from_secrets(cls, secrets: Iterable[str]) -> AuditKeys:
        """The first secret is the current one; the others were used before a rotation."""
        keys = [AuditKey.from_secret(secret) for secret in secrets]
        if not keys:
            raise ValueError("at least one secret")
        return cls(keys[0], {key.key_id: key for key in reversed(keys)})

    def search_digest(self, query: str) -> str:
        """A keyed digest of a search's normalised text: the trail never stores what was typed, yet
        whoever holds the secret can check whether a given text was searched (`search_digest(text)`)."""
        return "hmac:" + self.current.seal("search|" + normalise_search(query))[:32]


def normalise_search(query: str) -> str:
    """Case, accents and spacing removed: "  Dupont  Jean" and "dupont jean" are the same search."""
    decomposed = unicodedata.normalize("NFKD", query)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


TECHNICAL_OBJECT_TYPES = frozenset({"operator", "operator_session", "session", "login", "backup", "restore",
                                    "reference", "refdata", "audit_log", "audit_checkpoint", "outbox"})
"""What the technical administrator may read of the trail: accounts, sessions, backups, reference
imports, the audit itself and the outbox; never an access to a patient nor a search."""

_LONG_NUMBER = re.compile(r"\d{6,}")


def technical_detail(detail: str) -> str:
    """A technical entry's detail without what could identify a patient (NIR, long numbers)."""
    return _LONG_NUMBER.sub("…", detail)


def entry_seal(record: AuditRecord, key: AuditKey | None) -> str:
    """The entry's HMAC with `key`; without a key, the plain SHA-256 of entries written before keys."""
    text = _canonical(record)
    return key.seal(text) if key is not None else hashlib.sha256(text.encode()).hexdigest()


def entry_hash(record: AuditRecord) -> str:
    return entry_seal(record, None)


def _canonical(record: AuditRecord) -> str:
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
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class ChainCheck:
    entries: int
    first_broken_seq: int | None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


def verify_chain(entries: Iterable[tuple[AuditRecord, str]], head: tuple[int, str] | None,
                 keys: Mapping[str, AuditKey] | None = None) -> ChainCheck:
    """Check (record, stored seal) pairs in sequence order against the recorded head, with the keys known."""
    previous, expected_seq, count, keyed = GENESIS, 1, 0, False
    for record, stored in entries:
        count += 1
        problem = _link_problem(record, stored, previous, expected_seq, keys or {})
        if not problem and keyed and not record.key_id:
            problem = "entrée sans clé après des entrées scellées par clé (chaîne recalculée ?)"
        if problem:
            return ChainCheck(count, record.seq, problem)
        keyed = keyed or bool(record.key_id)
        previous, expected_seq = stored, record.seq + 1
    if head is not None and head != (expected_seq - 1, previous):
        return ChainCheck(count, expected_seq, "fin de chaîne différente de la tête enregistrée (entrées supprimées ?)")
    return ChainCheck(count, None)


def _link_problem(record: AuditRecord, stored: str, previous: str, expected_seq: int,
                  keys: Mapping[str, AuditKey]) -> str:
    if record.seq != expected_seq:
        return f"numéro {record.seq} au lieu de {expected_seq} (entrée supprimée ou insérée)"
    if record.prev_hash != previous:
        return "lien vers l'entrée précédente rompu"
    if record.key_id and record.key_id not in keys:
        return f"scellée avec une clé inconnue ({record.key_id}) : secret changé sans garder l'ancien ?"
    if not hmac.compare_digest(entry_seal(record, keys.get(record.key_id)), stored):
        return "contenu modifié après écriture"
    return ""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The chain's head at a moment, signed and kept outside the database (an append-only file)."""

    at: datetime
    seq: int
    head: str
    key_id: str
    signature: str

    def signed_text(self) -> str:
        return f"{utc_iso(self.at)}|{self.seq}|{self.head}|{self.key_id}"

    def as_json(self) -> dict[str, object]:
        return {"at": utc_iso(self.at), "seq": self.seq, "head": self.head, "key_id": self.key_id,
                "signature": self.signature}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Checkpoint:
        return cls(datetime.fromisoformat(str(data["at"])), int(str(data["seq"])), str(data["head"]),
                   str(data["key_id"]), str(data["signature"]))


def sign_checkpoint(at: datetime, seq: int, head: str, key: AuditKey) -> Checkpoint:
    unsigned = Checkpoint(at, seq, head, key.key_id, "")
    return Checkpoint(at, seq, head, key.key_id, key.seal(unsigned.signed_text()))


def checkpoint_problem(checkpoint: Checkpoint, keys: Mapping[str, AuditKey], seal_at: Callable[[int], str | None],
                       ) -> str:
    """What is wrong between a checkpoint and the chain as stored ("" if they agree).

    `seal_at(seq)` gives the stored seal of entry `seq`, or None when the chain has no such entry."""
    key = keys.get(checkpoint.key_id)
    when = f"{checkpoint.at:%d/%m/%Y %H:%M}"
    if key is None:
        return f"point de contrôle du {when} signé avec une clé inconnue ({checkpoint.key_id})"
    if not hmac.compare_digest(key.seal(checkpoint.signed_text()), checkpoint.signature):
        return f"point de contrôle du {when} falsifié (signature fausse)"
    stored = GENESIS if checkpoint.seq == 0 else seal_at(checkpoint.seq)
    if stored is None:
        return f"entrées supprimées : le journal n'a plus l'entrée n° {checkpoint.seq} attestée le {when}"
    if not hmac.compare_digest(stored, checkpoint.head):
        return f"journal réécrit : l'entrée n° {checkpoint.seq} ne correspond plus au point de contrôle du {when}"
    return ""
