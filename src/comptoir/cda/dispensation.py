"""eDISP-MED_2024.01: the medicines dispensed at the counter, as the DMP keeps them (SPEC §4.6).

One `supply` (FR-Traitement-dispense) per line: boxes counted in EDQM `30009000`, the pack (CIS, CIP13,
name, form, capacity), the reference to the prescription line when it was prescribed, the posology
written on the box, the pharmacist's note, and the substitution act only when a generic was given.

Where the SPEC leaves room:
- the posology is the text the pharmacist writes for the patient: it goes in the narrative and in the
  FR-Instructions-au-patient entry (PINSTRUCT); the FR-Instructions-au-dosage entry is left out, the kit
  asking it for a structured duration and frequency that a free text does not give;
- a prescription is referred to by its EPU identifier (OID `1.2.250.1.215.500.1.1`, SPEC §4.3) in
  `inFulfillmentOf` and in each prescribed line; a line of it is that id and `-<line number>` [U: the EPU
  line identifier is not public];
- every line carries FR-Notes-du-dispensateur, « Aucune » when the pharmacist wrote nothing: the kit
  (E_supplyEntry_fr) refuses a supply whose relationships (prescription line, instructions, substitution)
  come without it;
- the substitution is HL7 `G` (generic), the only one a pharmacist makes at the counter (CSP L.5125-23).
"""

from __future__ import annotations

from comptoir.cda.elements import (
    G15,
    LOINC,
    PS_ID,
    Element,
    add,
    coded,
    day,
    instant,
    person_name,
    serialise,
    template_ids,
)
from comptoir.cda.header import (
    DocumentKind,
    body,
    encounter,
    profession,
    professional_identity,
    ps_id,
    service_event,
    start,
)
from comptoir.cda.ids import entry_id
from comptoir.cda.model import Dispensation, DispensedLine, Prescription, Professional
from comptoir.cda.narrative import cell, table
from comptoir.cda.products import BOX, manufactured_product

EPU = "1.2.250.1.215.500.1.1"
SUBSTITUTION = "2.16.840.1.113883.5.1070"
NO_NOTE = "Aucune"

KIND = DocumentKind(
    templates=("1.3.6.1.4.1.19376.1.5.3.1.1.1", "1.3.6.1.4.1.19376.1.9.1.1.3"),
    model=("1.2.250.1.213.1.1.1.54", "2024.01"), code="60593-1", display="Dispensation médicamenteuse",
    title="Dispensation médicamenteuse")


def build_dispensation(d: Dispensation) -> bytes:
    header = d.header
    document = start(header, KIND)
    if d.prescription is not None:
        _prescriber(document, d.prescription)
        order = add(add(document, "inFulfillmentOf"), "order")
        add(order, "id", root=EPU, extension=d.prescription.id)
    service_event(document, header, KIND, event_id=entry_id(header.document_id, "event", d.dispensation_id))
    encounter(document, header)
    _section(body(document), d)
    return serialise(document)


def _prescriber(document: Element, prescription: Prescription) -> None:
    participant = add(document, "participant", typeCode="REF")
    when = add(participant, "time", xsi_type="IVL_TS")
    add(when, "low", value=day(prescription.issued_on))
    entity = add(participant, "associatedEntity", classCode="PROV")
    _prescriber_identity(entity, prescription.prescriber, person_tag="associatedPerson")


def _prescriber_identity(parent: Element, prescriber: Professional, *, person_tag: str) -> None:
    add(parent, "id", root=PS_ID, extension=ps_id(prescriber.rpps))
    code, display = profession(prescriber.role)
    coded(parent, "code", code, G15, display)
    person_name(add(parent, person_tag), prescriber.last_name, prescriber.first_name)


def _section(structured: Element, d: Dispensation) -> None:
    section = add(add(structured, "component"), "section", classCode="DOCSECT", moodCode="EVN")
    template_ids(section, "1.3.6.1.4.1.19376.1.9.1.2.3", "2.16.840.1.113883.10.20.1.8", "1.2.250.1.213.1.1.2.236")
    add(section, "id", root=entry_id(d.header.document_id, "section"))
    coded(section, "code", "60590-7", LOINC, "Médicaments délivrés", codeSystemName="LOINC")
    add(section, "title", "Médicaments délivrés")
    _narrative(section, d.lines)
    author = add(section, "author")
    add(author, "time", value=instant(d.header.at))
    assigned = add(author, "assignedAuthor", classCode="ASSIGNED")
    professional_identity(assigned, d.header.author, d.header.pharmacy, person_tag="assignedPerson")
    for number, line in enumerate(d.lines, start=1):
        _supply(add(section, "entry"), d, line, number)


