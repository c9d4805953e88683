"""Identitovigilance on the in-memory unit of work: pairs found once, homonyms marked, merges that keep
both records and their histories, and refusals that leave everything as it was."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from comptoir.domain.operators import Role
from comptoir.errors import Conflict, PermissionDenied, RuleViolation
from comptoir.services.identity import identitovigilance
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from tests.fakes import FakeUnitOfWork
from tests.fakes.identity import a_patient

NOW = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)
PREPARATEUR = CurrentOperator(id=1, code="PR01", display_name="Julie", role=Role.PREPARATEUR, workstation="poste-1")
PHARMACIEN = CurrentOperator(id=2, code="PH01", display_name="Claire", role=Role.TITULAIRE, workstation="poste-1")


def merge(uow: FakeUnitOfWork, kept: m.Patient, merged: m.Patient, *, reason: str = "faute de frappe",
          operator: CurrentOperator = PHARMACIEN) -> m.Patient:
    return identitovigilance.merge(keep_id=kept.id, merge_id=merged.id, reason=reason, uow=uow, operator=operator,
                                   now=NOW)


def test_a_probable_duplicate_is_put_up_for_review_once() -> None:
    uow = FakeUnitOfWork()
    a_patient(uow)
    a_patient(uow, last_name="DARC", birth_name="DARC")

    first = identitovigilance.detect(uow=uow, operator=PREPARATEUR, now=NOW)
    again = identitovigilance.detect(uow=uow, operator=PREPARATEUR, now=NOW)

    assert (first, again) == (1, 0)
    assert [r.state for r in uow.identitovigilance.reviews.values()] == ["a_revoir"]
    assert uow.audit.entries[-1].object_id == "detection"


def test_a_merge_keeps_both_records_and_the_better_identity() -> None:
    uow = FakeUnitOfWork()
    kept = a_patient(uow, allergies=["aspirine"])
    merged = a_patient(uow, last_name="DARC", allergies=["pénicilline"], nir="239088815400243",
                       nir_oid="1.2.250.1.213.1.4.8", identity_status="QUAL", collection_method="CV",
                       trust_document="CN")

    merge(uow, kept, merged)

    assert merged.merged_into_id == kept.id and merged.identity_attributes == ["DOUA"]
    assert (kept.nir, kept.identity_status, kept.trust_document) == ("239088815400243", "QUAL", "CN")
    assert kept.allergies == ["aspirine", "pénicilline"]
    assert [e.kind for e in uow.patients.history_of(merged.id)] == ["fusion"]
    assert uow.identitovigilance.merges[0].merged_snapshot["last_name"] == "DARC"
    assert uow.committed == 1


def test_a_merge_does_not_take_a_less_trusted_identity() -> None:
    uow = FakeUnitOfWork()
    kept = a_patient(uow, nir="239088815400243", identity_status="QUAL")
    merged = a_patient(uow, last_name="DARC", nir="239088815400243", identity_status="RECUP", birth_place="75056")

    merge(uow, kept, merged)

    assert (kept.identity_status, kept.birth_place) == ("QUAL", "88154")


def test_a_merge_closes_the_pending_review_of_the_pair() -> None:
    uow = FakeUnitOfWork()
    kept = a_patient(uow)
    merged = a_patient(uow, last_name="DARC", birth_name="DARC")
    identitovigilance.detect(uow=uow, operator=PREPARATEUR, now=NOW)

    merge(uow, kept, merged)

    assert [(r.state, r.decided_by) for r in uow.identitovigilance.reviews.values()] == [("fusionne", "PH01")]


def test_two_records_with_different_matricules_are_two_persons_and_nothing_changes() -> None:
    uow = FakeUnitOfWork()
    kept = a_patient(uow, nir="239088815400243")
    other = a_patient(uow, nir="239088815400244")

    with pytest.raises(Conflict, match="matricules INS différents"):
        merge(uow, kept, other)

    assert other.merged_into_id is None
    assert (uow.patients.events, uow.identitovigilance.merges, uow.committed) == ({}, [], 0)


def test_only_a_pharmacist_merges() -> None:
    uow = FakeUnitOfWork()
    kept, other = a_patient(uow), a_patient(uow, last_name="DARC")

    with pytest.raises(PermissionDenied):
        merge(uow, kept, other, operator=PREPARATEUR)

    assert (other.merged_into_id, uow.committed) == (None, 0)


@pytest.mark.parametrize("same, reason", [(True, "faute"), (False, " ")])
def test_a_merge_needs_two_records_and_a_reason(same: bool, reason: str) -> None:
    uow = FakeUnitOfWork()
    kept, other = a_patient(uow), a_patient(uow, last_name="DARC")

    with pytest.raises(RuleViolation, match="deux dossiers différents"):
        merge(uow, kept, kept if same else other, reason=reason)

    assert uow.committed == 0


def test_a_merged_record_cannot_be_merged_again() -> None:
    uow = FakeUnitOfWork()
    kept, typo, third = a_patient(uow), a_patient(uow, last_name="DARC"), a_patient(uow, last_name="DARQ")
    merge(uow, kept, typo)

    with pytest.raises(RuleViolation, match="fusionné dans le dossier n° 1"):
        merge(uow, third, typo)

    assert (typo.merged_into_id, uow.committed) == (kept.id, 1)


def test_dismissed_homonyms_are_marked_on_both_records() -> None:
    uow = FakeUnitOfWork()
    lyon = a_patient(uow, last_name="MARTIN", birth_name="MARTIN", first_name="Pierre", birth_given_names="PIERRE",
                     sex="M", birth_date=date(1975, 6, 12), birth_place="69123", nir="175066912300001")
    marseille = a_patient(uow, last_name="MARTIN", birth_name="MARTIN", first_name="Pierre",
                          birth_given_names="PIERRE", sex="M", birth_date=date(1975, 6, 12), birth_place="13055",
                          nir="175061305500002")
    identitovigilance.detect(uow=uow, operator=PREPARATEUR, now=NOW)
    review_id = next(iter(uow.identitovigilance.reviews))

    identitovigilance.dismiss(review_id, note="nés à Lyon et à Marseille", uow=uow, operator=PREPARATEUR, now=NOW)

    assert lyon.identity_attributes == marseille.identity_attributes == ["HOMA"]
    assert uow.identitovigilance.reviews[review_id].state == "ecarte"


def test_a_pair_is_not_dismissed_without_a_note() -> None:
    uow = FakeUnitOfWork()
    a_patient(uow)
    a_patient(uow, last_name="DARC", birth_name="DARC")
    identitovigilance.detect(uow=uow, operator=PREPARATEUR, now=NOW)
    review_id = next(iter(uow.identitovigilance.reviews))

    with pytest.raises(RuleViolation, match="pas les mêmes personnes"):
        identitovigilance.dismiss(review_id, note=" ", uow=uow, operator=PREPARATEUR, now=NOW)

    assert (uow.identitovigilance.reviews[review_id].state, uow.committed) == ("a_revoir", 1)


def test_the_report_counts_active_records_only() -> None:
    uow = FakeUnitOfWork()
    kept = a_patient(uow, identity_status="QUAL", nir="239088815400243")
    merge(uow, kept, a_patient(uow, last_name="DARC"))

    counted = identitovigilance.report(uow=uow, operator=PREPARATEUR, now=NOW)

    assert (counted.patients, counted.merges, counted.qualified_share) == (1, 1, 1.0)
