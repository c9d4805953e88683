"""The CDA header every document of ours shares (CI-SIS "modèles de contenus", SPEC §5.2–5.3).

Choices where the SPEC leaves room, each kept conformant to ../shared/cda-kit:
- the author, the legal authenticator and the performer are the pharmacist (`8` + RPPS, G15), the
  custodian and the represented organisation the pharmacy (`1` + FINESS, idNat_Struct, SPEC §3.1);
- patient names follow the INS rules of the ANS's VAC-NOTE example: birth name and birth first names
  qualified `BR`, then the used name and first name qualified `CL`;
- the CDA header has one `confidentialityCode` (CDA R2): the HL7 level `N`, and the patient's DMP masks
  (SPEC §5.3, JDV_J08) as its translations; the XDS metadata repeat them as separate codes. [U: the
  CI-SIS puts the masks in the XDS metadata; the translations keep them in the document the kit accepts.]
"""

from __future__ import annotations

from dataclasses import dataclass

from comptoir.cda.elements import (
    G15,
    LOINC,
    PS_ID,
    STRUCTURE_ID,
    Element,
    add,
    address,
    coded,
    day,
    instant,
    person_name,
    root,
    template_ids,
)
from comptoir.cda.model import Confidentiality, Header, Patient, Pharmacy, Professional

HL7_FRANCE = "2.16.840.1.113883.2.8.2.1"
CI_SIS = "1.2.250.1.213.1.1.1.1"
CONFIDENTIALITY = "2.16.840.1.113883.5.25"
DMP_MASKS = "1.2.250.1.213.1.1.4.13"
ACTIVITY_SECTOR = "1.2.250.1.71.4.2.4"
PRACTICE_SETTING = "1.2.250.1.213.1.1.4.9"

PROFESSIONS = {
    "pharmacien": ("G15_21", "Pharmacien"),
    "medecin": ("G15_10", "Médecin"),
    "médecin": ("G15_10", "Médecin"),
    "infirmier": ("G15_60", "Infirmier"),
    "sage-femme": ("G15_50", "Sage-Femme"),
    "chirurgien-dentiste": ("G15_40", "Chirurgien-Dentiste"),
}
"""TRE_G15 professions (SPEC §0.1); an unknown role is written as a pharmacist's, the only author we have."""

SEXES = {"M": ("M", "Masculin"), "F": ("F", "Féminin"), "U": ("UN", "Inconnu")}
"""JDV_HL7_AdministrativeGender_CISIS: an unknown sex is `UN`."""

MASKS = {
    Confidentiality.MASKED_FROM_PROFESSIONALS: "Masqué aux professionnels de santé",
    Confidentiality.INVISIBLE_TO_PATIENT: "Non visible par le patient",
    Confidentiality.INVISIBLE_TO_LEGAL_REPRESENTATIVES: "Non visible par les représentants légaux du patient",
}


@dataclass(frozen=True, slots=True)
class DocumentKind:
    """What tells one model from another in the header."""

    templates: tuple[str, ...]
    """Template roots written after HL7 France's and the CI-SIS's (IHE profiles), before the model's."""
    code: str
    display: str
    title: str
    model: tuple[str, str] | None = None
    """The CI-SIS model's template root and version (`templateId/@extension`)."""


def ps_id(rpps: str) -> str:
    return f"8{rpps}"


def structure_id(finess: str) -> str:
    return f"1{finess}"


def profession(role: str) -> tuple[str, str]:
    return PROFESSIONS.get(role.strip().lower(), PROFESSIONS["pharmacien"])


def start(header: Header, kind: DocumentKind) -> Element:
    """`ClinicalDocument` with its identification, the patient, the author, the custodian and the signer."""
    document = root("ClinicalDocument")
    add(document, "realmCode", code="FR")
    add(document, "typeId", root="2.16.840.1.113883.1.3", extension="POCD_HD000040")
    template_ids(document, HL7_FRANCE, CI_SIS, *kind.templates)
    if kind.model:
        add(document, "templateId", root=kind.model[0], extension=kind.model[1])
    add(document, "id", root=header.document_id)
    coded(document, "code", kind.code, LOINC, kind.display, codeSystemName="LOINC")
    add(document, "title", header.title or kind.title)
    add(document, "effectiveTime", value=instant(header.at))
    _confidentiality(document, header.confidentiality)
    add(document, "languageCode", code="fr-FR")
    add(document, "setId", root=header.set_id)
    add(document, "versionNumber", value=str(header.version))
    _record_target(document, header.patient)
    _author(document, header)
    _custodian(document, header.pharmacy)
    _legal_authenticator(document, header)
    return document


def _confidentiality(document: Element, masks: tuple[Confidentiality, ...]) -> None:
    level = coded(document, "confidentialityCode", "N", CONFIDENTIALITY, "Normal")
    for mask in dict.fromkeys(masks):
        coded(level, "translation", mask.value, DMP_MASKS, MASKS[mask])


