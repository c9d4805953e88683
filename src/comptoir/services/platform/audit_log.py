"""Use cases of the audit trail: record an access to health data, verify the chain, read it.

Entries are sealed with the key the runtime derives from the server's secret (`uow.audit_keys`);
signed checkpoints of the chain's head are appended to files outside the database
(`write_checkpoint`), and `verify_trail` checks the chain and every checkpoint against it: a tail
cut off, an emptied table or a chain recomputed without the key no longer pass.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from comptoir.domain.audit import (
    TECHNICAL_OBJECT_TYPES,
    AuditKeys,
    AuditRecord,
    ChainCheck,
    Checkpoint,
    checkpoint_problem,
    entry_seal,
    sign_checkpoint,
    technical_detail,
    verify_chain,
)
from comptoir.domain.operators import Permission, Role
from comptoir.errors import PermissionDenied
from comptoir.store import models as m
from comptoir.store.platform import AuditRepository

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)



class Reader(Protocol):
    """Who reads the trail (the current operator): kept a protocol so the trail needs nothing of the operators."""

    @property
    def code(self) -> str: ...

    @property
    def workstation(self) -> str: ...

    @property
    def role(self) -> Role: ...

    def can(self, permission: Permission) -> bool: ...


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, and from which workstation."""

    operator_code: str
    workstation: str


def audit(uow: UnitOfWork, actor: Actor, *, action: str, object_type: str, object_id: str, detail: str = "",
          now: datetime) -> m.AuditEntry:
    """Append one entry to the trail inside the use case's unit of work."""
    return _append(uow.audit, _keys(uow.audit_keys), actor, action=action, object_type=object_type,
                   object_id=object_id, detail=detail, now=now)


def audit_patient_list(uow: UnitOfWork, actor: Actor, patient_ids: Iterable[int], *, shown_on: str,
                       now: datetime) -> m.AuditEntry:
    """One entry for a list of patients shown on a page: where, how many, and which (their ids)."""
    ids = [str(patient_id) for patient_id in patient_ids]
    return audit(uow, actor, action="read", object_type="patient_list", object_id=f"{len(ids)} patient(s)",
                 detail=f"{shown_on} : " + ",".join(ids), now=now)


def _keys(keys: AuditKeys | None) -> AuditKeys:
    if keys is None:  # a programming error: every unit of work the runtime builds has them
        raise RuntimeError("unité de travail sans clés du journal d'audit (Runtime.unit_of_work)")
    return keys


def search_digest(uow: UnitOfWork, query: str) -> str:
    """What the trail keeps of a search: a keyed digest of its normalised text, never the text."""
    return _keys(uow.audit_keys).search_digest(query)


def _append(trail: AuditRepository, keys: AuditKeys, actor: Actor, *, action: str, object_type: str,
            object_id: str, detail: str, now: datetime) -> m.AuditEntry:
    head = trail.locked_head()
    key = keys.current
    record = AuditRecord(head.seq + 1, now, actor.operator_code, actor.workstation, action, object_type,
                         object_id, detail, head.hash, key.key_id)
    entry = m.AuditEntry(seq=record.seq, at=now, operator_code=actor.operator_code, workstation=actor.workstation,
                         action=action, object_type=object_type, object_id=object_id, detail=detail,
                         prev_hash=head.hash, hash=entry_seal(record, key), key_id=key.key_id)
    trail.append(entry, head)
    return entry


# --- verification -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrailCheck:
    """The chain checked with the keys, and every checkpoint found outside the database against it."""

    chain: ChainCheck
    checkpoints: int = 0
    problems: tuple[str, ...] = ()
    """What the checkpoints show (entries removed, chain rewritten, forged checkpoint)."""
    warnings: tuple[str, ...] = field(default=())

    @property
    def intact(self) -> bool:
        return self.chain.intact and not self.problems

    @property
    def entries(self) -> int:
        return self.chain.entries

    @property
    def first_broken_seq(self) -> int | None:
        return self.chain.first_broken_seq

    @property
    def reason(self) -> str:
        return self.chain.reason or "; ".join(self.problems)

    def message(self) -> str:
        """The French line that says what is wrong ("" when nothing is)."""
        lines = []
        if not self.chain.intact:
            lines.append(f"Journal d'audit altéré à l'entrée n° {self.chain.first_broken_seq} : {self.chain.reason}.")
        lines += [f"Journal d'audit altéré : {problem}." for problem in self.problems]
        return " ".join(lines)


def verify_trail(uow: UnitOfWork, checkpoint_files: Sequence[Path] = ()) -> TrailCheck:
    """The chain with every known key, then each checkpoint of `checkpoint_files` against it (read only)."""
    points, unreadable = read_checkpoints(checkpoint_files)
    keys = _keys(uow.audit_keys)
    with uow:
        wanted = {point.seq for point in points}
        seals: dict[int, str] = {}
        head = uow.audit.head()
        pairs = _recording(((_record(row), row.hash) for row in uow.audit.all_in_order()), wanted, seals)
        chain = verify_chain(pairs, (head.seq, head.hash) if head else None, keys.known)
        problems = list(unreadable)
        for point in points:
            problem = checkpoint_problem(point, keys.known, lambda seq: _seal_at(uow.audit, seals, seq))
            if problem and problem not in problems:
                problems.append(problem)
    warnings: list[str] = []
    if checkpoint_files and not points and chain.entries:
        warnings.append("aucun point de contrôle signé hors de la base : lancez `comptoir audit checkpoint`")
    return TrailCheck(chain, len(points), tuple(problems), tuple(warnings))


