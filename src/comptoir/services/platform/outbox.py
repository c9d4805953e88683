"""Use cases of the transactional outbox (DESIGN.md): enqueue a message in the act's own transaction;
a worker claims due messages, sends them through the service's port, retries with exponential
backoff, records acknowledgements and permanent failures; a pharmacist may resend a failed one.

Claiming: on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`, so several workers (several app servers)
never take the same message; on SQLite the transaction starts with BEGIN IMMEDIATE (store/db.py), so
claims are serialised by the database's write lock. A claim is a lease (`claimed_until`): a worker
killed mid-send leaves the message to be taken again when the lease ends. The service deduplicates by
the message's idempotency key, so a message sent twice is recorded once.

A handler that fails with an error we did not foresee (a bug, a malformed payload) makes a failed attempt
like a service that is down: the lease is released and the message waits its backoff, so it neither keeps
the worker nor blocks the others; after `max_attempts` it fails for good and waits for a pharmacist.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from comptoir.domain.operators import Permission
from comptoir.errors import ComptoirError, ExternalServiceError, NotFound
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.chores import Chore, run_due
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store.outbox import OutboxMessage

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

log = logging.getLogger("comptoir.outbox")
Handler = Callable[[dict[str, Any]], dict[str, Any]]
"""Sends one payload; returns the service's acknowledgement; raises `ExternalServiceError`."""
REASON_CHARS = 200
Clock = Callable[[], datetime]
TO_SEND, SENT, FAILED = "a_envoyer", "envoye", "echec"
STATUS_LABELS = {TO_SEND: "À envoyer", SENT: "Envoyé", FAILED: "En échec"}


def enqueue(uow: UnitOfWork, *, kind: str, key: str, payload: dict[str, Any], label: str, now: datetime,
            depends_on: str | None = None) -> OutboxMessage:
    """Add a message in the act's unit of work: it exists if and only if the act is committed."""
    message = OutboxMessage(kind=kind, idempotency_key=key, payload=payload, label=label, status=TO_SEND,
                            attempts=0, created_at=now, next_attempt_at=now, last_error="", depends_on=depends_on)
    uow.outbox.add(message)
    return message


def backoff(attempts: int, *, first_s: float, max_s: float) -> timedelta:
    return timedelta(seconds=min(first_s * 2 ** max(attempts - 1, 0), max_s))


@dataclass
class OutboxWorker:
    unit_of_work: Callable[[], UnitOfWork]
    handlers: Mapping[str, Handler]
    clock: Clock
    batch: int = 20
    lease: timedelta = timedelta(seconds=60)
    first_backoff_s: float = 2.0
    max_backoff_s: float = 600.0
    max_attempts: int = 8
    """Tries of a message whose handler fails unexpectedly; a service that is down is waited for without limit."""
    stop: threading.Event = field(default_factory=threading.Event)
    chores: tuple[Chore, ...] = ()
    """Periodic work of the deployment done by its worker (services/dispensing/housekeeping.py)."""

    def tick(self) -> int:
        """The chores that are due, then the messages that are due; returns how many messages were tried."""
        run_due(self.chores, self.clock())
        return self.run_once()

    def run_once(self) -> int:
        """Claim the due messages, send each, record each outcome; returns how many were tried."""
        claimed = self._claim()
        for message_id, kind, payload in claimed:
            self._deliver(message_id, kind, payload)
        return len(claimed)

    def run_forever(self, poll_s: float = 1.0) -> None:
        while not self.stop.is_set():
            try:
                busy = self.tick()
            except Exception:  # entry point of a thread: log, wait, go on (the database may be restarting)
                log.exception("Envoi de la file d'attente interrompu")
                busy = 0
            if not busy:
                self.stop.wait(poll_s)

    def start(self, poll_s: float = 1.0) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, args=(poll_s,), name="comptoir-outbox", daemon=True)
        thread.start()
        return thread

    def _claim(self) -> list[tuple[int, str, dict[str, Any]]]:
        now = self.clock()
        with self._transaction() as uow:
            rows = uow.outbox.claim_due(now, lease=self.lease, limit=self.batch)
            claimed = [(row.id, row.kind, dict(row.payload)) for row in rows]
            uow.commit()
        return claimed

    @contextmanager
    def _transaction(self) -> Iterator[UnitOfWork]:
        # Each step its own unit of work, closed at once: the worker reads fresh rows every time.
        with closing(self.unit_of_work()) as uow, uow:
            yield uow

    def _deliver(self, message_id: int, kind: str, payload: dict[str, Any]) -> None:
        handler = self.handlers.get(kind)
        try:
            if handler is None:
                raise ExternalServiceError(f"Aucun service ne sait envoyer les messages « {kind} ».", permanent=True)
            acknowledgement = handler(payload)
        except ExternalServiceError as exc:
            self._record_failure(message_id, str(exc), permanent=exc.permanent)
        except ComptoirError as exc:
            self._record_failure(message_id, str(exc), permanent=True)
        except Exception as exc:  # each message is an entry point: one handler's bug must not stop the others
            self._record_failure(message_id, unexpected_reason(exc), permanent=False, limited=True)
        else:
            self._record_sent(message_id, acknowledgement)

    def _record_sent(self, message_id: int, acknowledgement: dict[str, Any]) -> None:
        with self._transaction() as uow:
            row = uow.outbox.get(message_id)
            if row is not None:
                row.status, row.sent_at, row.acknowledgement = SENT, self.clock(), acknowledgement
                row.attempts, row.claimed_until, row.last_error = row.attempts + 1, None, ""
            uow.commit()

    def _record_failure(self, message_id: int, reason: str, *, permanent: bool, limited: bool = False) -> None:
        with self._transaction() as uow:
            row = uow.outbox.get(message_id)
            if row is None:
                return
            row.attempts, row.claimed_until, row.last_error = row.attempts + 1, None, reason
            permanent = permanent or (limited and row.attempts >= self.max_attempts)
            if permanent:
                row.status = FAILED
                _fail_dependents(uow, row)
            else:
                row.next_attempt_at = self.clock() + backoff(row.attempts, first_s=self.first_backoff_s,
                                                             max_s=self.max_backoff_s)
            uow.commit()
        log.warning("Message %s non envoyé (%s) : %s", message_id, "définitif" if permanent else "réessai", reason)


