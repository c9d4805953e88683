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
