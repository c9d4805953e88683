"""An identitovigilance merge on SQLite and PostgreSQL: what the pharmacy did for the merged record — its
dispensations, baskets, ordonnancier entries, ONs and consents — is found under the kept record, and the
profile joins, the most recent measure winning."""

from __future__ import annotations

from contextlib import closing
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from comptoir.domain.dispensing.conditions import Listing
from comptoir.services.identity import identitovigilance
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.counter import Basket
from comptoir.store.dispensing import Dispensation
from comptoir.store.eprescription import IssuedPrescription, PatientConsent, PrescriptionRecord
from comptoir.store.registers import RegisterEntry
from tests.integration.dispensing.builders import dispensation, operator, pharmacy, register_input, validated

ON_ID = "202602190930000777"


def typo_of(runtime: Runtime) -> int:
    """The same person typed again with a slip, weighed more recently."""
    with runtime.session_factory.begin() as session:
        row = m.Patient(last_name="LEMAIRRE", first_name="Anne", birth_date=date(1968, 6, 2), sex="F",
                        allergies=["pénicilline"], created_at=runtime.clock(), weight_kg=Decimal("58.5"),
                        weight_on=runtime.clock().date())
        session.add(row)
        session.flush()
        return row.id


def history_of(runtime: Runtime, patient_id: int) -> None:
    """Arrange: a dispensation entered in the ordonnancier, a basket, an ON consulted and one issued, a consent."""
    now = runtime.clock()
    validated(runtime, register_input(dispensation(runtime, patient_id, ("XANAX 0,25 mg", None)),
                                      ("XANAX 0,25 mg", Listing.LIST_I), patient_id=patient_id))
    with runtime.session_factory.begin() as session:
        session.add_all([
            Basket(status="ouvert", kind="ordonnance_papier", patient_id=patient_id, renewal=0, prescriber_name="",
                   version=1, created_by="PR01", created_at=now, workstation="poste-1", updated_by="PR01",
                   updated_at=now),
            PrescriptionRecord(prescription_id=ON_ID, patient_id=patient_id, first_consulted_at=now,
                               last_consulted_at=now, consulted_by="PH01", status="active", snapshot={}),
            IssuedPrescription(created_at=now, operator_code="MED1", patient_id=patient_id, patient={}, lines=[],
                               consent=True, recorded=False),
            PatientConsent(patient_id=patient_id, kind="on_consultation", granted=True, at=now,
                           operator_code="PH01")])


def owners(runtime: Runtime) -> set[int | None]:
    with runtime.session_factory() as session:
        return {owner for table in (Dispensation, Basket, RegisterEntry, PrescriptionRecord, IssuedPrescription,
                                    PatientConsent)
                for owner in session.scalars(select(table.patient_id))}


def test_a_merge_brings_the_history_and_the_latest_weight_to_the_kept_record(runtime: Runtime) -> None:
    kept = pharmacy(runtime)
    with runtime.session_factory.begin() as session:
        session.get_one(m.Patient, kept).weight_kg = Decimal("61")
        session.get_one(m.Patient, kept).weight_on = runtime.clock().date() - timedelta(days=400)
    typo = typo_of(runtime)
    history_of(runtime, typo)

    with closing(runtime.unit_of_work()) as uow:
        identitovigilance.merge(keep_id=kept, merge_id=typo, reason="faute de frappe", uow=uow,
                                operator=operator(runtime), now=runtime.clock())

    assert owners(runtime) == {kept}
    with runtime.session_factory() as session:
        record = session.get_one(m.Patient, kept)
        entry = session.scalars(select(RegisterEntry)).one()
        merge = session.scalars(select(m.PatientMerge)).one()
    assert (record.weight_kg, record.weight_on, record.allergies) == (Decimal("58.50"), runtime.clock().date(),
                                                                      ["pénicilline"])
    assert entry.patient_name == "LEMAIRE Anne"
    assert merge.merged_snapshot["moved"] == {"dispensations": 1, "baskets": 1, "register_entries": 1,
                                              "consulted_prescriptions": 1, "issued_prescriptions": 1, "consents": 1,
                                              "dmp_documents": 0}
