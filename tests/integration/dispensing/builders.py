"""A pharmacy with a patient, operators and dispensations written straight to the tables: what the
ordonnancier, scan and avis tests need, without the counter's basket."""

from __future__ import annotations

from contextlib import closing
from datetime import date, datetime

from comptoir.domain.dispensing.conditions import Listing
from comptoir.domain.operators import Role
from comptoir.services.dispensing.ordonnancier import (
    RegisterInput,
    RegisterLine,
    RegisterPatient,
    RegisterPrescriber,
    record_dispensation,
)
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation, DispensedLine
from tests.conftest import add_operator

PRESCRIBER = RegisterPrescriber("Dr Julie BLANC", "10002223336", "3 rue de la Paix, 69002 Lyon")


def pharmacy(runtime: Runtime) -> int:
    """The pharmacy, its operators (PH01, PR01, ADM) and one patient; returns the patient's id."""
    for code, role in (("PH01", Role.TITULAIRE), ("PR01", Role.PREPARATEUR), ("ADM", Role.ADMIN)):
        add_operator(runtime, code, role)
    with runtime.session_factory.begin() as session:
        session.add(m.Pharmacy(name="Pharmacie de la Croix-Rousse", finess="690004569",
                               address="8 place de la Croix-Rousse, 69004 Lyon"))
        patient = m.Patient(last_name="LEMAIRE", first_name="Anne", birth_date=date(1968, 6, 2), sex="F",
                            allergies=[], created_at=runtime.clock())
        session.add(patient)
        session.flush()
        return patient.id


def operator(runtime: Runtime, code: str = "PH01") -> CurrentOperator:
    with closing(runtime.unit_of_work()) as uow, uow:
        row = uow.operators.by_code(code)
        assert row is not None
        return CurrentOperator(row.id, row.code, row.display_name, Role(row.role), "poste-1")


def dispensation(runtime: Runtime, patient_id: int | None, *drugs: tuple[str, str | None],
                 at: datetime | None = None) -> int:
    """A dispensation with one line per (drug, cis); its id."""
    with runtime.session_factory.begin() as session:
        row = Dispensation(dispensed_at=at or runtime.clock(), patient_id=patient_id, operator_code="PH01",
                           kind="ordonnance", prescriber_rpps=PRESCRIBER.rpps)
        session.add(row)
        session.flush()
        session.add_all(DispensedLine(dispensation_id=row.id, position=n, drug=drug, cis=cis, boxes=1)
                        for n, (drug, cis) in enumerate(drugs))
        return row.id


def register_input(dispensation_id: int, *lines: tuple[str, Listing | None], patient_id: int | None = None,
                   boxes: int = 1) -> RegisterInput:
    return RegisterInput(dispensation_id, "PH01", PRESCRIBER,
                         RegisterPatient("LEMAIRE Anne", "8 rue Dumenge, 69004 Lyon", patient_id),
                         tuple(RegisterLine(n, product, boxes, listing) for n, (product, listing) in enumerate(lines)))


def validated(runtime: Runtime, entry: RegisterInput, now: datetime | None = None) -> list[int]:
    """The validation's transaction, reduced to the ordonnancier's part."""
    with closing(runtime.unit_of_work()) as uow, uow:
        numbers = record_dispensation(uow, entry, now=now or runtime.clock())
        uow.commit()
        return numbers
