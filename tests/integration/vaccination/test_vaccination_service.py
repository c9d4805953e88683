"""Recording a vaccination: the act kept and audited, its note for the DMP made and enqueued; every refusal said
beside its field, and nothing written. On SQLite and PostgreSQL."""

from __future__ import annotations

from contextlib import closing
from datetime import date

import pytest
from sqlalchemy import func, select, update

from comptoir.cda.model import INS_NIR_TEST_OID
from comptoir.errors import FieldErrors, PermissionDenied
from comptoir.services.dmp.unsent import send_to_dmp
from comptoir.services.platform.runtime import Runtime
from comptoir.services.vaccination.record import Recorded, record_vaccination
from comptoir.store import models as m
from comptoir.store.outbox import OutboxMessage
from comptoir.store.sharing import SharedDocument, SharingRepository
from comptoir.store.vaccination import Vaccination
from tests.integration.vaccination.builders import FLU, LIVE, PAINKILLER, form, operator, vaccination_pharmacy


def record(runtime: Runtime, patient_id: int, values: dict[str, str], code: str = "PH01") -> Recorded:
    with closing(runtime.unit_of_work()) as uow:
        return record_vaccination(patient_id, values, uow=uow, operator=operator(runtime, code), now=runtime.clock())


DMP_ONLY = (OutboxMessage.kind.like("dmp.%"),)


def counts(runtime: Runtime) -> list[int]:
    """Vaccinations, shared documents, outbox messages for the DMP, audit entries."""
    with runtime.session_factory() as session:
        return [session.scalar(select(func.count()).select_from(table).where(*where)) or 0
                for table, where in ((Vaccination, ()), (SharedDocument, ()), (OutboxMessage, DMP_ONLY),
                                     (m.AuditEntry, ()))]


def test_a_flu_vaccination_is_recorded_audited_and_its_note_enqueued_for_the_dmp(runtime: Runtime) -> None:
    patient_id = vaccination_pharmacy(runtime)

    done = record(runtime, patient_id, form())

    with runtime.session_factory() as session:
        row = session.get(Vaccination, done.id)
        assert row is not None
        assert (row.cip13, row.lot, row.expiry, row.route, row.site) == (FLU, "VX2611A", date(2026, 6, 30), "IM",
                                                                         "deltoïde gauche")
        assert row.pharmacist_rpps == "10005551238" and row.consent and row.kind == "grippe"
        assert row.next_due == date(2026, 10, 15)
        audit = session.scalars(select(m.AuditEntry).where(m.AuditEntry.object_type == "vaccination")).one()
        assert audit.object_id == str(row.id) and "lot VX2611A" in audit.detail
        note = session.scalars(select(SharedDocument)).one()
        assert (note.kind, note.type_code, note.title, note.status) == ("vaccination", "87273-9",
                                                                        "Note de vaccination", "a_envoyer")
        message = session.scalars(select(OutboxMessage).where(*DMP_ONLY)).one()
        assert message.kind == "dmp.document"
    assert done.dmp_status == "À envoyer"


def test_the_typed_cip13_lot_and_expiry_work_without_a_scan(runtime: Runtime) -> None:
    patient_id = vaccination_pharmacy(runtime)

    record(runtime, patient_id, form(code="", cip13=FLU, lot="AB123", expiry="31/12/2026"))

    assert counts(runtime)[0] == 1


