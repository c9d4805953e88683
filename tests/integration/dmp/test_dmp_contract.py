"""The DMP's contract: feeding, search, retrieval, versions, deletion, and the refusals a pharmacy meets (INS,
masks, the pharmacist's reading rights). Each case runs twice: through the product's client against the emulator
on a socket, and against the in-memory fake the services' unit tests use (tests/fakes/dmp.py), so that the two
keep the same rules and the same French reasons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from comptoir.errors import ExternalServiceError
from comptoir.national.credentials import DEMO_PHARMACIST_RPPS, DEMO_PHARMACY_FINESS, demo_pharmacy, demo_prescriber
from comptoir.national.dmp.client import DmpClient
from comptoir.national.dmp.port import Dmp, Visibility
from comptoir.national.dmp.rules import Identity
from comptoir.national.http import HttpPolicy
from tests.emulators import free_port
from tests.fakes.dmp import GENE, NIA_PATIENT, FakeDmp, kit_document
from tests.integration.dmp.conftest import DOCTOR_TOKEN, OTHER_PHARMACIST, OTHER_PHARMACY_TOKEN, PHARMACY_TOKEN

Connect = Callable[[str | None], Dmp]
CALLERS = {PHARMACY_TOKEN: demo_pharmacy(PHARMACY_TOKEN), OTHER_PHARMACY_TOKEN: OTHER_PHARMACIST,
           DOCTOR_TOKEN: demo_prescriber(DOCTOR_TOKEN)}


@pytest.fixture(params=["emulateur", "faux"])
def connect(request: pytest.FixtureRequest) -> Connect:
    """The DMP as the caller of `token` sees it: the client to the emulator, or the fake's view."""
    if request.param == "emulateur":
        connected: Connect = request.getfixturevalue("emulated")
        return connected
    shared = FakeDmp()

    def view(token: str | None) -> Dmp:
        caller = CALLERS[token or ""]
        return shared.as_professional(caller.rpps, caller.structure, caller.profession)

    return view


@pytest.fixture
def pharmacy(connect: Connect) -> Dmp:
    return connect(PHARMACY_TOKEN)
DISPENSATION = "eDISP-MED_2024.01.xml"


def dispensation(document_id: str = "1.2.250.1.999.1", *, version: int = 1, patient: Identity = GENE) -> bytes:
    """A dispensation of the demo pharmacy's titulaire for GENE (the kit's example, its patient and author ours)."""
    return kit_document(DISPENSATION, patient=patient, document_id=document_id, set_id="1.2.250.1.999",
                        version=version, rpps=DEMO_PHARMACIST_RPPS, structure=DEMO_PHARMACY_FINESS)


def refusal(call: Callable[[], object]) -> ExternalServiceError:
    with pytest.raises(ExternalServiceError) as refused:
        call()
    return refused.value


def test_a_fed_dispensation_is_found_and_read_back(pharmacy: Dmp) -> None:
    document = dispensation()

    receipt = pharmacy.submit(document)
    found = pharmacy.search(GENE.matricule)
    retrieved = pharmacy.retrieve(receipt.unique_id)

    assert (receipt.unique_id, receipt.version, receipt.duplicate) == ("1.2.250.1.999.1", 1, False)
    assert [(e.type_code, e.format_code, e.author_rpps, e.status) for e in found] == [
        ("60593-1", "urn:ihe:pharm:dis:2010", DEMO_PHARMACIST_RPPS, "approved")]
    assert retrieved.content == document
    assert retrieved.entry.patient_ins == GENE.matricule


def test_the_same_document_sent_twice_is_stored_once(pharmacy: Dmp) -> None:
    first = pharmacy.submit(dispensation())

    again = pharmacy.submit(dispensation())

    assert (again.unique_id, again.version, again.duplicate) == (first.unique_id, 1, True)
    assert len(pharmacy.search(GENE.matricule)) == 1


def test_another_document_under_a_known_id_is_refused(pharmacy: Dmp) -> None:
    pharmacy.submit(dispensation())

    refused = refusal(lambda: pharmacy.submit(dispensation(version=3)))

    assert refused.permanent and "409" in str(refused)


def test_a_new_version_replaces_the_old_one(pharmacy: Dmp) -> None:
    pharmacy.submit(dispensation("1.2.250.1.999.1"))

    receipt = pharmacy.submit(dispensation("1.2.250.1.999.2", version=2), replaces="1.2.250.1.999.1")

    assert (receipt.set_id, receipt.version) == ("1.2.250.1.999", 2)
    assert [e.unique_id for e in pharmacy.search(GENE.matricule)] == ["1.2.250.1.999.2"]
    assert pharmacy.retrieve("1.2.250.1.999.1").entry.status == "deprecated"


