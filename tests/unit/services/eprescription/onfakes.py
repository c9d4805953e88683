"""A pharmacy on the in-memory unit of work: the ON's use cases' rules without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from comptoir.domain.eprescription.prescription import Prescription, validity_end
from comptoir.domain.operators import Role
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.eprescription import PrescriberProfile
from tests.eprescription_builders import ADEMIS, GENE, line
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 2, 19, 10, 0, tzinfo=UTC)
PHARMACIST = CurrentOperator(1, "PH01", "Claire", Role.TITULAIRE, "poste-1")
DOCTOR = CurrentOperator(2, "DR01", "Ademis", Role.PRESCRIPTEUR, "cabinet")
ON_ID = "202602190930000001"


def prescription(*, prescription_id: str = ON_ID) -> Prescription:
    lines = (line(1, cis="63458349"),)
    return Prescription(prescription_id, date(2026, 2, 19), validity_end(date(2026, 2, 19), lines), ADEMIS, GENE,
                        lines, consent=True)


def pharmacy(*, rpps: str | None = "10000001916") -> FakeUnitOfWork:
    """The pharmacy, its titulaire (with an RPPS unless said otherwise) and GENE (patient 1) at the counter."""
    uow = FakeUnitOfWork()
    uow.eprescriptions.pharmacies.append(m.Pharmacy(id=1, name="Pharmacie du test", finess="750000001"))
    uow.eprescriptions.rpps[PHARMACIST.id] = rpps
    uow.eprescriptions.patients[1] = m.Patient(id=1, last_name="GENE", first_name="Alain",
                                               birth_date=date(1966, 2, 23), sex="M", allergies=[])
    return uow


def practice() -> FakeUnitOfWork:
    """A prescriber with his profile, and GENE (patient 1) in the files."""
    uow = pharmacy()
    uow.prescribers.profiles[DOCTOR.code] = PrescriberProfile(
        operator_code=DOCTOR.code, rpps=ADEMIS.rpps, am=ADEMIS.am, last_name=ADEMIS.last_name,
        first_name=ADEMIS.first_name, specialty=ADEMIS.specialty)
    return uow
