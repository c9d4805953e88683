"""A counter dispensation ends in the DMP emulator as an eDISP-MED, through the outbox and the product's client:
retrievable, stored once however often delivered, deleted when the dispensation is cancelled; a patient not
qualified is listed as not sent, then sent once qualified; a DMP down then up loses nothing."""

from __future__ import annotations

from contextlib import closing

from lxml import etree

from comptoir.national.dmp.client import DmpClient
from comptoir.national.http import HttpPolicy
from comptoir.services.dispensing.cancel import cancel_dispensation
from comptoir.services.dmp import messages, unsent
from comptoir.services.platform.outbox import OutboxWorker
from comptoir.store import sharing as s
from tests.emulators import free_port
from tests.fakes.dmp import GENE
from tests.integration.dmp_feed.conftest import ADJOINT_RPPS, TOKEN, Pharmacy

HL7 = {"h": "urn:hl7-org:v3"}


def test_a_validated_counter_dispensation_ends_as_an_edisp_in_the_dmp(pharmacy: Pharmacy) -> None:
    pharmacy.qualify()
    dispensation_id = pharmacy.validate_counter_dispensation()

    pharmacy.worker.run_once()

    [record] = pharmacy.documents()
    assert (record.status, record.source_ref) == (s.SENT, f"dispensation:{dispensation_id}")
    [entry] = pharmacy.dmp.search(GENE.matricule)
    assert (entry.unique_id, entry.type_code, entry.format_code) == (record.document_id, "60593-1",
                                                                      "urn:ihe:pharm:dis:2010")
    document = etree.fromstring(pharmacy.dmp.retrieve(record.document_id).content)
    assert "AMLODIPINE TEST 5 mg" in " ".join(document.itertext())
    assert document.find("h:recordTarget/h:patientRole/h:id[@extension='166023155504769']", HL7) is not None


def test_the_same_message_delivered_twice_is_stored_once(pharmacy: Pharmacy) -> None:
    pharmacy.qualify()
    pharmacy.validate_counter_dispensation()
    [record] = pharmacy.documents()
    send = messages.handlers(pharmacy.dmp, pharmacy.runtime.unit_of_work, pharmacy.runtime.clock)["dmp.document"]
    payload = {"document_id": record.document_id, "visibility": []}

    first, second = send(payload), send(payload)

    assert (first["dejaRecu"], second["dejaRecu"]) == (False, True)
    assert len(pharmacy.dmp.search(GENE.matricule)) == 1


def test_a_cancelled_dispensation_is_deleted_from_the_dmp(pharmacy: Pharmacy) -> None:
    pharmacy.qualify()
    dispensation_id = pharmacy.validate_counter_dispensation()
    pharmacy.worker.run_once()
    runtime = pharmacy.runtime

    with closing(runtime.unit_of_work()) as uow:
        cancel_dispensation(dispensation_id, "Erreur de patient au comptoir", uow=uow,
                            operator=pharmacy.place.pharmacist, now=runtime.clock())
    pharmacy.worker.run_once()

    assert pharmacy.dmp.search(GENE.matricule) == []
    assert [d.status for d in pharmacy.documents()] == [s.DELETED]


def test_a_deletion_sent_again_after_the_dmp_deleted_ends_deleted(pharmacy: Pharmacy) -> None:
    pharmacy.qualify()
    dispensation_id = pharmacy.validate_counter_dispensation()
    pharmacy.worker.run_once()
    runtime = pharmacy.runtime
    with closing(runtime.unit_of_work()) as uow:
        cancel_dispensation(dispensation_id, "Erreur de patient au comptoir", uow=uow,
                            operator=pharmacy.place.pharmacist, now=runtime.clock())
    [record] = pharmacy.documents()
    pharmacy.dmp.delete(record.document_id)  # done, then the worker died before writing it down

    pharmacy.worker.run_once()

    assert [(d.status, d.reason) for d in pharmacy.documents()] == [(s.DELETED, "")]
    with closing(runtime.unit_of_work()) as uow, uow:
        assert [m.kind for m in uow.outbox.waiting(limit=10) if m.kind.startswith("dmp.")] == []


def test_a_dispensation_validated_by_the_adjoint_is_deleted_from_the_dmp_when_cancelled(pharmacy: Pharmacy) -> None:
    pharmacy.qualify()
    adjoint = pharmacy.adjoint()
    dispensation_id = pharmacy.validate_counter_dispensation(by=adjoint)
    pharmacy.worker.run_once()
    [entry] = pharmacy.dmp.search(GENE.matricule)
    assert entry.author_rpps == ADJOINT_RPPS
    runtime = pharmacy.runtime

    with closing(runtime.unit_of_work()) as uow:
        cancel_dispensation(dispensation_id, "Erreur de patient au comptoir", uow=uow, operator=adjoint,
                            now=runtime.clock())
    pharmacy.worker.run_once()

    assert pharmacy.dmp.search(GENE.matricule) == []
    assert [d.status for d in pharmacy.documents()] == [s.DELETED]


def test_a_patient_not_qualified_is_listed_then_sent_once_qualified(pharmacy: Pharmacy) -> None:
    runtime, pharmacist = pharmacy.runtime, pharmacy.place.pharmacist
    pharmacy.validate_counter_dispensation()
    pharmacy.worker.run_once()
    with closing(runtime.unit_of_work()) as uow:
        [listed] = unsent.unsent_documents(uow=uow, operator=pharmacist, now=runtime.clock())
    assert (listed.reason, listed.qualified) == ("identité non qualifiée", False)
    assert pharmacy.dmp.search(GENE.matricule) == []

    pharmacy.qualify()
    with closing(runtime.unit_of_work()) as uow:
        unsent.send_to_dmp(listed.id, confirmed=True, uow=uow, operator=pharmacist, now=runtime.clock())
    pharmacy.worker.run_once()

    with closing(runtime.unit_of_work()) as uow:
        assert unsent.unsent_documents(uow=uow, operator=pharmacist, now=runtime.clock()) == []
    assert [e.unique_id for e in pharmacy.dmp.search(GENE.matricule)] == [pharmacy.documents()[0].document_id]


def test_a_dmp_down_then_up_loses_nothing(pharmacy: Pharmacy, dmp_url: str) -> None:
    runtime = pharmacy.runtime
    pharmacy.qualify()
    pharmacy.validate_counter_dispensation()
    nowhere = DmpClient.at(f"http://127.0.0.1:{free_port()}", HttpPolicy(timeout_s=0.3, retries=0), token=TOKEN)
    down = OutboxWorker(runtime.unit_of_work, messages.handlers(nowhere, runtime.unit_of_work, runtime.clock),
                        runtime.clock, first_backoff_s=0.0)

    down.run_once()
    assert [d.status for d in pharmacy.documents()] == [s.TO_SEND]
    nowhere.close()

    pharmacy.worker.run_once()

    assert [d.status for d in pharmacy.documents()] == [s.SENT]
    assert len(pharmacy.dmp.search(GENE.matricule)) == 1
