"""eDISP-MED_2024.01 documents built from varied dispensations pass the ANS kit, and say what was dispensed."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from comptoir.cda.dispensation import build_dispensation
from comptoir.cda.model import Confidentiality, DispensedLine, Patient, Product
from tests.unit.cda import builders as b
from tests.unit.cda.kit import Kit

MODEL = "eDISP-MED_2024.01"
NS = {"h": "urn:hl7-org:v3", "pharm": "urn:ihe:pharm:medication"}


def test_a_prescribed_line_conforms_and_points_to_its_prescription(kit: Kit) -> None:
    xml = build_dispensation(b.dispensation(b.line(prescription_line=2)))

    tree = etree.fromstring(xml)
    assert kit.failures(xml, MODEL) == []
    assert tree.xpath("string(h:inFulfillmentOf/h:order/h:id/@extension)", namespaces=NS) == "202602101630451208"
    assert tree.xpath("string(//h:supply//h:entryRelationship[@typeCode='REFR']//h:id/@extension)",
                      namespaces=NS) == "202602101630451208-2"


def test_a_sale_without_prescription_conforms_and_refers_to_none(kit: Kit) -> None:
    xml = build_dispensation(b.dispensation(b.line(prescription_line=None, posology=""), with_prescription=False))

    tree = etree.fromstring(xml)
    assert kit.failures(xml, MODEL) == []
    assert tree.xpath("count(//h:inFulfillmentOf | //h:entryRelationship[@typeCode='REFR'])", namespaces=NS) == 0


def test_eight_lines_each_with_its_box_quantity_and_codes(kit: Kit) -> None:
    lines = [b.line(b.DOLIPRANE if n % 2 else b.BISOPROLOL, boxes=n, prescription_line=n) for n in range(1, 9)]

    xml = build_dispensation(b.dispensation(*lines))

    tree = etree.fromstring(xml)
    assert kit.failures(xml, MODEL) == []
    assert tree.xpath("//h:supply/h:quantity/@value", namespaces=NS) == [str(n) for n in range(1, 9)]
    assert set(tree.xpath("//h:supply/h:quantity/@unit", namespaces=NS)) == {"30009000"}
    assert tree.xpath("//h:supply[1]//h:manufacturedMaterial/h:code/@code", namespaces=NS)[0] == "60234100"
    assert tree.xpath("//h:supply[1]//pharm:capacityQuantity/@value", namespaces=NS)[0] == "8"


def test_the_substitution_act_is_there_only_for_a_substituted_line(kit: Kit) -> None:
    xml = build_dispensation(b.dispensation(b.line(substituted=True), b.line(b.DOLIPRANE, substituted=False)))

    tree = etree.fromstring(xml)
    substitutions = "h:entryRelationship/h:act[h:templateId/@root='1.2.250.1.213.1.1.3.206']/h:code/@code"
    assert kit.failures(xml, MODEL) == []
    assert [s.xpath(substitutions, namespaces=NS) for s in tree.xpath("//h:supply", namespaces=NS)] == [["G"], []]


def test_accents_notes_and_the_patients_masks_conform(kit: Kit) -> None:
    patient = b.patient(last_name="DUBOIS-LEFÈVRE", birth_name="ÉLÉONORE", first_names=("Hélène", "Zoé"))
    line = b.line(note="Conseillé : prise au réveil, à jeun <important>", posology="½ comprimé matin & soir")

    xml = build_dispensation(b.dispensation(line, patient=patient, masks=tuple(Confidentiality)))

    tree = etree.fromstring(xml)
    assert kit.failures(xml, MODEL) == []
    assert tree.xpath("//h:confidentialityCode/@code", namespaces=NS) == ["N"]
    assert tree.xpath("//h:confidentialityCode/h:translation/@code", namespaces=NS) == [
        "MASQUE_PS", "INVISIBLE_PATIENT", "INVISIBLE_REPRESENTANTS_LEGAUX"]
    assert "à jeun <important>" in "".join(tree.xpath("//h:content[@ID='line-1-note']/text()", namespaces=NS))


def test_a_minor_of_unknown_sex_with_no_first_name_conforms(kit: Kit) -> None:
    minor = b.patient(sex="U", birth_date=date(2019, 4, 3), first_names=())

    xml = build_dispensation(b.dispensation(patient=minor))

    assert kit.failures(xml, MODEL) == []
    assert etree.fromstring(xml).xpath("string(//h:administrativeGenderCode/@code)", namespaces=NS) == "UN"


def test_the_author_is_the_pharmacist_and_the_custodian_the_pharmacy() -> None:
    tree = etree.fromstring(build_dispensation(b.dispensation()))

    assert tree.xpath("string(h:author/h:assignedAuthor/h:id/@extension)", namespaces=NS) == "810005551238"
    assert tree.xpath("string(h:author/h:assignedAuthor/h:code/@code)", namespaces=NS) == "G15_21"
    assert tree.xpath("string(//h:representedCustodianOrganization/h:id/@extension)", namespaces=NS) == "1690004569"
    assert tree.xpath("string(//h:healthCareFacility/h:code/@code)", namespaces=NS) == "SA33"
    assert tree.xpath("string(h:recordTarget/h:patientRole/h:id/@root)", namespaces=NS) == "1.2.250.1.213.1.4.10"


names = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1, max_size=40).filter(
    str.strip)
products = st.builds(Product, cip13=st.from_regex(r"34009\d{8}", fullmatch=True), name=names,
                     cis=st.one_of(st.just(""), st.from_regex(r"6\d{7}", fullmatch=True)), form=st.just("comprimé"),
                     units_per_box=st.one_of(st.none(), st.integers(1, 500)), unit=st.sampled_from(["", "gélule"]))
lines = st.builds(DispensedLine, product=products, boxes=st.integers(1, 12), posology=st.one_of(st.just(""), names),
                  substituted=st.booleans(), prescription_line=st.one_of(st.none(), st.integers(1, 20)),
                  note=st.one_of(st.just(""), names))


patients = st.builds(b.patient, last_name=names, birth_name=names, first_names=st.lists(names, max_size=3).map(tuple),
                     sex=st.sampled_from(["M", "F", "U"]), birth_date=st.dates(date(1900, 1, 1), date(2026, 2, 1)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(lines, min_size=1, max_size=8), with_prescription=st.booleans(), patient=patients,
       masks=st.lists(st.sampled_from(list(Confidentiality)), unique=True).map(tuple))
def test_every_generated_dispensation_conforms(kit: Kit, lines: list[DispensedLine], with_prescription: bool,
                                               patient: Patient, masks: tuple[Confidentiality, ...]) -> None:
    d = b.dispensation(*lines, with_prescription=with_prescription, patient=patient, masks=masks)

    assert kit.failures(build_dispensation(d), MODEL) == []
