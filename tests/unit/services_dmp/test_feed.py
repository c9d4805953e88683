"""The DMP feed's rules: only a qualified identity is shared, the patient's opposition stops it, a cancellation
deletes the document, and what the eDISP-MED is made of."""

from __future__ import annotations

import pytest

from comptoir.domain.operators import Role
from comptoir.errors import PermissionDenied
from comptoir.national.credentials import DEMO_PHARMACIST_RPPS
from comptoir.services.dispensing.fanout import DispensationAct
from comptoir.services.dmp import feed, sharing
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store import sharing as s
from comptoir.store.outbox import OutboxMessage
from tests.fakes import FakeUnitOfWork
from tests.fakes.dmp import GENE
from tests.unit.services_dmp.world import CIP13, CIS, NOW, PHARMACIST, STUDENT, KitBuilder, dispensation, patient, world

ADMIN = CurrentOperator(9, "ADM", "Admin", Role.ADMIN, "poste-1")


def validated(uow: FakeUnitOfWork, patient_row: m.Patient | None,
              builder: KitBuilder | None = None) -> tuple[list[OutboxMessage], DispensationAct]:
    row, lines = dispensation(uow, patient_row)
    act = DispensationAct(row, lines, patient_row, PHARMACIST, NOW)
    return feed.DmpFeed(builder or KitBuilder()).validated(uow, act), act


@pytest.mark.parametrize("status", ["PROV", "RECUP", "VALI"])
def test_a_patient_not_qualified_has_no_cda_identity(status: str) -> None:
    uow = world()

    with pytest.raises(sharing.IdentityNotQualified, match="Identité non qualifiée"):
        sharing.cda_patient(patient(uow, status=status))


def test_a_qualified_patient_without_his_oid_has_no_cda_identity() -> None:
    uow = world()
    row = patient(uow)
    row.nir_oid = None

    with pytest.raises(sharing.IdentityNotQualified):
        sharing.cda_patient(row)


def test_a_qualified_patient_is_named_by_his_ins_and_birth_traits() -> None:
    uow = world()

    named = sharing.cda_patient(patient(uow))

    assert (named.ins, named.ins_oid, named.birth_name) == (GENE.matricule, GENE.oid, GENE.birth_name)
    assert named.first_names == tuple(GENE.given_names.split())


def test_a_validated_dispensation_of_a_qualified_patient_is_enqueued_as_its_document() -> None:
    uow = world()
    builder = KitBuilder()

    messages, _ = validated(uow, patient(uow), builder)

    [record] = uow.sharing.documents
    assert [(m.kind, m.idempotency_key) for m in messages] == [("dmp.document", record.document_id)]
    assert record.status == s.TO_SEND and record.content.startswith(b"<?xml")
    assert (record.type_code, record.kind, record.author_rpps) == ("60593-1", "dispensation", DEMO_PHARMACIST_RPPS)


def test_the_edisp_is_made_of_the_products_as_the_reference_names_them() -> None:
    uow = world()
    builder = KitBuilder()

    validated(uow, patient(uow), builder)

    [content] = builder.given
    [line] = content.lines
    assert (line.product.name, line.product.cis, line.product.cip13) == ("DOLIPRANE 1000 mg, comprimé", CIS, CIP13)
    assert (line.product.form, line.product.units_per_box, line.product.unit) == ("comprimé", 8, "comprimé")
    assert (line.boxes, line.posology, line.substituted) == (2, "1 cp 3 fois/j", True)
    assert content.header.author.last_name == "MARTIN" and content.header.pharmacy.address.city == "Paris"


def test_a_patient_not_qualified_gets_a_document_not_sent_and_nothing_enqueued() -> None:
    uow = world()

    messages, _ = validated(uow, patient(uow, status="VALI"))

    [record] = uow.sharing.documents
    assert messages == [] and uow.outbox.messages == []
    assert (record.status, record.reason) == (s.NOT_SENT, "identité non qualifiée")


def test_the_patients_opposition_stops_the_feeding() -> None:
    uow = world()
    row = patient(uow)
    feed.set_opposition(row.id, True, uow=uow, operator=PHARMACIST, now=NOW)

    messages, _ = validated(uow, row)

    assert messages == [] and uow.outbox.messages == []
    assert [(d.status, d.content) for d in uow.sharing.documents] == [(s.OPPOSED, b"")]
    assert "opposition alimentation DMP=oui" in uow.audit.entries[-1].detail


def test_only_who_may_change_a_record_sets_the_opposition() -> None:
    uow = world()
    row = patient(uow)

    with pytest.raises(PermissionDenied):
        feed.set_opposition(row.id, True, uow=uow, operator=ADMIN, now=NOW)
    feed.set_opposition(row.id, True, uow=uow, operator=STUDENT, now=NOW)

    assert feed.is_opposed(row.id, uow=uow, operator=PHARMACIST)


def test_a_dispensation_without_patient_feeds_nothing() -> None:
    uow = world()

    messages, _ = validated(uow, None)

    assert messages == [] and uow.sharing.documents == []


def test_a_cancelled_dispensation_deletes_its_document_after_it_was_sent() -> None:
    uow = world()
    _, act = validated(uow, patient(uow))

    messages = feed.DmpFeed(KitBuilder()).cancelled(uow, act, "erreur de patient")

    [record] = uow.sharing.documents
    [message] = messages
    assert (message.kind, message.payload["document_id"]) == ("dmp.suppression", record.document_id)
    assert message.depends_on == record.document_id and record.status == s.TO_DELETE


def test_a_cancelled_dispensation_whose_document_was_never_sent_only_marks_it_deleted() -> None:
    uow = world()
    _, act = validated(uow, patient(uow, status="PROV"))

    messages = feed.DmpFeed(KitBuilder()).cancelled(uow, act, "erreur")

    assert messages == [] and uow.sharing.documents[0].status == s.DELETED


def test_a_merge_moves_the_documents_and_keeps_either_records_opposition() -> None:
    uow = world()
    kept, merged = patient(uow), patient(uow, status="PROV")
    validated(uow, merged)
    feed.set_opposition(merged.id, True, uow=uow, operator=PHARMACIST, now=NOW)

    moved = uow.sharing.move_patient(merged.id, kept.id)

    assert moved == 1 and uow.sharing.documents[0].patient_id == kept.id
    assert sharing.opposed(uow, kept.id) and uow.sharing.choice(merged.id) is None
