"""The shared documents' repository on SQLite and PostgreSQL: a merge moves the documents and keeps an opposition;
the documents not sent are listed, oldest first, and only them."""

from __future__ import annotations

from contextlib import closing
from datetime import date, timedelta

from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store import sharing as s


def patients(runtime: Runtime) -> tuple[int, int]:
    with runtime.session_factory.begin() as session:
        rows = [m.Patient(last_name=name, first_name="Anne", birth_date=date(1970, 1, 1), sex="F", allergies=[],
                          created_at=runtime.clock()) for name in ("LEMAIRE", "LEMAIRES")]
        session.add_all(rows)
        session.flush()
        return rows[0].id, rows[1].id


def document(patient_id: int, status: str, runtime: Runtime, minutes: int) -> s.SharedDocument:
    at = runtime.clock() + timedelta(minutes=minutes)
    return s.SharedDocument(kind="dispensation", patient_id=patient_id, document_id=f"2.25.{minutes}", set_id="x",
                            version=1, title="Dispensation", type_code="60593-1", visibility=[], content=b"",
                            status=status, reason="", act_at=at, created_at=at, created_by="PH01",
                            source_ref=f"dispensation:{minutes}")


def test_a_merge_moves_the_documents_and_keeps_the_opposition(runtime: Runtime) -> None:
    kept, merged = patients(runtime)
    with closing(runtime.unit_of_work()) as uow, uow:
        uow.sharing.add(document(merged, s.NOT_SENT, runtime, 1))
        uow.sharing.set_choice(merged, opposed=True, at=runtime.clock(), by="PR01")
        uow.commit()

    with closing(runtime.unit_of_work()) as uow, uow:
        moved = uow.sharing.move_patient(merged, kept)
        uow.commit()

    with closing(runtime.unit_of_work()) as uow, uow:
        choice = uow.sharing.choice(kept)
        assert moved == 1 and [d.patient_id for d in uow.sharing.of_patient(kept)] == [kept]
        assert choice is not None and choice.feeding_opposed and uow.sharing.choice(merged) is None


def test_the_documents_not_sent_are_listed_oldest_first(runtime: Runtime) -> None:
    kept, _ = patients(runtime)
    with closing(runtime.unit_of_work()) as uow, uow:
        for minutes, status in ((3, s.REFUSED), (1, s.NOT_SENT), (2, s.SENT), (4, s.OPPOSED)):
            uow.sharing.add(document(kept, status, runtime, minutes))
        uow.commit()

    with closing(runtime.unit_of_work()) as uow, uow:
        assert [d.document_id for d in uow.sharing.not_sent()] == ["2.25.1", "2.25.3"]
