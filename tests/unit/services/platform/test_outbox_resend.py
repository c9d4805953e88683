"""The outbox's use cases, on the in-memory unit of work: enqueue, list, resend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from comptoir.domain.operators import Role
from comptoir.errors import NotFound, PermissionDenied
from comptoir.services.platform import outbox
from comptoir.services.platform.operators import CurrentOperator
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)
PHARMACIST = CurrentOperator(1, "PH01", "Claire", Role.TITULAIRE, "poste-1")
PREPARATEUR = CurrentOperator(2, "PR01", "Julie", Role.PREPARATEUR, "poste-3")
ADMIN = CurrentOperator(3, "ADM", "IT", Role.ADMIN, "serveur")


def outbox_with(*statuses: str) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    for n, status in enumerate(statuses):
        message = outbox.enqueue(uow, kind="test", key=f"k{n}", payload={}, label=f"message {n}", now=NOW)
        message.status = status
    return uow


def test_a_message_is_enqueued_in_the_act_s_unit_of_work_without_committing_it() -> None:
    uow = FakeUnitOfWork()

    message = outbox.enqueue(uow, kind="test", key="k1", payload={"n": 1}, label="", now=NOW, depends_on="k0")

    assert uow.outbox.messages == [message] and uow.committed == 0
    assert (message.status, message.attempts, message.next_attempt_at) == (outbox.TO_SEND, 0, NOW)


def test_failed_messages_are_listed_first_and_the_reading_is_audited() -> None:
    uow = outbox_with(outbox.TO_SEND, outbox.SENT, outbox.FAILED)

    listed = outbox.waiting(PHARMACIST, uow=uow, now=NOW)

    assert [m.idempotency_key for m in listed] == ["k2", "k0"]
    assert [(e.action, e.object_type, e.object_id) for e in uow.audit.entries] == [("read", "outbox", "2 message(s)")]
    assert uow.committed == 1


def test_the_administrator_may_not_read_the_labels_which_name_patients() -> None:
    uow = outbox_with(outbox.FAILED)

    with pytest.raises(PermissionDenied):
        outbox.waiting(ADMIN, uow=uow, now=NOW)

    assert uow.audit.entries == [] and uow.committed == 0


def test_a_pharmacist_resends_a_failed_message_now_and_it_is_audited() -> None:
    uow = outbox_with(outbox.FAILED)
    message = uow.outbox.messages[0]
    message.next_attempt_at, message.claimed_until = NOW + timedelta(hours=1), NOW

    outbox.resend(PHARMACIST, message.id, uow=uow, now=NOW)

    assert (message.status, message.next_attempt_at, message.claimed_until) == (outbox.TO_SEND, NOW, None)
    assert uow.audit.entries[0].detail == "renvoi test" and uow.committed == 1


def test_a_preparateur_may_not_resend_and_nothing_is_written() -> None:
    uow = outbox_with(outbox.FAILED)

    with pytest.raises(PermissionDenied, match="ne le permet pas"):
        outbox.resend(PREPARATEUR, 1, uow=uow, now=NOW)

    assert uow.outbox.messages[0].status == outbox.FAILED
    assert uow.audit.entries == [] and uow.committed == 0


def test_a_sent_message_is_not_resent() -> None:
    uow = outbox_with(outbox.SENT)

    with pytest.raises(NotFound, match="n° 1"):
        outbox.resend(PHARMACIST, 1, uow=uow, now=NOW)

    assert uow.audit.entries == [] and uow.committed == 0