def _recording(pairs: Iterable[tuple[AuditRecord, str]], wanted: set[int],
               seals: dict[int, str]) -> Iterator[tuple[AuditRecord, str]]:
    for record, seal in pairs:
        if record.seq in wanted:
            seals[record.seq] = seal
        yield record, seal


def _seal_at(trail: AuditRepository, seen: dict[int, str], seq: int) -> str | None:
    if seq in seen:
        return seen[seq]
    return trail.seal_of(seq)  # the chain's check stopped before it


def _record(row: m.AuditEntry) -> AuditRecord:
    return AuditRecord(row.seq, row.at, row.operator_code, row.workstation, row.action, row.object_type,
                       row.object_id, row.detail, row.prev_hash, row.key_id or "")


# --- checkpoints outside the database -------------------------------------------------------------


def read_checkpoints(files: Sequence[Path]) -> tuple[list[Checkpoint], list[str]]:
    """Every checkpoint of the files (a missing file has none), and a line per unreadable line."""
    points: list[Checkpoint] = []
    unreadable: list[str] = []
    for path in files:
        if not path.exists():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                points.append(Checkpoint.from_json(json.loads(line)))
            except (ValueError, KeyError, TypeError):
                unreadable.append(f"ligne {number} de {path.name} illisible (point de contrôle altéré)")
    return points, unreadable


def write_checkpoint(uow: UnitOfWork, files: Sequence[Path], *, now: datetime,
                     only_if_moved: bool = False) -> Checkpoint | None:
    """Sign the chain's current head and append it to each file (None if `only_if_moved` and it has not)."""
    keys = _keys(uow.audit_keys)
    with uow:
        head = uow.audit.head()
        seq, seal = (head.seq, head.hash) if head is not None else (0, "0" * 64)
    if only_if_moved:
        points, _ = read_checkpoints(files[:1])
        if points and (points[-1].seq, points[-1].head) == (seq, seal):
            return None
    point = sign_checkpoint(now, seq, seal, keys.current)
    line = json.dumps(point.as_json(), ensure_ascii=False) + "\n"
    for path in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(line)
            out.flush()
            os.fsync(out.fileno())
    return point


# --- reading --------------------------------------------------------------------------------------


def read_trail(operator: Reader, *, uow: UnitOfWork, limit: int, now: datetime) -> list[m.AuditEntry]:
    """The latest entries the operator may see; reading the trail is itself recorded.

    The titulaire (`READ_AUDIT`) sees everything; the technical administrator (`READ_TECHNICAL_AUDIT`)
    only technical events (accounts, sessions, backups, reference, the audit, the outbox), their
    details without patient numbers: no access to a patient, no search."""
    everything = require_reader(operator)
    with uow:
        if everything:
            entries = uow.audit.recent(limit=limit)
        else:
            entries = [_technical(e) for e in uow.audit.recent(limit=limit, object_types=TECHNICAL_OBJECT_TYPES)]
        audit(uow, Actor(operator.code, operator.workstation), action="read", object_type="audit_log",
              object_id=f"{len(entries)} entrées", detail="" if everything else "événements techniques", now=now)
        uow.commit()
    return entries


def require_reader(operator: Reader) -> bool:
    """Refuse who may not read the trail; True if the operator may read all of it (not only technical events)."""
    if operator.can(Permission.READ_AUDIT):
        return True
    if operator.can(Permission.READ_TECHNICAL_AUDIT):
        return False
    raise PermissionDenied(f"Action réservée : votre rôle ({operator.role.label}) ne le permet pas.")


def _technical(entry: m.AuditEntry) -> m.AuditEntry:
    """A detached copy whose detail is stripped (the stored row is never changed)."""
    return m.AuditEntry(seq=entry.seq, at=entry.at, operator_code=entry.operator_code, workstation=entry.workstation,
                        action=entry.action, object_type=entry.object_type,
                        object_id=technical_detail(entry.object_id), detail=technical_detail(entry.detail),
                        prev_hash=entry.prev_hash, hash=entry.hash, key_id=entry.key_id)


def recent_entries(*, uow: UnitOfWork, limit: int = 200, object_type: str | None = None) -> list[m.AuditEntry]:
    with uow:
        return uow.audit.recent(limit=limit, object_type=object_type)


class CheckpointScheduler:
    """A daemon thread of `comptoir serve`: every `minutes`, a signed checkpoint if the chain's head moved."""

    def __init__(self, unit_of_work: Callable[[], UnitOfWork], files: Sequence[Path], minutes: float,
                 clock: Callable[[], datetime]) -> None:
        self._unit_of_work, self._files, self._minutes, self._clock = unit_of_work, list(files), minutes, clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="points-de-controle-audit", daemon=True)

    def start(self) -> None:
        if self._minutes > 0:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(self._minutes * 60):
            self.run_once()

    def run_once(self) -> Checkpoint | None:
        uow = self._unit_of_work()
        try:
            return write_checkpoint(uow, self._files, now=self._clock(), only_if_moved=True)
        except Exception as exc:  # a failed checkpoint must not stop the server; it is logged for the owner
            log.error("Point de contrôle du journal d'audit impossible : %s: %s", type(exc).__name__, exc)
            return None
        finally:
            uow.close()
