"""The audit trail: every access to health data is recorded, chained, and checked."""

from __future__ import annotations

import threading
from contextlib import closing
from datetime import date

import pytest
from sqlalchemy import select, update

from comptoir.domain.operators import Role
from comptoir.errors import PermissionDenied
from comptoir.services.identity import patients
from comptoir.services.platform import audit_log
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m

PREPARATEUR = CurrentOperator(id=1, code="PR01", display_name="Julie", role=Role.PREPARATEUR, workstation="poste-3")


def create_patient(runtime: Runtime) -> int:
    with closing(runtime.unit_of_work()) as uow:
        new = patients.NewPatient("Dark", "Jeanne Marie", date(1939, 8, 13), "F")
        return patients.create_patient(new, uow=uow, operator=PREPARATEUR, now=runtime.clock()).id


def entries(runtime: Runtime) -> list[m.AuditEntry]:
    with runtime.session_factory() as session:
        return list(session.scalars(select(m.AuditEntry).order_by(m.AuditEntry.seq)))


def test_reading_a_patient_records_who_when_what_and_where(runtime: Runtime) -> None:
    patient_id = create_patient(runtime)

    with closing(runtime.unit_of_work()) as uow:
        patients.read_patient(patient_id, uow=uow, operator=PREPARATEUR, now=runtime.clock())

    last = entries(runtime)[-1]
    assert (last.operator_code, last.workstation, last.action) == ("PR01", "poste-3", "read")
    assert (last.object_type, last.object_id) == ("patient", str(patient_id))
    assert last.at.replace(tzinfo=None) == runtime.clock().replace(tzinfo=None)


def test_a_search_records_which_records_it_showed(runtime: Runtime) -> None:
    patient_id = create_patient(runtime)

    with closing(runtime.unit_of_work()) as uow:
        patients.find_patients("dark", uow=uow, operator=PREPARATEUR, now=runtime.clock())

    last = entries(runtime)[-1]
    assert last.detail.endswith(str(patient_id))
    # The text typed is not stored; the titulaire checks "was DARK searched?" with the key.
    assert "dark" not in last.object_id.lower()
    assert last.object_id == runtime.audit_keys.search_digest("  Dark ")


def test_a_refused_read_changes_nothing(runtime: Runtime) -> None:
    admin = CurrentOperator(id=2, code="ADM", display_name="IT", role=Role.ADMIN, workstation="serveur")
    patient_id = create_patient(runtime)
    before = len(entries(runtime))

    with pytest.raises(PermissionDenied, match="ne le permet pas"), closing(runtime.unit_of_work()) as uow:
        patients.read_patient(patient_id, uow=uow, operator=admin, now=runtime.clock())

    assert len(entries(runtime)) == before


def test_the_chain_is_intact_after_normal_use(runtime: Runtime) -> None:
    patient_id = create_patient(runtime)
    for _ in range(5):
        with closing(runtime.unit_of_work()) as uow:
            patients.read_patient(patient_id, uow=uow, operator=PREPARATEUR, now=runtime.clock())

    with closing(runtime.unit_of_work()) as uow:
        check = audit_log.verify_trail(uow)

    assert check.intact and check.entries == 6


def test_an_entry_changed_in_the_database_is_detected(runtime: Runtime) -> None:
    patient_id = create_patient(runtime)
    for _ in range(3):
        with closing(runtime.unit_of_work()) as uow:
            patients.read_patient(patient_id, uow=uow, operator=PREPARATEUR, now=runtime.clock())

    with runtime.session_factory.begin() as session:
        session.execute(update(m.AuditEntry).where(m.AuditEntry.seq == 2).values(operator_code="PH01"))
    with closing(runtime.unit_of_work()) as uow:
        check = audit_log.verify_trail(uow)

    assert check.first_broken_seq == 2


def test_concurrent_writers_keep_one_unbroken_chain(runtime: Runtime) -> None:
    patient_id = create_patient(runtime)

    def read_many() -> None:
        for _ in range(10):
            with closing(runtime.unit_of_work()) as uow:
                patients.read_patient(patient_id, uow=uow, operator=PREPARATEUR, now=runtime.clock())

    workers = [threading.Thread(target=read_many) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    with closing(runtime.unit_of_work()) as uow:
        check = audit_log.verify_trail(uow)
    assert check.intact
    assert check.entries == 81