def test_an_identity_not_qualified_records_the_act_and_keeps_the_note_unsent(runtime: Runtime) -> None:
    patient_id = vaccination_pharmacy(runtime, qualified=False)

    done = record(runtime, patient_id, form())

    assert done.dmp_status == "Non envoyé — identité non qualifiée"
    assert counts(runtime)[:3] == [1, 1, 0]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"code": "", "cip13": PAINKILLER, "lot": "A1", "expiry": "2027-01-01"}, "cip13", "n'est pas un vaccin"),
    ({"code": "", "cip13": FLU, "lot": "A1", "expiry": "2026-02-18"}, "expiry", "périmé"),
    ({"code": "", "cip13": LIVE, "lot": "A1", "expiry": "2027-01-01"}, "cip13", "vivant"),
    ({"q_fever": "oui"}, "q_fever", "reporter"),
    ({"q_allergy": "oui"}, "q_allergy", "contre-indication"),
    ({"q_bleeding": ""}, "q_bleeding", "oui ou par non"),
    ({"consent": ""}, "consent", "consentement"),
    ({"code": "0103400930306001"}, "code", "clé de contrôle"),
])
def test_each_refusal_is_said_beside_its_field_and_changes_nothing(runtime: Runtime, changes: dict[str, str],
                                                                   field: str, message: str) -> None:
    patient_id = vaccination_pharmacy(runtime)
    before = counts(runtime)

    with pytest.raises(FieldErrors) as refused:
        record(runtime, patient_id, form(**changes))

    assert message in refused.value.errors[field]
    assert counts(runtime) == before


def test_a_child_under_11_is_sent_to_the_doctor_and_nothing_is_written(runtime: Runtime) -> None:
    patient_id = vaccination_pharmacy(runtime, born=date(2017, 5, 1))
    before = counts(runtime)

    with pytest.raises(FieldErrors) as refused:
        record(runtime, patient_id, form())

    assert "à partir de 11 ans" in refused.value.errors["cip13"]
    assert counts(runtime) == before


def test_a_preparer_may_not_vaccinate(runtime: Runtime) -> None:
    patient_id = vaccination_pharmacy(runtime)

    with pytest.raises(PermissionDenied):
        record(runtime, patient_id, form(), code="PR01")

    assert counts(runtime)[0] == 0


def test_the_subcutaneous_route_is_refused_for_a_vaccine_given_only_intramuscularly(runtime: Runtime) -> None:
    patient_id = vaccination_pharmacy(runtime)
    with runtime.session_factory.begin() as session:
        session.execute(update(m.Specialty).where(m.Specialty.cis == "69675854").values(routes="intramusculaire"))

    with pytest.raises(FieldErrors) as refused:
        record(runtime, patient_id, form(route="SC"))

    assert "sous-cutanée non prévue" in refused.value.errors["route"]
    assert counts(runtime)[0] == 0


def test_a_note_kept_unsent_is_built_from_the_act_and_enqueued_once_the_identity_is_qualified(
        runtime: Runtime) -> None:
    patient_id = vaccination_pharmacy(runtime, qualified=False)
    record(runtime, patient_id, form())
    with runtime.session_factory.begin() as session:
        session.execute(update(m.Patient).where(m.Patient.id == patient_id).values(
            identity_status="QUAL", nir="258046912345637", nir_oid=INS_NIR_TEST_OID))
        note_pk = session.scalars(select(SharedDocument.id)).one()

    with closing(runtime.unit_of_work()) as uow:
        send_to_dmp(note_pk, confirmed=True, uow=uow, operator=operator(runtime), now=runtime.clock())

    with runtime.session_factory() as session:
        note = session.scalars(select(SharedDocument)).one()
        assert note.status == "a_envoyer" and b"VX2611A" in note.content
        assert session.scalars(select(OutboxMessage.kind).where(*DMP_ONLY)).all() == ["dmp.document"]


def test_a_patient_who_opposed_the_feeding_of_his_dmp_gets_his_vaccination_but_no_note_sent(
        runtime: Runtime) -> None:
    patient_id = vaccination_pharmacy(runtime)
    with runtime.session_factory.begin() as session:
        SharingRepository(session).set_choice(patient_id, opposed=True, at=runtime.clock(), by="PH01")

    done = record(runtime, patient_id, form())

    assert "opposition du patient" in done.dmp_status
    assert counts(runtime)[:3] == [1, 1, 0]
