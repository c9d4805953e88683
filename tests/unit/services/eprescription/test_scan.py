"""Scanning an ON at the counter, on the in-memory unit of work."""

from __future__ import annotations

import pytest

from comptoir.domain.eprescription.prescription import Prescription
from comptoir.errors import NotFound, RuleViolation
from comptoir.reading.prescription_qr import qr_payload
from comptoir.services.eprescription.scan import scan
from tests.eprescription_builders import ADEMIS
from tests.unit.services.eprescription.onfakes import NOW, ON_ID, PHARMACIST, pharmacy, prescription


class FakeBase:
    def __init__(self, answer: Prescription) -> None:
        self.answer = answer
        self.asked: list[tuple[str, str, str]] = []

    def consult(self, prescription_id: str, *, rpps: str, finess: str) -> Prescription:
        self.asked.append((prescription_id, rpps, finess))
        return self.answer


def qr(*, rpps: str = ADEMIS.rpps) -> str:
    return qr_payload(ON_ID, last_name="GENE", first_name="Alain", birth_date=prescription().patient.birth_date,
                      rpps=rpps, am=ADEMIS.am)


def test_it_keeps_the_bases_answer_and_audits_the_consultation() -> None:
    uow, base = pharmacy(), FakeBase(prescription())

    found = scan(qr(), uow=uow, operator=PHARMACIST, base=base, patient_id=1, now=NOW)

    assert found.patient_mismatch == ""
    assert base.asked == [(ON_ID, "10000001916", "750000001")]
    assert uow.eprescriptions.records[ON_ID].patient_id == 1
    assert [(e.action, e.object_type, e.object_id) for e in uow.audit.entries] == [("read", "eprescription", ON_ID)]
    assert uow.committed == 1


def test_an_altered_qr_is_refused_and_nothing_is_kept() -> None:
    uow = pharmacy()

    with pytest.raises(RuleViolation, match="QR code altéré"):
        scan(qr(rpps="10000000000"), uow=uow, operator=PHARMACIST, base=FakeBase(prescription()), patient_id=1,
             now=NOW)

    assert uow.eprescriptions.records == {} and uow.audit.entries == []
    assert uow.committed == 0


def test_another_patient_at_the_counter_is_said_and_not_linked_to_the_prescription() -> None:
    uow = pharmacy()
    uow.eprescriptions.patients[1].first_name = "Bernard"

    found = scan(qr(), uow=uow, operator=PHARMACIST, base=FakeBase(prescription()), patient_id=1, now=NOW)

    assert "n'est pas celui de l'ordonnance" in found.patient_mismatch
    assert uow.eprescriptions.records[ON_ID].patient_id is None


def test_without_a_configured_pharmacy_the_base_is_not_asked() -> None:
    uow, base = pharmacy(), FakeBase(prescription())
    uow.eprescriptions.pharmacies.clear()

    with pytest.raises(NotFound, match="Pharmacie non configurée"):
        scan(qr(), uow=uow, operator=PHARMACIST, base=base, patient_id=1, now=NOW)

    assert base.asked == [] and uow.committed == 0
