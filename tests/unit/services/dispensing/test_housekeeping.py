"""The counter's housekeeping on the in-memory unit of work: a basket untouched for a day is abandoned (audited,
by the server itself), the scans no dispensation took after a day are purged, never those of a basket still
open; and the outbox worker does it at most once an hour."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from comptoir.services.dispensing.housekeeping import abandon_stale_baskets, counter_chores, tidy_counter
from comptoir.services.dispensing.scans import purge_abandoned_scans
from comptoir.services.platform import outbox
from comptoir.services.platform.outbox import OutboxWorker
from comptoir.store.counter import Basket
from comptoir.store.documents import DispensationDocument
from tests.fakes import FakeUnitOfWork
from tests.unit.services.dispensing.world import NOW, PATIENT, pharmacy


def basket(uow: FakeUnitOfWork, *, hours_ago: float, status: str = "ouvert") -> Basket:
    when = NOW - timedelta(hours=hours_ago)
    return uow.baskets.add(Basket(status=status, kind="ordonnance_papier", patient_id=PATIENT, renewal=0,
                                  prescriber_name="", version=3, created_by="PR01", created_at=when,
                                  workstation="poste-2", updated_by="PR01", updated_at=when))


def scan(uow: FakeUnitOfWork, ref: str, *, hours_ago: float) -> None:
    uow.documents.add(DispensationDocument(kind="ordonnance", basket_ref=ref, taken_at=NOW - timedelta(hours=hours_ago),
                                           operator_code="PR01", content_type="image/png", size_bytes=8,
                                           sha256="0" * 64, content=b"\x89PNG\r\n\x1a\n"))


def refs(uow: FakeUnitOfWork) -> list[str | None]:
    return [d.basket_ref for d in uow.documents.documents]


def test_a_basket_untouched_for_a_day_is_abandoned_by_the_server_and_audited() -> None:
    uow = pharmacy()
    stale, waiting = basket(uow, hours_ago=25), basket(uow, hours_ago=30, status="en_attente")
    recent, done = basket(uow, hours_ago=23), basket(uow, hours_ago=48, status="valide")

    abandoned = abandon_stale_baskets(uow=uow, now=NOW)

    assert abandoned == 2
    assert [b.status for b in (stale, waiting, recent, done)] == ["abandonne", "abandonne", "ouvert", "valide"]
    assert (stale.updated_by, stale.updated_at, stale.version) == ("systeme", NOW, 4)
    assert sorted((e.operator_code, e.object_id) for e in uow.audit.entries) == [("systeme", str(stale.id)),
                                                                         ("systeme", str(waiting.id))]
    assert all(e.detail.startswith("abandon automatique") for e in uow.audit.entries) and uow.committed == 1


def test_the_scan_of_a_basket_still_open_is_kept_however_old() -> None:
    uow = pharmacy()
    open_basket, gone = basket(uow, hours_ago=1), basket(uow, hours_ago=30, status="abandonne")
    scan(uow, f"panier-{open_basket.id}", hours_ago=30)
    scan(uow, f"panier-{gone.id}", hours_ago=30)
    scan(uow, "lu-en-F6", hours_ago=26)

    purged = purge_abandoned_scans(uow=uow, now=NOW)

    assert purged == 2 and refs(uow) == [f"panier-{open_basket.id}"]


def test_one_pass_abandons_the_stale_basket_and_purges_its_scan() -> None:
    uow = pharmacy()
    stale = basket(uow, hours_ago=25)
    scan(uow, f"panier-{stale.id}", hours_ago=25)

    tidied = tidy_counter(lambda: uow, now=NOW)

    assert (tidied.baskets, tidied.scans, stale.status, refs(uow)) == (1, 1, "abandonne", [])


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def test_the_outbox_worker_tidies_the_counter_at_most_once_an_hour() -> None:
    uow, clock = pharmacy(), Clock()
    runs: list[datetime] = []
    worker = OutboxWorker(lambda: uow, {}, clock, chores=counter_chores(lambda: uow))
    worker.chores[0].run = lambda now, tidy=worker.chores[0].run: runs.append(now) or tidy(now)
    basket(uow, hours_ago=25)

    for minutes in (0, 30, 59, 61, 90, 125):
        clock.now = NOW + timedelta(minutes=minutes)
        worker.tick()

    assert runs == [NOW, NOW + timedelta(minutes=61), NOW + timedelta(minutes=125)]
    assert [b.status for b in uow.baskets.baskets.values()] == ["abandonne"]


def test_a_failing_chore_does_not_stop_the_sending() -> None:
    uow, clock = pharmacy(), Clock()
    sent: list[dict[str, Any]] = []

    def broken(now: datetime) -> None:
        raise RuntimeError("base verrouillée")

    worker = OutboxWorker(lambda: uow, {"test": lambda payload: sent.append(payload) or {}}, clock,
                          chores=counter_chores(lambda: uow))
    worker.chores[0].run = broken
    outbox.enqueue(uow, kind="test", key="k1", payload={"n": 1}, label="message 1", now=NOW)

    assert worker.tick() == 1 and sent == [{"n": 1}]