DEPENDENCY_FAILED = "Non envoyé : il attendait"


def _fail_dependents(uow: UnitOfWork, failed: OutboxMessage) -> None:
    """A message that can never be sent fails the ones waiting for it (a cancellation of an execution the base
    refused…): each says why, in the list of failures, rather than waiting for ever."""
    for dependent in uow.outbox.dependents(failed.idempotency_key, status=TO_SEND):
        dependent.status, dependent.claimed_until = FAILED, None
        dependent.last_error = f"{DEPENDENCY_FAILED} « {failed.label} », en échec."


def unexpected_reason(error: Exception) -> str:
    """The error's class and the first line of its message: no traceback, and no payload (pydantic puts the
    input values, a patient's data, on the lines after the first)."""
    first_line = (str(error).splitlines() or [""])[0][:REASON_CHARS]
    return f"Erreur inattendue ({type(error).__name__}) : {first_line}"


def waiting(operator: CurrentOperator, *, uow: UnitOfWork, now: datetime, limit: int = 200) -> list[OutboxMessage]:
    """Messages not sent yet and failed ones, failures first; the labels name patients, so audited."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        rows = uow.outbox.waiting(limit=limit)
        audit(uow, Actor(operator.code, operator.workstation), action="read", object_type="outbox",
              object_id=f"{len(rows)} message(s)", now=now)
        uow.commit()
    return rows


def recently_sent(*, uow: UnitOfWork, limit: int = 20) -> list[OutboxMessage]:
    with uow:
        return uow.outbox.recently_sent(limit=limit)


def resend(operator: CurrentOperator, message_id: int, *, uow: UnitOfWork, now: datetime) -> OutboxMessage:
    """A pharmacist sends a failed (or waiting) message again now; the same key, so never twice recorded."""
    operator.require(Permission.PHARMACIST_ACT)
    with uow:
        row = uow.outbox.locked(message_id)
        if row is None or row.status == SENT:
            raise NotFound(f"Aucun message à renvoyer n° {message_id}.")
        row.status, row.next_attempt_at, row.claimed_until = TO_SEND, now, None
        for dependent in uow.outbox.dependents(row.idempotency_key, status=FAILED):
            # Failed only because this one had: they go again once it is sent.
            if dependent.last_error.startswith(DEPENDENCY_FAILED):
                dependent.status, dependent.next_attempt_at, dependent.claimed_until = TO_SEND, now, None
        audit(uow, Actor(operator.code, operator.workstation), action="write", object_type="outbox",
              object_id=str(message_id), detail=f"renvoi {row.kind}", now=now)
        uow.commit()
    return row