def test_only_its_author_or_its_structure_deletes_a_document(pharmacy: Dmp, connect: Connect) -> None:
    pharmacy.submit(dispensation())

    refused = refusal(lambda: connect(OTHER_PHARMACY_TOKEN).delete("1.2.250.1.999.1"))
    pharmacy.delete("1.2.250.1.999.1")

    assert refused.permanent and "Seul l'auteur du document" in str(refused)
    assert pharmacy.search(GENE.matricule) == []
    assert "404" in str(refusal(lambda: pharmacy.retrieve("1.2.250.1.999.1")))


@pytest.mark.parametrize(("patient", "said"), [
    (NIA_PATIENT, "Seule une INS qualifiée peut alimenter le DMP"),
    (replace(GENE, matricule="166023155504770"), "INS inconnue du référentiel national"),
    (replace(GENE, birth_date=date(1966, 2, 24)), "ne correspondent pas à l'INS 166023155504769 (date de naissance)"),
    (replace(GENE, birth_name="GENET"), "(nom de naissance)"),
])
def test_a_document_without_a_qualified_known_ins_is_refused_with_its_reason(
        pharmacy: Dmp, patient: Identity, said: str) -> None:
    refused = refusal(lambda: pharmacy.submit(dispensation(patient=patient)))

    assert refused.permanent
    assert said in str(refused)


def test_what_is_not_a_cda_is_refused(pharmacy: Dmp) -> None:
    refused = refusal(lambda: pharmacy.submit(b"<html/>"))

    assert refused.permanent and "pas un CDA R2" in str(refused)


def test_a_pharmacist_reads_only_the_types_of_his_matrix(pharmacy: Dmp, connect: Connect) -> None:
    doctor = connect(DOCTOR_TOKEN)
    biology = kit_document("DOC_NON_STRUCTURE_CDA-R2-N1.xml", patient=GENE, document_id="1.2.250.1.777.1")
    consultation = kit_document("DOC_NON_STRUCTURE_CDA-R2-N1.xml", patient=GENE, document_id="1.2.250.1.777.2")
    doctor.submit(biology)
    doctor.submit(consultation.replace(b'code="11502-2"', b'code="11488-4"'))

    seen_by_pharmacist = {e.type_code for e in pharmacy.search(GENE.matricule)}
    seen_by_doctor = {e.type_code for e in doctor.search(GENE.matricule)}
    refused = refusal(lambda: pharmacy.retrieve("1.2.250.1.777.2"))

    assert seen_by_pharmacist == {"11502-2"}
    assert seen_by_doctor == {"11502-2", "11488-4"}
    assert "n'est pas accessible à un pharmacien" in str(refused)


def test_a_search_keeps_the_types_asked_for(pharmacy: Dmp, connect: Connect) -> None:
    pharmacy.submit(dispensation())
    connect(DOCTOR_TOKEN).submit(kit_document("VAC-NOTE_2023.01.xml", patient=GENE))

    found = pharmacy.search(GENE.matricule, type_codes=("87273-9",))
    every = pharmacy.search(GENE.matricule)

    assert [e.type_code for e in found] == ["87273-9"]
    assert [e.type_code for e in every] == ["60593-1", "87273-9"]  # newest first


def test_a_search_since_a_date_keeps_the_documents_created_from_then(pharmacy: Dmp, connect: Connect) -> None:
    pharmacy.submit(dispensation())
    connect(DOCTOR_TOKEN).submit(kit_document("VAC-NOTE_2023.01.xml", patient=GENE))

    found = pharmacy.search(GENE.matricule, since=datetime(2024, 1, 1, tzinfo=UTC))

    assert [e.type_code for e in found] == ["60593-1"]


def test_a_document_masked_from_professionals_is_seen_by_its_author_only(
        pharmacy: Dmp, connect: Connect) -> None:
    pharmacy.submit(dispensation(), (Visibility.MASKED_FROM_PROFESSIONALS,))
    other = connect(OTHER_PHARMACY_TOKEN)

    assert [e.confidentiality for e in pharmacy.search(GENE.matricule)] == [("N", "MASQUE_PS")]
    assert other.search(GENE.matricule) == []
    assert "404" in str(refusal(lambda: other.retrieve("1.2.250.1.999.1")))


def test_the_dmp_status_says_whether_the_patient_has_one(pharmacy: Dmp) -> None:
    assert pharmacy.status(GENE.matricule).exists
    assert not pharmacy.status("166023155504770").exists


def test_without_a_token_the_dmp_answers_401(dmp_url: str) -> None:
    refused = refusal(lambda: DmpClient.at(dmp_url, HttpPolicy(retries=0)).search(GENE.matricule))

    assert refused.permanent and "401" in str(refused)


def test_an_unreachable_dmp_is_not_a_permanent_error() -> None:
    client = DmpClient.at(f"http://127.0.0.1:{free_port()}", HttpPolicy(timeout_s=0.5, retries=0))

    refused = refusal(lambda: client.status(GENE.matricule))

    assert not refused.permanent
