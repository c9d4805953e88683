"""Patient records on the in-memory unit of work: what is written, what is audited, what a refusal leaves."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from comptoir.domain.operators import Role
from comptoir.errors import NotFound, PermissionDenied, RuleViolation
from comptoir.services.identity import patients
from comptoir.services.platform.operators import CurrentOperator
from tests.fakes import FakeUnitOfWork
from tests.fakes.identity import a_patient

NOW = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)
PREPARATEUR = CurrentOperator(id=1, code="PR01", display_name="Julie", role=Role.PREPARATEUR, workstation="poste-1")
ADMIN = CurrentOperator(id=3, code="ADM", display_name="IT", role=Role.ADMIN, workstation="serveur")


def test_a_new_record_is_a_provisional_identity_typed_by_hand_and_audited() -> None:
    uow = FakeUnitOfWork()

    created = patients.create_patient(patients.NewPatient("Dark", "Jeanne Marie", date(1939, 8, 13), "F"), uow=uow,
                                      operator=PREPARATEUR, now=NOW)

    assert (created.last_name, created.birth_given_names, created.identity_status, created.collection_method) == (
        "DARK", "JEANNE MARIE", "PROV", "SM")
    assert [e.kind for e in uow.patients.history_of(created.id)] == ["creation"]
    assert [(e.action, e.object_id) for e in uow.audit.entries] == [("write", str(created.id))]
    assert uow.committed == 1


def test_a_typed_nir_that_contradicts_the_declared_sex_is_refused_and_nothing_is_written() -> None:
    uow = FakeUnitOfWork()
    new = patients.NewPatient("DARK", "Jeanne", date(1939, 8, 13), "M", nir="239088815400243")

    with pytest.raises(RuleViolation, match="sexe déclaré est M"):
        patients.create_patient(new, uow=uow, operator=PREPARATEUR, now=NOW)

    assert (uow.patients.patients, uow.patients.events, uow.audit.entries, uow.committed) == ({}, {}, [], 0)


def test_reading_a_record_is_audited() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow)

    patients.read_patient(record.id, uow=uow, operator=PREPARATEUR, now=NOW)

    assert [(e.action, e.object_type, e.object_id, e.operator_code) for e in uow.audit.entries] == [
        ("read", "patient", str(record.id), "PR01")]
    assert uow.committed == 1


def test_an_unknown_record_is_not_found_and_nothing_is_audited() -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(NotFound, match="Aucun patient n° 7"):
        patients.read_patient(7, uow=uow, operator=PREPARATEUR, now=NOW)

    assert (uow.audit.entries, uow.committed) == ([], 0)


def test_the_administrator_may_not_read_records() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow)

    with pytest.raises(PermissionDenied):
        patients.read_patient(record.id, uow=uow, operator=ADMIN, now=NOW)

    assert (uow.audit.entries, uow.committed) == ([], 0)


def test_a_search_finds_a_name_typed_without_its_accents_and_says_what_it_showed() -> None:
    uow = FakeUnitOfWork()
    helene = a_patient(uow, last_name="LEFÈVRE", first_name="Hélène")
    a_patient(uow, last_name="MARTIN", first_name="Pierre")

    found = patients.find_patients("helene", uow=uow, operator=PREPARATEUR, now=NOW)

    assert found == [helene]
    assert uow.audit.entries[-1].detail == f"1 résultat(s): {helene.id}"


def test_a_search_leaves_merged_records_out() -> None:
    uow = FakeUnitOfWork()
    kept = a_patient(uow)
    a_patient(uow, last_name="DARC", merged_into_id=kept.id)

    found = patients.find_patients("jeanne", uow=uow, operator=PREPARATEUR, now=NOW)

    assert found == [kept]
