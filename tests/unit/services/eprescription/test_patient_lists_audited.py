"""The lists of patients the ON pages show are audited: one entry per list, with the count and the ids."""

from __future__ import annotations

from datetime import date

from comptoir.services.eprescription.prescriber import form_context
from comptoir.services.eprescription.scan import patients_to_choose
from comptoir.store.eprescription import IssuedPrescription
from tests.unit.services.eprescription.onfakes import DOCTOR, NOW, ON_ID, PHARMACIST, pharmacy, practice


def test_the_counter_list_of_patients_is_one_audit_entry() -> None:
    uow = pharmacy()

    shown = patients_to_choose(uow=uow, operator=PHARMACIST, now=NOW)

    [entry] = uow.audit.entries
    assert [p.id for p in shown] == [1]
    assert (entry.operator_code, entry.object_type, entry.object_id) == ("PH01", "patient_list", "1 patient(s)")
    assert entry.detail.endswith(": 1") and uow.committed == 1


def test_the_prescriber_patient_search_is_one_audit_entry_without_the_text_typed() -> None:
    uow = practice()
    uow.prescribers.add_issued(IssuedPrescription(prescription_id=ON_ID, created_at=NOW, operator_code=DOCTOR.code,
                                                  patient_id=1, patient={}, lines=[], consent=True, recorded=True,
                                                  valid_until=date(2026, 5, 19)))

    form_context(None, "gene", uow=uow, operator=DOCTOR, now=NOW)

    [entry] = uow.audit.entries
    assert (entry.operator_code, entry.object_type, entry.detail) == (
        "DR01", "patient_search", "prescripteur : 1 résultat(s): 1")
    assert "gene" not in entry.object_id.lower()


def test_the_prescriber_form_without_search_shows_no_patient_and_writes_no_entry() -> None:
    uow = practice()

    assert form_context(None, uow=uow, operator=DOCTOR, now=NOW).found == []
    assert uow.audit.entries == [] and uow.committed == 1
