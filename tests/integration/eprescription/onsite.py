"""A pharmacy with one consulted ON, without the drug reference: what the dispensing tests need."""

from __future__ import annotations

from contextlib import closing
from datetime import date, datetime

from comptoir.domain.eprescription.prescription import Prescription, Status, validity_end
from comptoir.domain.operators import Role
from comptoir.services.eprescription.scan import keep
from comptoir.services.platform.operators import MACHINE_OWNER, CurrentOperator, NewOperator, create_operator
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from tests.conftest import PASSWORD
from tests.eprescription_builders import ADEMIS, GENE, line


def pharmacy_with_prescription(runtime: Runtime, prescription_id: str = "202602190930000001",
                               quantity: int = 1) -> tuple[CurrentOperator, int, Prescription]:
    """The demo pharmacy, GENE at the counter, a titulaire with an RPPS, the ON already consulted."""
    lines = (line(1, quantity=quantity, cis="63458349"), line(2, "METFORMINE 850 mg cp"))
    prescription = Prescription(prescription_id, date(2026, 2, 19), validity_end(date(2026, 2, 19), lines), ADEMIS,
                                GENE, lines, consent=True)
    with closing(runtime.unit_of_work()) as uow:
        titulaire = NewOperator("PH01", "Claire", Role.TITULAIRE, PASSWORD, rpps="10000001916")
        row = create_operator(titulaire, by=MACHINE_OWNER, uow=uow, now=runtime.clock())
    with runtime.session_factory.begin() as session:
        session.add(m.Pharmacy(name="Pharmacie du test", finess="750000001"))
        patient = m.Patient(last_name="GENE", first_name="Alain", birth_date=date(1966, 2, 23), sex="M",
                            allergies=[], created_at=runtime.clock())
        session.add(patient)
        session.flush()
        operator = CurrentOperator(row.id, "PH01", "Claire", Role.TITULAIRE, "poste-1")
        patient_id = patient.id
    consulted(runtime, prescription, operator, patient_id)
    return operator, patient_id, prescription


def add_prescription(runtime: Runtime, operator: CurrentOperator, patient_id: int, prescription_id: str) -> None:
    lines = (line(1, cis="63458349"),)
    prescription = Prescription(prescription_id, date(2026, 2, 19), validity_end(date(2026, 2, 19), lines), ADEMIS,
                                GENE, lines, consent=True)
    consulted(runtime, prescription, operator, patient_id)


def consulted(runtime: Runtime, prescription: Prescription, operator: CurrentOperator, patient_id: int,
              now: datetime | None = None) -> None:
    """The ON as if the counter had scanned it: its answer kept for the dispensing."""
    uow = runtime.unit_of_work()
    with uow:
        keep(uow, prescription, Status.ACTIVE, operator, patient_id, now or runtime.clock())
        uow.commit()
    uow.close()
