"""The transactional outbox on SQLite and PostgreSQL: enqueue with the act, send, retry, fail, resend."""

from __future__ import annotations

import threading
from collections import Counter
from contextlib import closing
from datetime import timedelta
from typing import Any

import pytest

from comptoir.domain.operators import Role
from comptoir.errors import ExternalServiceError
from comptoir.services.platform import outbox
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.store.outbox import OutboxMessage
from tests.conftest import Clock

PHARMACIST = CurrentOperator(1, "PH01", "Claire", Role.TITULAIRE, "poste-1")


class Service:
    """A national service that answers, fails for a while, or refuses."""

    def __init__(self, failures: int = 0, permanent: bool = False) -> None:
        self.received: Counter[str] = Counter()
        self.failures, self.permanent, self.lock = failures, permanent, threading.Lock()

    def __call__(self, payload: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            if self.failures:
                self.failures -= 1
                raise ExternalServiceError("Service indisponible (HTTP 503).", permanent=self.permanent)
            self.received[payload["n"]] += 1
        return {"ok": payload["n"]}


def put(runtime: Runtime, *keys: str, depends_on: str | None = None) -> None:
    with closing(runtime.unit_of_work()) as uow, uow:
        for key in keys:
            outbox.enqueue(uow, kind="test", key=key, payload={"n": key}, label=f"message {key}",
                           now=runtime.clock(), depends_on=depends_on)
        uow.commit()


def worker(runtime: Runtime, service: Service, clock: Clock) -> outbox.OutboxWorker:
    return outbox.OutboxWorker(runtime.unit_of_work, {"test": service}, clock, batch=3)


def message(runtime: Runtime, key: str) -> OutboxMessage:
    with runtime.session_factory() as session:
        row = session.query(OutboxMessage).filter_by(idempotency_key=key).one()
        session.expunge(row)
        return row


def test_a_message_is_written_only_if_the_act_commits(runtime: Runtime) -> None:
    with pytest.raises(RuntimeError), closing(runtime.unit_of_work()) as uow, uow:
        outbox.enqueue(uow, kind="test", key="k1", payload={"n": "k1"}, label="", now=runtime.clock())
        raise RuntimeError("the act failed")

    with runtime.session_factory() as session:
        assert session.query(OutboxMessage).count() == 0


def test_the_worker_sends_and_records_the_acknowledgement(runtime: Runtime, clock: Clock) -> None:
    service = Service()
    put(runtime, "a", "b", "c", "d")

    sent = worker(runtime, service, clock).run_once() + worker(runtime, service, clock).run_once()

    assert sent == 4 and service.received == Counter("abcd")
    assert message(runtime, "a").status == "envoye" and message(runtime, "a").acknowledgement == {"ok": "a"}


def test_a_transient_failure_is_retried_later_with_growing_delays(runtime: Runtime, clock: Clock) -> None:
    service, sender = Service(failures=2), None
    put(runtime, "a")
    sender = worker(runtime, service, clock)

    sender.run_once()
    first = message(runtime, "a")
    assert sender.run_once() == 0
    clock.advance(seconds=2)
    sender.run_once()
    second = message(runtime, "a")
    clock.advance(seconds=4)
    sender.run_once()

    assert (first.status, first.attempts, "503" in first.last_error) == ("a_envoyer", 1, True)
    assert second.next_attempt_at.replace(tzinfo=None) - clock.now.replace(tzinfo=None) == timedelta(0)
    assert message(runtime, "a").status == "envoye" and service.received["a"] == 1


def test_a_permanent_failure_waits_for_a_pharmacist_to_resend(runtime: Runtime, clock: Clock) -> None:
    service = Service(failures=1, permanent=True)
    put(runtime, "a")
    worker(runtime, service, clock).run_once()
    failed = message(runtime, "a")

    with closing(runtime.unit_of_work()) as uow:
        listed = outbox.waiting(PHARMACIST, uow=uow, now=clock())
        outbox.resend(PHARMACIST, failed.id, uow=uow, now=clock())
    worker(runtime, service, clock).run_once()

    assert failed.status == "echec" and [m.id for m in listed] == [failed.id]
    assert message(runtime, "a").status == "envoye"


def test_a_message_waits_for_the_one_it_depends_on(runtime: Runtime, clock: Clock) -> None:
    service = Service(failures=1)
    put(runtime, "execution")
    put(runtime, "billing", depends_on="execution")

    worker(runtime, service, clock).run_once()
    clock.advance(seconds=3)
    worker(runtime, service, clock).run_once()
    worker(runtime, service, clock).run_once()

    assert message(runtime, "billing").sent_at >= message(runtime, "execution").sent_at  # type: ignore[operator]


def test_messages_waiting_for_one_that_failed_for_good_fail_with_it_and_go_again_when_it_is_resent(
        runtime: Runtime, clock: Clock) -> None:
    service = Service(failures=1, permanent=True)
    put(runtime, "document")
    put(runtime, "deletion", depends_on="document")
    put(runtime, "after-deletion", depends_on="deletion")

    worker(runtime, service, clock).run_once()
    failed_together = [message(runtime, key) for key in ("deletion", "after-deletion")]
    with closing(runtime.unit_of_work()) as uow:
        outbox.resend(PHARMACIST, message(runtime, "document").id, uow=uow, now=clock())
    for _ in range(3):
        worker(runtime, service, clock).run_once()

    assert [row.status for row in failed_together] == ["echec", "echec"]
    assert "message document" in failed_together[0].last_error
    assert [message(runtime, key).status for key in ("document", "deletion", "after-deletion")] == ["envoye"] * 3


def test_a_claim_left_by_a_dead_worker_is_taken_again_after_its_lease(runtime: Runtime, clock: Clock) -> None:
    service = Service()
    put(runtime, "a")
    worker(runtime, service, clock)._claim()

    assert worker(runtime, service, clock).run_once() == 0
    clock.advance(seconds=61)
    assert worker(runtime, service, clock).run_once() == 1


def test_concurrent_workers_never_send_a_message_twice(runtime: Runtime, clock: Clock) -> None:
    service = Service()
    keys = [f"m{n}" for n in range(24)]
    put(runtime, *keys)
    workers = [worker(runtime, service, clock) for _ in range(4)]

    threads = [threading.Thread(target=lambda w=w: [w.run_once() for _ in range(8)]) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert service.received == Counter(keys)


class Broken:
    """A handler with a bug: it raises an error nobody foresaw for the payloads it cannot read."""

    def __init__(self, error: Exception, unreadable: set[str]) -> None:
        self.error, self.unreadable, self.received = error, unreadable, Counter[str]()

    def __call__(self, payload: dict[str, Any]) -> dict[str, Any]:
        if payload["n"] in self.unreadable:
            raise self.error
        self.received[payload["n"]] += 1
        return {"ok": payload["n"]}


def broken_worker(runtime: Runtime, handler: Broken, clock: Clock, max_attempts: int = 8) -> outbox.OutboxWorker:
    return outbox.OutboxWorker(runtime.unit_of_work, {"test": handler}, clock, batch=3, max_attempts=max_attempts)


@pytest.mark.parametrize("error", [ValueError("date illisible"), KeyError("prescription_id")],
                         ids=["ValueError", "KeyError"])
def test_a_handler_failing_unexpectedly_is_retried_later_with_backoff(
        runtime: Runtime, clock: Clock, error: Exception, caplog: pytest.LogCaptureFixture) -> None:
    sender = broken_worker(runtime, Broken(error, {"a"}), clock)
    put(runtime, "a")

    assert sender.run_once() == 1
    first = message(runtime, "a")
    retried_too_soon = sender.run_once()
    clock.advance(seconds=2)
    retried_after_backoff = sender.run_once()
    second = message(runtime, "a")

    assert (first.status, first.attempts, first.claimed_until) == ("a_envoyer", 1, None)
    assert type(error).__name__ in first.last_error
    assert (retried_too_soon, retried_after_backoff) == (0, 1)
    assert (second.attempts, second.claimed_until) == (2, None)
    assert second.next_attempt_at.replace(tzinfo=None) - clock.now.replace(tzinfo=None) == timedelta(seconds=4)
    warnings = [r for r in caplog.records if r.name == "comptoir.outbox"]
    assert warnings and all(type(error).__name__ in r.getMessage() and r.exc_info is None for r in warnings)


def test_a_handler_failing_unexpectedly_fails_for_good_after_the_maximum_attempts(
        runtime: Runtime, clock: Clock) -> None:
    sender = broken_worker(runtime, Broken(ValueError("date illisible"), {"a"}), clock, max_attempts=3)
    put(runtime, "a")

    tried = []
    for _ in range(5):
        tried.append(sender.run_once())
        clock.advance(seconds=600)

    failed = message(runtime, "a")
    assert tried == [1, 1, 1, 0, 0]
    assert (failed.status, failed.attempts, failed.claimed_until) == ("echec", 3, None)


def test_other_messages_keep_flowing_past_one_whose_handler_fails(runtime: Runtime, clock: Clock) -> None:
    handler = Broken(KeyError("execution"), {"b"})
    put(runtime, "a", "b", "c", "d")

    tried = broken_worker(runtime, handler, clock).run_once() + broken_worker(runtime, handler, clock).run_once()

    assert tried == 4 and handler.received == Counter("acd")
    assert message(runtime, "b").status == "a_envoyer"


def test_the_reason_of_an_unexpected_failure_leaves_out_the_payload() -> None:
    error = ValueError("1 validation error for DemandeExecution\n  Input should be … [input_value='DUPONT Marie']")

    reason = outbox.unexpected_reason(error)

    assert "ValueError" in reason and "DemandeExecution" in reason and "DUPONT" not in reason