def _narrative(section: Element, lines: tuple[DispensedLine, ...]) -> None:
    rows = add(section, "text")
    body_rows = table(rows, ("Médicament", "Quantité délivrée", "Posologie", "Substitution", "Notes du dispensateur"))
    for number, line in enumerate(lines, start=1):
        row = add(body_rows, "tr")
        cell(row, line.product.name, content_id=f"line-{number}")
        cell(row, f"{line.boxes} boîte{'s' if line.boxes > 1 else ''}")
        cell(row, line.posology, content_id=f"line-{number}-posology" if line.posology else None)
        cell(row, "Substitution par un générique" if line.substituted else "",
             content_id=f"line-{number}-substitution" if line.substituted else None)
        cell(row, line.note or NO_NOTE, content_id=f"line-{number}-note")


def _supply(entry: Element, d: Dispensation, line: DispensedLine, number: int) -> None:
    supply = add(entry, "supply", classCode="SPLY", moodCode="EVN")
    template_ids(supply, "2.16.840.1.113883.10.20.1.34", "1.3.6.1.4.1.19376.1.5.3.1.4.7.3",
                 "1.3.6.1.4.1.19376.1.9.1.3.4", "1.2.250.1.213.1.1.3.204")
    add(supply, "id", root=entry_id(d.header.document_id, "line", number))
    add(add(supply, "text"), "reference", value=f"#line-{number}")
    add(supply, "quantity", value=str(line.boxes), unit=BOX[0])
    manufactured_product(add(supply, "product"), line.product, text_id=f"line-{number}", lot=line.lot,
                         expiry=line.expiry)
    if d.prescription is not None and line.prescription_line is not None:
        _prescribed_item(supply, d.prescription, line.prescription_line)
    if line.posology:
        _instruction(supply, "PINSTRUCT", f"line-{number}-posology", ("2.16.840.1.113883.10.20.1.49",
                     "1.3.6.1.4.1.19376.1.5.3.1.4.3", "1.2.250.1.213.1.1.3.33"))
    _instruction(supply, "FINSTRUCT", f"line-{number}-note", ("2.16.840.1.113883.10.20.1.43",
                 "1.3.6.1.4.1.19376.1.5.3.1.4.3.1", "1.2.250.1.213.1.1.3.207"))
    if line.substituted:
        _substitution(supply, number)


def _prescribed_item(supply: Element, prescription: Prescription, line_number: int) -> None:
    item = add(add(supply, "entryRelationship", typeCode="REFR", inversionInd="false"), "substanceAdministration",
               classCode="SBADM", moodCode="INT")
    template_ids(item, "1.3.6.1.4.1.19376.1.9.1.3.11", "1.2.250.1.213.1.1.3.90")
    add(item, "id", root=EPU, extension=f"{prescription.id}-{line_number}")
    coded(item, "code", "PREItem", "1.3.6.1.4.1.19376.1.9.2.2", "Prescription Item",
          codeSystemName="IHE Pharmacy Item Type List")
    material = add(add(add(item, "consumable"), "manufacturedProduct"), "manufacturedMaterial", nullFlavor="NA")
    add(material, "name", nullFlavor="NA")
    author = add(item, "author")
    add(author, "time", value=day(prescription.issued_on))
    _prescriber_identity(add(author, "assignedAuthor", classCode="ASSIGNED"), prescription.prescriber,
                         person_tag="assignedPerson")
    document = add(add(item, "reference", typeCode="XCRPT"), "externalDocument")
    add(document, "id", root=EPU, extension=prescription.id)


def _instruction(supply: Element, code: str, text_id: str, templates: tuple[str, ...]) -> None:
    act = add(add(supply, "entryRelationship", typeCode="SUBJ", inversionInd="true"), "act", classCode="ACT",
              moodCode="INT")
    template_ids(act, *templates)
    coded(act, "code", code, "1.3.6.1.4.1.19376.1.5.3.2", codeSystemName="IHEActCode")
    add(add(act, "text"), "reference", value=f"#{text_id}")
    add(act, "statusCode", code="completed")


def _substitution(supply: Element, number: int) -> None:
    act = add(add(supply, "entryRelationship", typeCode="COMP"), "act", classCode="ACT", moodCode="EVN")
    template_ids(act, "1.3.6.1.4.1.19376.1.9.1.3.9.2", "1.2.250.1.213.1.1.3.206")
    code = coded(act, "code", "G", SUBSTITUTION, "Substitution par un générique",
                 codeSystemName="HL7_substanceAdminSubstitution")
    add(add(code, "originalText"), "reference", value=f"#line-{number}-substitution")
    add(act, "statusCode", code="completed")


__all__ = ["KIND", "build_dispensation"]
