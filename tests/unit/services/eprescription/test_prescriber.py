"""The prescriber's use cases on the in-memory unit of work: the patient's consent, his own ONs only, the
base's failure said rather than fatal, every access audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from comptoir.errors import ExternalServiceError, NotFound, RuleViolation
from comptoir.national.eprescription.port import Summary
from comptoir.services.eprescription.prescriber import (
    CONSENT,
    LineInput,
    NewPatient,
    PrescriptionForm,
    create_prescription,
    dashboard,
    form_context,
    issued_one,
    record_consent,
)
from comptoir.store.eprescription import IssuedPrescription
from tests.fakes import FakeUnitOfWork
from tests.unit.services.eprescription.onfakes import DOCTOR, NOW, ON_ID, practice


class FakeBase:
    def __init__(self, *, down: bool = False) -> None:
        self.down = down
        self.created: list[Any] = []

    def create(self, draft: Any) -> Any:
        self.created.append(draft)
        raise AssertionError("the base must not be asked")

    def by_prescriber(self, rpps: str) -> list[Summary]:
        if self.down:
            raise ExternalServiceError("Base ordonnance numérique indisponible.", permanent=False)
        return []


def issued(uow: FakeUnitOfWork, *, operator_code: str = DOCTOR.code) -> IssuedPrescription:
    row = IssuedPrescription(prescription_id=ON_ID, created_at=NOW, operator_code=operator_code, patient_id=1,
                             patient={}, lines=[], consent=True, recorded=True, valid_until=date(2026, 5, 19))
    uow.prescribers.add_issued(row)
    return row


def test_without_the_patients_answer_on_consent_nothing_is_recorded_nor_sent() -> None:
    uow, base = practice(), FakeBase()
    issued(uow)  # patient 1 is one of the doctor's patients
    form = PrescriptionForm(1, (LineInput("AMLODIPINE 5 mg", "1 par jour"),), consent=None)

    with pytest.raises(RuleViolation, match="Consentement du patient obligatoire"):
        create_prescription(form, uow=uow, operator=DOCTOR, base=base, references=None, now=NOW)

    assert base.created == [] and len(uow.prescribers.issued_ones) == 1 and uow.prescribers.consents == []
    assert uow.committed == 0


def test_a_pharmacy_patient_the_doctor_never_prescribed_for_is_unknown_to_him() -> None:
    uow = practice()
    form = PrescriptionForm(1, (LineInput("AMLODIPINE 5 mg", "1 par jour"),), consent=True)

    with pytest.raises(NotFound, match="parmi vos patients"):
        create_prescription(form, uow=uow, operator=DOCTOR, base=FakeBase(), references=None, now=NOW)

    assert uow.committed == 0 and uow.audit.entries == []
    assert form_context(1, uow=uow, operator=DOCTOR, now=NOW).patients == []


def test_the_form_offers_only_the_patients_of_the_doctors_own_prescriptions() -> None:
    uow = practice()
    issued(uow)
    issued(uow, operator_code="MED2")

    assert [p.id for p in form_context(None, uow=uow, operator=DOCTOR, now=NOW).patients] == [1]


def test_a_typed_new_patient_needs_a_complete_identity() -> None:
    form = PrescriptionForm(None, (LineInput("AMLODIPINE 5 mg", "1 par jour"),), consent=True,
                            new_patient=NewPatient("", "Jean", date(1960, 1, 1), "M"))

    with pytest.raises(RuleViolation, match="Identité du nouveau patient"):
        create_prescription(form, uow=practice(), operator=DOCTOR, base=FakeBase(), references=None, now=NOW)


@pytest.mark.parametrize(("born", "why"), [(date(2030, 1, 1), "dans le futur"), (date(1899, 12, 31), "avant 1900")])
def test_a_typed_new_patient_born_in_the_future_or_before_1900_is_refused(born: date, why: str) -> None:
    uow = practice()
    form = PrescriptionForm(None, (LineInput("AMLODIPINE 5 mg", "1 par jour"),), consent=True,
                            new_patient=NewPatient("MARTIN", "Jean", born, "M"))

    with pytest.raises(RuleViolation, match=why):
        create_prescription(form, uow=uow, operator=DOCTOR, base=FakeBase(), references=None, now=NOW)

    assert uow.committed == 0 and uow.audit.entries == []


def test_an_unknown_patient_is_refused() -> None:
    uow = practice()
    form = PrescriptionForm(99, (LineInput("AMLODIPINE 5 mg", "1 par jour"),), consent=True)

    with pytest.raises(NotFound, match="Aucun patient n° 99"):
        create_prescription(form, uow=uow, operator=DOCTOR, base=FakeBase(), references=None, now=NOW)

    assert uow.committed == 0


def test_a_consent_is_recorded_once_and_audited_once() -> None:
    uow = practice()

    record_consent(uow, DOCTOR, 1, True, now=NOW)
    record_consent(uow, DOCTOR, 1, True, now=NOW)

    assert [(c.kind, c.granted) for c in uow.prescribers.consents] == [(CONSENT, True)]
    assert [(e.object_type, e.detail) for e in uow.audit.entries] == [("consent", f"{CONSENT}=oui")]


def test_another_prescribers_prescription_is_not_found_and_not_audited() -> None:
    uow = practice()
    theirs = issued(uow, operator_code="DR02")

    with pytest.raises(NotFound):
        issued_one(theirs.id, uow=uow, operator=DOCTOR, now=NOW)

    assert uow.audit.entries == [] and uow.committed == 0


def test_reading_ones_own_prescription_is_audited() -> None:
    uow = practice()
    mine = issued(uow)

    assert issued_one(mine.id, uow=uow, operator=DOCTOR, now=NOW) is mine

    assert [(e.action, e.object_id) for e in uow.audit.entries] == [("read", ON_ID)]
    assert uow.committed == 1


def test_the_dashboard_says_the_bases_failure_and_still_lists_the_prescriptions() -> None:
    uow = practice()
    issued(uow)

    found = dashboard(uow=uow, operator=DOCTOR, base=FakeBase(down=True), now=NOW)

    assert found.problem == "Base ordonnance numérique indisponible."
    assert [(r.issued.prescription_id, r.summary) for r in found.rows] == [(ON_ID, None)]
    assert [e.detail for e in uow.audit.entries] == ["tableau de bord prescripteur"]
    assert uow.committed == 1


def test_an_operator_without_a_prescriber_profile_sees_no_dashboard() -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(NotFound, match="Aucun profil prescripteur"):
        dashboard(uow=uow, operator=DOCTOR, base=FakeBase(), now=NOW)

    assert uow.committed == 0
