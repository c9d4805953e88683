"""The outbox's DMP senders over an in-memory DMP: the record follows what the DMP answered; the page of
documents not sent sends one once the identity is qualified, after the pharmacist's confirmation."""

from __future__ import annotations

import pytest

from comptoir.errors import ExternalServiceError, PermissionDenied, RuleViolation
from comptoir.services.dispensing.fanout import DispensationAct
from comptoir.services.dmp import feed, messages, unsent
from comptoir.store import models as m
from comptoir.store import sharing as s
from comptoir.store.outbox import OutboxMessage
from tests.fakes import FakeUnitOfWork
from tests.fakes.dmp import GENE, FakeDmp
from tests.unit.services_dmp.world import NOW, PHARMACIST, PREPARER, KitBuilder, dispensation, patient, world


def validated(uow: FakeUnitOfWork, patient_row: m.Patient) -> tuple[list[OutboxMessage], DispensationAct]:
    row, lines = dispensation(uow, patient_row)
    act = DispensationAct(row, lines, patient_row, PHARMACIST, NOW)
    return feed.DmpFeed(KitBuilder()).validated(uow, act), act


def send(uow: FakeUnitOfWork, dmp: FakeDmp, message: OutboxMessage) -> dict[str, object]:
    return messages.handlers(dmp, lambda: uow, lambda: NOW)[message.kind](message.payload)


def test_a_document_sent_is_in_the_dmp_and_recorded_sent() -> None:
    uow, dmp = world(), FakeDmp()
    [message], _ = validated(uow, patient(uow))

    acknowledgement = send(uow, dmp, message)

    [record] = uow.sharing.documents
    assert acknowledgement["uniqueId"] == record.document_id and acknowledgement["dejaRecu"] is False
    assert (record.status, record.sent_at) == (s.SENT, NOW)
    assert [e.unique_id for e in dmp.search(GENE.matricule)] == [record.document_id]


def test_the_same_message_delivered_twice_is_stored_once() -> None:
    uow, dmp = world(), FakeDmp()
    [message], _ = validated(uow, patient(uow))

    send(uow, dmp, message)
    again = send(uow, dmp, message)

    assert again["dejaRecu"] is True and len(dmp.search(GENE.matricule)) == 1


def test_a_dmp_down_leaves_the_document_to_send() -> None:
    uow, dmp = world(), FakeDmp(down=True)
    [message], _ = validated(uow, patient(uow))

    with pytest.raises(ExternalServiceError) as raised:
        send(uow, dmp, message)

    assert not raised.value.permanent and uow.sharing.documents[0].status == s.TO_SEND


def test_a_refusal_of_the_dmp_is_recorded_with_its_reason() -> None:
    uow, dmp = world(), FakeDmp()
    dmp.close_dmp(GENE.matricule)
    [message], _ = validated(uow, patient(uow))

    with pytest.raises(ExternalServiceError):
        send(uow, dmp, message)

    [record] = uow.sharing.documents
    assert record.status == s.REFUSED and "fermé son DMP" in record.reason
    assert [d.id for d in unsent.unsent_documents(uow=uow, operator=PHARMACIST, now=NOW)] == [record.id]


def test_a_cancellation_deletes_the_document_from_the_dmp() -> None:
    uow, dmp = world(), FakeDmp()
    [message], act = validated(uow, patient(uow))
    send(uow, dmp, message)

    [deletion] = feed.DmpFeed(KitBuilder()).cancelled(uow, act, "erreur")
    send(uow, dmp, deletion)

    assert dmp.search(GENE.matricule) == [] and uow.sharing.documents[0].status == s.DELETED


def test_a_deletion_delivered_twice_is_acknowledged_the_second_time() -> None:
    uow, dmp = world(), FakeDmp()
    [message], act = validated(uow, patient(uow))
    send(uow, dmp, message)
    [deletion] = feed.DmpFeed(KitBuilder()).cancelled(uow, act, "erreur")
    send(uow, dmp, deletion)

    again = send(uow, dmp, deletion)

    assert again["supprime"] is True
    assert (uow.sharing.documents[0].status, uow.sharing.documents[0].reason) == (s.DELETED, "")


def test_a_document_not_sent_is_listed_then_sent_once_the_identity_is_qualified(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feed.FEED, "build", KitBuilder())
    uow, dmp = world(), FakeDmp()
    row = patient(uow, status="VALI")
    validated(uow, row)
    [listed] = unsent.unsent_documents(uow=uow, operator=PHARMACIST, now=NOW)
    assert (listed.reason, listed.qualified, listed.kind) == ("identité non qualifiée", False, "Dispensation")

    row.identity_status = "QUAL"
    unsent.send_to_dmp(listed.id, confirmed=True, uow=uow, operator=PHARMACIST, now=NOW)
    send(uow, dmp, uow.outbox.messages[-1])

    assert unsent.unsent_documents(uow=uow, operator=PHARMACIST, now=NOW) == []
    assert len(dmp.search(GENE.matricule)) == 1


def test_sending_asks_the_confirmation_and_a_pharmacist() -> None:
    uow = world()
    validated(uow, patient(uow, status="VALI"))
    uow.patients.one(1).identity_status = "QUAL"
    document_pk = uow.sharing.documents[0].id

    with pytest.raises(RuleViolation, match="Confirmez"):
        unsent.send_to_dmp(document_pk, confirmed=False, uow=uow, operator=PHARMACIST, now=NOW)
    with pytest.raises(PermissionDenied):
        unsent.send_to_dmp(document_pk, confirmed=True, uow=uow, operator=PREPARER, now=NOW)

    assert uow.outbox.messages == []


def test_a_document_whose_identity_is_still_not_qualified_is_not_sent() -> None:
    uow = world()
    validated(uow, patient(uow, status="VALI"))

    with pytest.raises(RuleViolation, match="Identité non qualifiée"):
        unsent.send_to_dmp(uow.sharing.documents[0].id, confirmed=True, uow=uow, operator=PHARMACIST, now=NOW)

    assert uow.outbox.messages == []
