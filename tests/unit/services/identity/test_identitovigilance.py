"""Identitovigilance on the in-memory unit of work: pairs found once, homonyms marked, merges that keep
both records and their histories, and refusals that leave everything as it was."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from comptoir.domain.operators import Role
from comptoir.errors import Conflict, PermissionDenied, RuleViolation
from comptoir.services.identity import identitovigilance
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.counter import Basket
from comptoir.store.dispensing import AnalysisDecision, Dispensation
from comptoir.store.eprescription import IssuedPrescription, PatientConsent, PrescriptionRecord
from comptoir.store.registers import RegisterEntry
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


def test_a_merge_brings_the_merged_records_history_to_the_kept_one() -> None:
    uow = FakeUnitOfWork()
    kept, typo = a_patient(uow), a_patient(uow, last_name="DARC")
    given = uow.dispensations.dispensed(Dispensation(id=7, dispensed_at=NOW, patient_id=typo.id, operator_code="PH01"),
                                        "STILNOX 10 mg")
    uow.dispensations.add_decision(AnalysisDecision(patient_id=typo.id, dispensation_id=7, decision="passer_outre"))
    basket = uow.baskets.add(Basket(status="ouvert", kind="ordonnance_papier", patient_id=typo.id))
    uow.registers.append([RegisterEntry(number=1, patient_id=typo.id, patient_name="DARC Jeanne")])
    uow.eprescriptions.records["202602190930000777"] = PrescriptionRecord(prescription_id="202602190930000777",
                                                                          patient_id=typo.id)
    uow.prescribers.add_issued(IssuedPrescription(patient_id=typo.id, operator_code="MED1"))
    uow.prescribers.add_consent(PatientConsent(patient_id=typo.id, kind="on_consultation", granted=True, at=NOW,
                                               operator_code="PH01"))

    merge(uow, kept, typo)

    (entry,) = uow.registers.entries
    assert given.patient_id == basket.patient_id == entry.patient_id == kept.id
    assert uow.dispensations.decisions[0].patient_id == kept.id and entry.patient_name == "DARC Jeanne"
    assert uow.eprescriptions.records["202602190930000777"].patient_id == kept.id
    assert [i.patient_id for i in uow.prescribers.issued_ones] == [kept.id]
    assert [(c.patient_id, c.granted) for c in uow.prescribers.consents] == [(kept.id, True)]
    assert uow.identitovigilance.merges[0].merged_snapshot["moved"] == {
        "dispensations": 1, "baskets": 1, "register_entries": 1, "consulted_prescriptions": 1,
        "issued_prescriptions": 1, "consents": 1, "dmp_documents": 0}
    assert any(e.detail.startswith(f"fusion du dossier n° {typo.id} : 1 délivrance(s), 1 panier(s)")
               for e in uow.audit.entries)


def test_where_both_records_hold_a_consent_the_more_recent_decision_stands() -> None:
    uow = FakeUnitOfWork()
    kept, typo = a_patient(uow), a_patient(uow, last_name="DARC")
    for patient, granted, day in ((kept, True, 1), (typo, False, 10)):
        uow.prescribers.add_consent(PatientConsent(patient_id=patient.id, kind="on_consultation", granted=granted,
                                                   at=NOW.replace(day=day), operator_code="PH01"))

    merge(uow, kept, typo)

    assert uow.prescribers.consent(kept.id, "on_consultation").granted is False  # type: ignore[union-attr]


def test_a_merge_joins_the_profiles_the_most_recent_measure_winning() -> None:
    uow = FakeUnitOfWork()
    kept = a_patient(uow, allergies=["aspirine"], weight_kg=Decimal("60"), weight_on=date(2025, 1, 5),
                    egfr=Decimal("45"), egfr_on=date(2026, 2, 1))
    typo = a_patient(uow, last_name="DARC", allergies=["pénicilline"], weight_kg=Decimal("62.5"),
                    weight_on=date(2026, 1, 10), egfr=Decimal("80"), egfr_on=date(2025, 6, 1), pregnant=True,
                    amenorrhoea_start=date(2026, 1, 1), breastfeeding=False)

    merge(uow, kept, typo)

    assert kept.allergies == ["aspirine", "pénicilline"]
    assert (kept.weight_kg, kept.weight_on, kept.egfr, kept.egfr_on) == (Decimal("62.5"), date(2026, 1, 10),
                                                                         Decimal("45"), date(2026, 2, 1))
    assert (kept.pregnant, kept.amenorrhoea_start, kept.breastfeeding) == (True, date(2026, 1, 1), False)
    (profile_entry,) = [e for e in uow.audit.entries if e.object_type == "patient_profile"]
    assert profile_entry.detail == f"fusion du dossier n° {typo.id} : allergies, grossesse, terme, poids"
