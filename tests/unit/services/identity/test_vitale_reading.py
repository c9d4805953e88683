"""Identification from a carte Vitale, its app, or a DataMatrix, on the in-memory unit of work: the record is
written only once the INSi has answered, and a refusal is said before the INSi is asked."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from comptoir.domain.identity.ins import InsIdentity, InsOid, InsTraits
from comptoir.domain.identity.vitale import VitaleBeneficiary, VitaleCard, VitaleMedium
from comptoir.domain.operators import Role
from comptoir.errors import ExternalServiceError, RuleViolation
from comptoir.national.ins.port import SearchAnswer, SearchOutcome
from comptoir.services.identity import ins_datamatrix
from comptoir.services.identity.vitale_reading import identify_from_app, identify_from_card
from comptoir.services.platform.operators import CurrentOperator
from tests.fakes import FakeUnitOfWork
from tests.fakes.identity import FakeInsi, a_patient

NOW = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)
PREPARATEUR = CurrentOperator(id=1, code="PR01", display_name="Julie", role=Role.PREPARATEUR, workstation="poste-1")
DARK = InsIdentity("239088815400243", InsOid.NIR, InsTraits("DARK", "JEANNE MARIE", date(1939, 8, 13), "F", "88154"))
JEANNE = VitaleBeneficiary("DARK", "DARK", "JEANNE", date(1939, 8, 13))
DARK_DM = ("IS010000000000000000000000S1239088815400243S21.2.250.1.213.1.4.8\x1dS3JEANNE MARIE\x1dS4DARK\x1d"
           "S5FS613-08-1939S788154")


def card(*people: VitaleBeneficiary, medium: VitaleMedium = VitaleMedium.CARD) -> VitaleCard:
    return VitaleCard("dark", medium, "239088815400243", people or (JEANNE,))


def test_a_card_read_creates_the_record_and_keeps_the_insi_answer() -> None:
    uow = FakeUnitOfWork()

    found = identify_from_card(card(), 0, uow=uow, operator=PREPARATEUR,
                               insi=FakeInsi(SearchAnswer(SearchOutcome.ONE, DARK)), now=NOW)

    assert found.created and found.proposal is not None and found.proposal.identity == DARK
    assert (found.patient.sex, found.patient.collection_method) == ("F", "CV")
    assert uow.committed == 1


def test_a_known_person_is_found_and_the_reading_audited() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow)

    found = identify_from_card(card(), 0, uow=uow, operator=PREPARATEUR, insi=FakeInsi(), now=NOW)

    assert (found.patient, found.created) == (record, False)
    assert [(e.action, e.object_id) for e in uow.audit.entries] == [("read", str(record.id))]


def test_insi_down_creates_no_record() -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(ExternalServiceError):
        identify_from_card(card(), 0, uow=uow, operator=PREPARATEUR, insi=FakeInsi(down=True), now=NOW)

    assert (uow.patients.patients, uow.audit.entries, uow.committed) == ({}, [], 0)


def test_a_beneficiary_whose_sex_the_card_does_not_tell_is_refused_before_the_insi_is_asked() -> None:
    uow = FakeUnitOfWork()
    child = VitaleBeneficiary("DARK", "DARK", "LEA", date(2015, 3, 1), quality="enfant")
    insi = FakeInsi()

    with pytest.raises(RuleViolation, match="ne dit pas le sexe"):
        identify_from_card(card(JEANNE, child), 1, uow=uow, operator=PREPARATEUR, insi=insi, now=NOW)

    assert (insi.asked, uow.patients.patients) == ([], {})


def test_the_app_qualifies_at_once() -> None:
    uow = FakeUnitOfWork()
    enrolled = VitaleBeneficiary("DARK", "DARK", "JEANNE", date(1939, 8, 13), ins=DARK)

    found = identify_from_app(card(enrolled, medium=VitaleMedium.APP), 0, uow=uow, operator=PREPARATEUR, now=NOW)

    assert (found.patient.identity_status, found.patient.trust_document, found.ask_for_document) == ("QUAL", "AV",
                                                                                                      False)


def test_a_datamatrix_verified_by_the_insi_is_proposed_for_the_open_record() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow)
    insi = FakeInsi()

    proposal = ins_datamatrix.check_datamatrix(record.id, DARK_DM, uow=uow, operator=PREPARATEUR, insi=insi, now=NOW)

    assert (proposal.identity, proposal.method.value) == (DARK, "CB")
    assert insi.asked == [DARK]
