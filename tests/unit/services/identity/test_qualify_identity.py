"""Qualification on the in-memory unit of work: the INSi's answer is kept, confirmed, and a refusal leaves
the record as it was."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from comptoir.domain.identity.ins import InsIdentity, InsOid, InsTraits
from comptoir.domain.identity.status import DocumentOutcome, TrustDocument
from comptoir.domain.operators import Role
from comptoir.errors import Conflict, ExternalServiceError, RuleViolation
from comptoir.national.ins.port import SearchAnswer, SearchOutcome
from comptoir.services.identity import qualify_identity
from comptoir.services.platform.operators import CurrentOperator
from tests.fakes import FakeUnitOfWork
from tests.fakes.identity import FakeInsi, a_patient

NOW = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)
PREPARATEUR = CurrentOperator(id=1, code="PR01", display_name="Julie", role=Role.PREPARATEUR, workstation="poste-1")
DARK = InsIdentity("239088815400243", InsOid.NIR, InsTraits("DARK", "JEANNE MARIE", date(1939, 8, 13), "F", "88154"))


def asked(uow: FakeUnitOfWork, patient_id: int, insi: FakeInsi) -> qualify_identity.InsiProposal:
    return qualify_identity.ask_insi(patient_id, uow=uow, operator=PREPARATEUR, insi=insi, now=NOW)


def test_the_insi_answer_is_kept_for_the_record() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow, birth_given_names="JEANNE")

    proposal = asked(uow, record.id, FakeInsi(SearchAnswer(SearchOutcome.ONE, DARK)))

    assert proposal.identity == DARK
    assert [d.field for d in proposal.differences] == ["birth_given_names"]
    assert uow.patients.latest_insi_answer(record.id) is not None
    assert uow.committed == 1


def test_insi_down_keeps_nothing() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow)

    with pytest.raises(ExternalServiceError):
        asked(uow, record.id, FakeInsi(down=True))

    assert (uow.patients.answers, uow.committed) == ({}, 0)


def test_a_record_without_birth_names_is_not_sent_to_the_insi() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow, last_name=" ", birth_name=None)
    insi = FakeInsi()

    with pytest.raises(RuleViolation, match="nom et les prénoms de naissance"):
        asked(uow, record.id, insi)

    assert insi.asked == []


def test_a_confirmed_answer_gives_the_record_its_ins_and_is_used_once() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow)
    proposal = asked(uow, record.id, FakeInsi(SearchAnswer(SearchOutcome.ONE, DARK)))

    qualify_identity.accept_insi_identity(record.id, proposal.answer_id, uow=uow, operator=PREPARATEUR, now=NOW)

    assert (record.nir, record.identity_status, record.collection_method) == ("239088815400243", "RECUP", "INSI")
    assert [e.kind for e in uow.patients.history_of(record.id)] == ["insi"]
    with pytest.raises(RuleViolation, match="déjà servi"):
        qualify_identity.accept_insi_identity(record.id, proposal.answer_id, uow=uow, operator=PREPARATEUR, now=NOW)


def test_an_answer_older_than_two_hours_is_refused_and_the_record_stays() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow)
    proposal = asked(uow, record.id, FakeInsi(SearchAnswer(SearchOutcome.ONE, DARK)))

    with pytest.raises(RuleViolation, match="trop ancienne"):
        qualify_identity.accept_insi_identity(record.id, proposal.answer_id, uow=uow, operator=PREPARATEUR,
                                              now=NOW + timedelta(hours=2, minutes=1))

    assert (record.nir, record.identity_status, uow.committed) == (None, "PROV", 1)


def test_a_matricule_already_on_another_record_is_a_collision_and_changes_nothing() -> None:
    uow = FakeUnitOfWork()
    a_patient(uow, nir="239088815400243")
    record = a_patient(uow, last_name="DARC")
    proposal = asked(uow, record.id, FakeInsi(SearchAnswer(SearchOutcome.ONE, DARK)))

    with pytest.raises(Conflict, match="déjà celui du dossier n° 1"):
        qualify_identity.accept_insi_identity(record.id, proposal.answer_id, uow=uow, operator=PREPARATEUR, now=NOW)

    assert (record.nir, uow.patients.history_of(record.id), uow.committed) == (None, [], 1)


def test_a_checked_document_without_its_kind_is_refused() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow, identity_status="RECUP", nir="239088815400243")

    with pytest.raises(RuleViolation, match="Choisissez la pièce"):
        qualify_identity.record_document(record.id, DocumentOutcome.CHECKED, document=None, prompts=3, uow=uow,
                                         operator=PREPARATEUR, now=NOW)

    assert (record.identity_status, uow.committed) == ("RECUP", 0)


def test_a_checked_document_qualifies_a_recovered_identity() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow, identity_status="RECUP", nir="239088815400243")

    qualify_identity.record_document(record.id, DocumentOutcome.CHECKED, document=TrustDocument.ID_CARD, prompts=3,
                                     uow=uow, operator=PREPARATEUR, now=NOW)

    assert (record.identity_status, record.trust_document) == ("QUAL", "CN")
    assert [e.kind for e in uow.patients.history_of(record.id)] == ["piece"]
