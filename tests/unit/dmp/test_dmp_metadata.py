"""The DMP's metadata of a document, read from its CDA header (SPEC §5.4), on the ANS kit's examples."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from comptoir.cda.metadata import entry_facts
from tests.fakes.dmp import KIT, NIA_PATIENT, kit_document

pytestmark = pytest.mark.skipif(not (KIT / "examples").is_dir(), reason=f"CDA kit absent: {KIT}")


def example(name: str) -> bytes:
    return (KIT / "examples" / name).read_bytes()


def test_a_dispensation_is_indexed_as_edisp_med_with_its_pharmacist_as_author() -> None:
    facts = entry_facts(example("eDISP-MED_2024.01.xml"))

    assert (facts.type_code, facts.type_label, facts.format_code) == (
        "60593-1", "Dispensation médicamenteuse", "urn:ihe:pharm:dis:2010")
    assert (facts.class_code, facts.class_label) == ("43", "Dispensation")
    assert (facts.author_rpps, facts.author_name, facts.author_structure) == (
        "07505123456", "Pierre DELIVE", "1750512345")
    assert facts.healthcare_facility_type == "SA33"
    assert (facts.patient_ins, facts.patient_ins_oid) == ("277076322082910", "1.2.250.1.213.1.4.8")


def test_a_vaccination_note_is_indexed_as_vac_note() -> None:
    facts = entry_facts(example("VAC-NOTE_2023.01.xml"))

    assert (facts.type_code, facts.format_code, facts.class_code) == (
        "87273-9", "urn:asip:ci-sis:vac-note:2021", "45")
    assert facts.title == "NOTE DE VACCINATION"


def test_a_level_1_document_keeps_its_own_type_and_takes_the_pdf_format() -> None:
    facts = entry_facts(example("DOC_NON_STRUCTURE_CDA-R2-N1.xml"))

    assert (facts.type_code, facts.type_label, facts.format_code, facts.class_code) == (
        "11502-2", "CR d'examens biologiques", "urn:ihe:iti:xds-sd:pdf:2008", "10")


def test_ids_version_and_times_come_from_the_header() -> None:
    facts = entry_facts(example("DOC_NON_STRUCTURE_CDA-R2-N1.xml"))

    assert (facts.unique_id, facts.set_id, facts.version) == (
        "1.3.6.1.4.1.19376.1.2.20.12345.1.1", "1.3.6.1.4.1.19376.1.2.20.12345.1", 1)
    assert facts.creation_time == datetime(2021, 4, 1, 12, 47, 45, tzinfo=UTC)
    assert facts.service_start == datetime(2021, 1, 4, 12, 47, tzinfo=UTC)
    assert facts.confidentiality == ("N",)


def test_the_patient_traits_are_the_birth_ones() -> None:
    facts = entry_facts(example("VAC-NOTE_2023.01.xml"))

    assert (facts.patient_birth_name, facts.patient_given_names, facts.patient_birth_date, facts.patient_sex) == (
        "PAT-TROIS", "DOMINIQUE MARIE-LOUISE", date(1979, 3, 28), "F")
    assert facts.patient_ins_oid == "1.2.250.1.213.1.4.10"


def test_an_id_with_an_extension_is_root_caret_extension() -> None:
    document = kit_document("VAC-NOTE_2023.01.xml", document_id="1.2.250.1.999")
    text = document.replace(b'<id root="1.2.250.1.999"/>', b'<id root="1.2.250.1.999" extension="42"/>')

    assert entry_facts(text).unique_id == "1.2.250.1.999^42"


def test_a_nia_is_read_with_its_own_oid() -> None:
    facts = entry_facts(kit_document("VAC-NOTE_2023.01.xml", patient=NIA_PATIENT))

    assert facts.patient_ins_oid == "1.2.250.1.213.1.4.9"


@pytest.mark.parametrize(("document", "said"), [
    (b"pas du XML", "pas un XML bien form"),
    (b"<ClinicalDocument/>", "pas un CDA R2"),
    (b'<html xmlns="urn:hl7-org:v3"/>', "pas un CDA R2"),
])
def test_what_is_not_a_cda_is_refused_in_french(document: bytes, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        entry_facts(document)


def test_a_document_without_ins_is_refused() -> None:
    without = example("VAC-NOTE_2023.01.xml").replace(b'root="1.2.250.1.213.1.4.10"', b'root="1.2.3.4"')

    with pytest.raises(ValueError, match="sans INS du patient"):
        entry_facts(without)
