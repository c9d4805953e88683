"""The audit trail's rules, on the in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, datetime

from comptoir.domain.audit import GENESIS
from comptoir.services.platform.audit_log import Actor, audit, read_trail, recent_entries, verify_trail
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)
PHARMACIST = Actor("PH01", "poste-1")


def test_each_entry_is_chained_to_the_one_before() -> None:
    uow = FakeUnitOfWork()

    first = audit(uow, PHARMACIST, action="read", object_type="patient", object_id="1", now=NOW)
    second = audit(uow, PHARMACIST, action="read", object_type="patient", object_id="2", now=NOW)

    assert (first.seq, first.prev_hash) == (1, GENESIS)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert uow.audit.head() is not None and uow.audit.head().hash == second.hash


def test_a_chain_with_a_rewritten_entry_no_longer_verifies() -> None:
    uow = FakeUnitOfWork()
    for patient in ("1", "2", "3"):
        audit(uow, PHARMACIST, action="read", object_type="patient", object_id=patient, now=NOW)
    uow.audit.entries[1].object_id = "99"

    check = verify_trail(uow)

    assert check.first_broken_seq == 2


def test_reading_the_trail_is_itself_recorded_and_committed() -> None:
    uow = FakeUnitOfWork()
    audit(uow, PHARMACIST, action="read", object_type="patient", object_id="1", now=NOW)

    shown = read_trail(PHARMACIST, uow=uow, limit=10, now=NOW)

    assert [e.object_type for e in shown] == ["patient"]
    assert uow.audit.entries[-1].object_type == "audit_log" and uow.committed == 1


def test_recent_entries_may_be_of_one_kind() -> None:
    uow = FakeUnitOfWork()
    for kind in ("patient", "outbox", "patient"):
        audit(uow, PHARMACIST, action="read", object_type=kind, object_id="1", now=NOW)

    assert [e.seq for e in recent_entries(uow=uow, object_type="patient")] == [3, 1]
