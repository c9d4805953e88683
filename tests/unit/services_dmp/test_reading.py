"""Reading the patient's DMP: with the qualified INS only, by the roles allowed, every list and opening audited,
French answers when the DMP is down or the patient opposed it."""

from __future__ import annotations

import pytest

from comptoir.errors import ExternalServiceError, NotFound, PermissionDenied, RuleViolation
from comptoir.services.dmp import reading
from tests.fakes.dmp import GENE, NIA_PATIENT, FakeDmp, kit_document
from tests.unit.services_dmp.world import NOW, PHARMACIST, PREPARER, STUDENT, patient, world


def fed_dmp() -> tuple[FakeDmp, str]:
    dmp = FakeDmp()
    receipt = dmp.submit(kit_document("eDISP-MED_2024.01.xml", patient=GENE))
    return dmp, receipt.unique_id


def test_the_documents_of_the_patients_dmp_are_listed_and_the_reading_audited() -> None:
    uow, (dmp, unique_id) = world(), fed_dmp()
    row = patient(uow)

    read = reading.patient_dmp(row.id, uow=uow, operator=PREPARER, dmp=dmp, now=NOW)

    assert read.status is not None and read.status.exists and read.problem == ""
    assert [e.unique_id for e in read.entries] == [unique_id]
    assert (uow.audit.entries[-1].object_type, uow.audit.entries[-1].detail) == ("dmp", "liste DMP 1 document(s)")


def test_a_student_does_not_read_the_dmp() -> None:
    uow, (dmp, _) = world(), fed_dmp()

    with pytest.raises(PermissionDenied):
        reading.patient_dmp(patient(uow).id, uow=uow, operator=STUDENT, dmp=dmp, now=NOW)


def test_without_a_qualified_identity_the_dmp_is_not_asked() -> None:
    uow, dmp = world(), FakeDmp(down=True)

    read = reading.patient_dmp(patient(uow, status="VALI").id, uow=uow, operator=PHARMACIST, dmp=dmp, now=NOW)

    assert read.entries == [] and "Identité non qualifiée" in read.problem


def test_a_dmp_down_is_said_in_french() -> None:
    uow, dmp = world(), FakeDmp(down=True)

    read = reading.patient_dmp(patient(uow).id, uow=uow, operator=PHARMACIST, dmp=dmp, now=NOW)

    assert read.problem == reading.DOWN and "réessayez" in uow.audit.entries[-1].detail


def test_the_patients_opposition_shows_nothing_but_the_reason() -> None:
    uow, (dmp, _) = world(), fed_dmp()
    dmp.block(GENE.matricule, dmp.rpps)

    read = reading.patient_dmp(patient(uow).id, uow=uow, operator=PHARMACIST, dmp=dmp, now=NOW)

    assert read.entries == [] and "opposé" in read.problem


def test_a_document_opened_is_rendered_and_audited() -> None:
    uow, (dmp, unique_id) = world(), fed_dmp()

    opened = reading.open_document(patient(uow).id, unique_id, uow=uow, operator=PHARMACIST, dmp=dmp, now=NOW)

    assert "Médicaments délivrés" in opened.html and not opened.has_pdf
    assert uow.audit.entries[-1].detail.startswith(f"ouverture document DMP {unique_id}")


def test_a_document_of_another_patient_is_not_opened_from_this_page() -> None:
    uow, dmp = world(), FakeDmp()
    other = dmp.submit(kit_document("eDISP-MED_2024.01.xml", patient=GENE)).unique_id
    row = patient(uow)
    row.nir = NIA_PATIENT.matricule

    with pytest.raises(NotFound):
        reading.open_document(row.id, other, uow=uow, operator=PHARMACIST, dmp=dmp, now=NOW)


def test_opening_while_the_dmp_is_down_is_a_french_error() -> None:
    uow, (dmp, unique_id) = world(), fed_dmp()
    dmp.down = True

    with pytest.raises(ExternalServiceError, match="ne répond pas"):
        reading.open_document(patient(uow).id, unique_id, uow=uow, operator=PHARMACIST, dmp=dmp, now=NOW)


def test_a_niveau_1_document_offers_its_pdf() -> None:
    uow, dmp = world(), FakeDmp()
    unique_id = dmp.submit(kit_document("DOC_NON_STRUCTURE_CDA-R2-N1.xml", patient=GENE)).unique_id
    row = patient(uow)

    opened = reading.open_document(row.id, unique_id, uow=uow, operator=PHARMACIST, dmp=dmp, now=NOW)
    pdf = reading.document_pdf(row.id, unique_id, uow=uow, operator=PHARMACIST, dmp=dmp, now=NOW)

    assert opened.has_pdf and pdf.startswith(b"%PDF")


def test_a_structured_document_has_no_pdf() -> None:
    uow, (dmp, unique_id) = world(), fed_dmp()

    with pytest.raises(RuleViolation, match="pas de PDF"):
        reading.document_pdf(patient(uow).id, unique_id, uow=uow, operator=PHARMACIST, dmp=dmp, now=NOW)