def _record_target(document: Element, patient: Patient) -> None:
    role = add(add(document, "recordTarget"), "patientRole")
    add(role, "id", root=patient.ins_oid, extension=patient.ins)
    add(role, "addr", nullFlavor="NASK")
    add(role, "telecom", nullFlavor="NASK")
    person = add(role, "patient", classCode="PSN")
    _patient_name(person, patient)
    code, display = SEXES.get(patient.sex.upper(), SEXES["U"])
    coded(person, "administrativeGenderCode", code, "2.16.840.1.113883.5.1", display)
    add(person, "birthTime", value=day(patient.birth_date))


def _patient_name(person: Element, patient: Patient) -> None:
    name = add(person, "name")
    first = patient.first_names[0] if patient.first_names else ""
    add(name, "family", patient.birth_name or patient.last_name, qualifier="BR")
    if patient.first_names:
        add(name, "given", " ".join(patient.first_names))
        add(name, "given", first, qualifier="BR")
    add(name, "family", patient.last_name or patient.birth_name, qualifier="CL")
    if first:
        add(name, "given", first, qualifier="CL")


def _author(document: Element, header: Header) -> None:
    author = add(document, "author")
    add(author, "time", value=instant(header.at))
    assigned = add(author, "assignedAuthor", classCode="ASSIGNED")
    professional_identity(assigned, header.author, header.pharmacy, person_tag="assignedPerson")
    organisation(assigned, header.pharmacy, tag="representedOrganization")


def professional_identity(parent: Element, who: Professional, where: Pharmacy | None, *, person_tag: str) -> None:
    """id, profession, address and telecom, name: the common start of an assigned author or entity."""
    add(parent, "id", root=PS_ID, extension=ps_id(who.rpps))
    code, display = profession(who.role)
    coded(parent, "code", code, G15, display)
    if where is not None:
        address(parent, where.address.street, where.address.postal_code, where.address.city)
        _telecom(parent, where)
    person_name(add(parent, person_tag), who.last_name, who.first_name)


def organisation(parent: Element, pharmacy: Pharmacy, *, tag: str) -> Element:
    org = add(parent, tag)
    add(org, "id", root=STRUCTURE_ID, extension=structure_id(pharmacy.finess))
    add(org, "name", pharmacy.name)
    _telecom(org, pharmacy)
    address(org, pharmacy.address.street, pharmacy.address.postal_code, pharmacy.address.city)
    if tag != "representedCustodianOrganization":
        coded(org, "standardIndustryClassCode", "AMBULATOIRE", PRACTICE_SETTING, "Ambulatoire")
    return org


def _telecom(parent: Element, pharmacy: Pharmacy) -> None:
    if pharmacy.telephone:
        add(parent, "telecom", value=f"tel:{pharmacy.telephone.replace(' ', '')}", use="WP")
    else:
        add(parent, "telecom", nullFlavor="NASK")


def _custodian(document: Element, pharmacy: Pharmacy) -> None:
    custodian = add(add(document, "custodian"), "assignedCustodian")
    organisation(custodian, pharmacy, tag="representedCustodianOrganization")


def _legal_authenticator(document: Element, header: Header) -> None:
    signer = add(document, "legalAuthenticator")
    add(signer, "time", value=instant(header.at))
    add(signer, "signatureCode", code="S")
    entity = add(signer, "assignedEntity")
    professional_identity(entity, header.author, header.pharmacy, person_tag="assignedPerson")
    organisation(entity, header.pharmacy, tag="representedOrganization")


def service_event(document: Element, header: Header, kind: DocumentKind, *, event_id: str = "") -> Element:
    """`documentationOf/serviceEvent`: the act, when, and the pharmacist who performed it."""
    event = add(add(document, "documentationOf"), "serviceEvent", classCode="ACT")
    if event_id:
        add(event, "id", root=event_id)
    coded(event, "code", kind.code, LOINC, kind.display, codeSystemName="LOINC")
    add(add(event, "effectiveTime"), "low", value=instant(header.at))
    performer = add(event, "performer", typeCode="PRF")
    entity = add(performer, "assignedEntity")
    professional_identity(entity, header.author, header.pharmacy, person_tag="assignedPerson")
    organisation(entity, header.pharmacy, tag="representedOrganization")
    return event


def encounter(document: Element, header: Header) -> None:
    """`componentOf`: the visit at the pharmacy's counter (ambulatory, sector SA33 pharmacie d'officine)."""
    meeting = add(add(document, "componentOf"), "encompassingEncounter")
    coded(meeting, "code", "AMB", "2.16.840.1.113883.5.4", "Ambulatoire (hors établissement)")
    add(add(meeting, "effectiveTime"), "low", value=instant(header.at))
    facility = add(add(meeting, "location"), "healthCareFacility")
    add(facility, "id", root=STRUCTURE_ID, extension=structure_id(header.pharmacy.finess))
    coded(facility, "code", "SA33", ACTIVITY_SECTOR, "Pharmacie d'officine")


def body(document: Element) -> Element:
    """`component/structuredBody`."""
    return add(add(document, "component"), "structuredBody")


__all__ = ["DocumentKind", "body", "encounter", "organisation", "professional_identity", "ps_id",
           "service_event", "start", "structure_id"]
