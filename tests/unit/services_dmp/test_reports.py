"""A pharmacist's report for the DMP: queued for a qualified identity, « non envoyé » otherwise and sent once the
identity is qualified; a file that is not a PDF, or a preparer, is refused with nothing recorded."""

from __future__ import annotations

import base64

import pytest
from lxml import etree

from comptoir.errors import FieldErrors, PermissionDenied
from comptoir.national.dmp.port import Visibility
from comptoir.services.dmp import reports, unsent
from comptoir.store import sharing as s
from tests.fakes import FakeUnitOfWork
from tests.unit.services_dmp.world import NOW, PHARMACIST, PREPARER, patient, world

HL7 = {"h": "urn:hl7-org:v3"}
PDF = b"%PDF-1.4\n% un compte rendu\n%%EOF\n"


def shared(uow: FakeUnitOfWork, patient_id: int, *, pdf: bytes | None = PDF, **changed: object) -> s.SharedDocument:
    given: dict[str, object] = {"type_code": "56445-0", "title": "Bilan partagé de médication",
                                "text": "Traitement revu avec le patient.", "pdf": pdf,
                                "visibility": (Visibility.INVISIBLE_TO_PATIENT,), "operator": PHARMACIST} | changed
    return reports.share_report(uow, patient_id=patient_id, now=NOW, **given)  # type: ignore[arg-type]


def test_a_report_for_a_qualified_patient_is_queued_as_a_niveau_1_with_its_pdf() -> None:
    uow = world()
    row = patient(uow)

    record = shared(uow, row.id)

    [message] = uow.outbox.messages
    assert (record.status, record.type_code, message.payload["document_id"]) == (s.TO_SEND, "56445-0",
                                                                                 record.document_id)
    assert message.payload["visibility"] == ["INVISIBLE_PATIENT"]
    document = etree.fromstring(record.content)
    assert document.find("h:code", HL7).get("code") == "56445-0"  # type: ignore[union-attr]
    assert base64.b64decode(document.findtext("h:component/h:nonXMLBody/h:text", namespaces=HL7) or "") == PDF
    assert uow.audit.entries[-1].object_id == record.document_id


def test_a_report_for_a_patient_not_qualified_is_not_sent_then_sent_once_qualified() -> None:
    uow = world()
    row = patient(uow, status="VALI")

    record = shared(uow, row.id, pdf=None, type_code="78601-2")
    assert (record.status, record.reason, uow.outbox.messages) == (s.NOT_SENT, "identité non qualifiée", [])

    row.identity_status = "QUAL"
    unsent.send_to_dmp(record.id, confirmed=True, uow=uow, operator=PHARMACIST, now=NOW)

    assert record.status == s.TO_SEND and len(uow.outbox.messages) == 1
    assert etree.fromstring(record.content).find("h:code", HL7).get("code") == "78601-2"  # type: ignore[union-attr]


def test_a_report_the_dmp_refused_is_sent_again_with_its_pdf_under_a_new_id() -> None:
    uow = world()
    row = patient(uow)
    record = shared(uow, row.id)
    first_id, record.status = record.document_id, s.REFUSED

    unsent.send_to_dmp(record.id, confirmed=True, uow=uow, operator=PHARMACIST, now=NOW)

    document = etree.fromstring(record.content)
    assert record.status == s.TO_SEND and record.document_id != first_id
    assert base64.b64decode(document.findtext("h:component/h:nonXMLBody/h:text", namespaces=HL7) or "") == PDF


def test_a_file_that_is_not_a_pdf_is_refused_beside_its_field_and_nothing_recorded() -> None:
    uow = world()
    row = patient(uow)

    with pytest.raises(FieldErrors) as refused:
        shared(uow, row.id, pdf=b"GIF89a...")

    assert "n'est pas un PDF" in refused.value.errors["pdf"]
    assert uow.sharing.documents == [] and uow.outbox.messages == []


def test_a_preparer_does_not_share_a_report() -> None:
    uow = world()
    row = patient(uow)

    with pytest.raises(PermissionDenied):
        shared(uow, row.id, operator=PREPARER)
