"""The XDS DocumentEntry metadata a CDA header gives (SPEC §5.4, the ANS annex "lien entre l'en-tête CDA et les
métadonnées XDS"): what the DMP indexes a document by, read from the document itself.

- uniqueId = `id` (root, or root^extension), setId and versionNumber as written;
- the patient: the `recordTarget/patientRole/id` whose root is an INS OID (SPEC §0.1), and the INS traits of
  SPEC §1.2 (birth name `family[@qualifier='BR']`, the unqualified `given` list, birth date, sex);
- typeCode and formatCode (SPEC §5.1, §5.2): the CI-SIS model declared in `templateId` decides them — eDISP-MED
  60593-1 / `urn:ihe:pharm:dis:2010`, VAC-NOTE 87273-9 / `urn:asip:ci-sis:vac-note:2021`, eP-MED-DM 57833-6 /
  `urn:ihe:pharm:pre:2010`; a level-1 document (XDS-SD, `nonXMLBody`) keeps its own `code` and takes the XDS-SD
  format of its media type (`urn:ihe:iti:xds-sd:pdf:2008`, `…:text:2008`);
- classCode (JDV_J57-ClassCode-DMP: 10 compte rendu, 11 synthèse, 42 prescription, 43 dispensation, 45 traitement
  administré). [U] The ANS table from type to class (ASS_X04) was not read: prescriptions 42, dispensations 43,
  vaccination notes 45, vaccination histories 11, every other type 10 is the most plausible reading;
- confidentiality: every `confidentialityCode` of the header (the HL7 level, then any DMP mask);
- the author: the first `author` that is a person (the DP as a device is skipped), its idNat_PS read as an RPPS
  (`8` + RPPS), its name, and its structure's idNat_Struct as written;
- healthcareFacilityTypeCode (J02, `SA33` pharmacie d'officine), creationTime (`effectiveTime`), serviceStart
  (`documentationOf/serviceEvent/effectiveTime/low`), title, language.

Pure: lxml only. A document that is not a CDA, or has no INS, raises `ValueError` with a French message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from lxml import etree

NS = {"h": "urn:hl7-org:v3"}
INS_OIDS = {
    "1.2.250.1.213.1.4.8": "INS-NIR",
    "1.2.250.1.213.1.4.9": "INS-NIA",
    "1.2.250.1.213.1.4.10": "INS-NIR de test",
    "1.2.250.1.213.1.4.11": "INS-NIR de démonstration",
}
INS_NIR_OIDS = frozenset({"1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.10", "1.2.250.1.213.1.4.11"})
PS_ROOT = "1.2.250.1.71.4.2.1"
STRUCTURE_ROOT = "1.2.250.1.71.4.2.2"
XDS_SD_TEMPLATE = "1.3.6.1.4.1.19376.1.2.20"
PARIS = ZoneInfo("Europe/Paris")

# The CI-SIS models a pharmacy sends, by templateId: (typeCode, label, formatCode) — SPEC §5.1, §5.2.
MODELS = {
    "1.2.250.1.213.1.1.1.54": ("60593-1", "Dispensation médicamenteuse", "urn:ihe:pharm:dis:2010"),
    "1.2.250.1.213.1.1.1.46": ("87273-9", "Note de vaccination", "urn:asip:ci-sis:vac-note:2021"),
    "1.2.250.1.213.1.1.1.39": ("57833-6", "Prescription de produits de santé", "urn:ihe:pharm:pre:2010"),
}
LEVEL_1_FORMATS = {"application/pdf": "urn:ihe:iti:xds-sd:pdf:2008", "text/plain": "urn:ihe:iti:xds-sd:text:2008"}
CLASSES = {"10": "Compte rendu", "11": "Synthèse", "42": "Prescription", "43": "Dispensation",
           "45": "Traitement administré"}
CLASS_OF_TYPE = {"57833-6": "42", "57828-6": "42", "75468-9": "42", "60593-1": "43", "DISP_AUT": "43",
                 "87273-9": "45", "11369-6": "11"}


@dataclass(frozen=True, slots=True)
class EntryFacts:
    unique_id: str
    set_id: str
    version: int
    patient_ins: str
    patient_ins_oid: str
    patient_birth_name: str
    patient_given_names: str
    """The birth first names, space separated (SPEC §1.2)."""
    patient_birth_date: date | None
    patient_sex: str
    class_code: str
    class_label: str
    type_code: str
    type_label: str
    format_code: str
    confidentiality: tuple[str, ...]
    author_rpps: str
    author_name: str
    author_structure: str
    author_structure_name: str
    healthcare_facility_type: str
    creation_time: datetime
    service_start: datetime | None
    title: str
    language: str


def entry_facts(xml: bytes) -> EntryFacts:
    root = _parse(xml)
    type_code, type_label, format_code = _kind(root)
    class_code = CLASS_OF_TYPE.get(type_code, "10")
    ins, oid = _ins(root)
    author = _author(root)
    return EntryFacts(
        unique_id=_identifier(root.find("h:id", NS)), set_id=_identifier(root.find("h:setId", NS)),
        version=_version(root), patient_ins=ins, patient_ins_oid=oid,
        patient_birth_name=_text(root, "h:recordTarget/h:patientRole/h:patient/h:name/h:family[@qualifier='BR']"),
        patient_given_names=_given_names(root),
        patient_birth_date=_birth_date(root), patient_sex=_attribute(root, _PATIENT + "h:administrativeGenderCode"),
        class_code=class_code, class_label=CLASSES[class_code], type_code=type_code, type_label=type_label,
        format_code=format_code, confidentiality=_confidentiality(root),
        author_rpps=_rpps(_attribute(author, f"h:assignedAuthor/h:id[@root='{PS_ROOT}']", "extension")),
        author_name=_person_name(author.find("h:assignedAuthor/h:assignedPerson/h:name", NS)),
        author_structure=_attribute(author, _ORGANIZATION + f"h:id[@root='{STRUCTURE_ROOT}']", "extension"),
        author_structure_name=_text(author, _ORGANIZATION + "h:name"),
        healthcare_facility_type=_attribute(
            root, "h:componentOf/h:encompassingEncounter/h:location/h:healthCareFacility/h:code"),
        creation_time=_required_time(root), service_start=_time(
            _attribute(root, "h:documentationOf/h:serviceEvent/h:effectiveTime/h:low", "value")),
        title=_text(root, "h:title"), language=_attribute(root, "h:languageCode"))


_PATIENT = "h:recordTarget/h:patientRole/h:patient/"
_ORGANIZATION = "h:assignedAuthor/h:representedOrganization/"


def _parse(xml: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"Document illisible : ce n'est pas un XML bien formé ({exc.msg}).") from exc
    if root.tag != "{urn:hl7-org:v3}ClinicalDocument":
        raise ValueError("Ce document n'est pas un CDA R2 (élément racine ClinicalDocument de l'espace urn:hl7-org:v3 "
                         "attendu).")
    ident = root.find("h:id", NS)
    if ident is None or not ident.get("root"):
        raise ValueError("Document CDA sans identifiant (id/@root).")
    return root


def _kind(root: etree._Element) -> tuple[str, str, str]:
    templates = [t.get("root", "") for t in root.findall("h:templateId", NS)]
    for template in templates:
        if template in MODELS:
            return MODELS[template]
    code = root.find("h:code", NS)
    if code is None or not code.get("code"):
        raise ValueError("Document CDA sans type (élément code de l'en-tête).")
    media = _attribute(root, "h:component/h:nonXMLBody/h:text", "mediaType")
    if XDS_SD_TEMPLATE not in templates and not media:
        raise ValueError("Modèle de document CDA non reconnu : ni un modèle structuré pris en charge (eDISP-MED, "
                         "VAC-NOTE, eP-MED-DM) ni un document de niveau 1 (XDS-SD).")
    if media not in LEVEL_1_FORMATS:
        raise ValueError(f"Document de niveau 1 au format non pris en charge : « {media or 'inconnu'} » (PDF ou "
                         "texte attendu).")
    return code.get("code", ""), code.get("displayName", ""), LEVEL_1_FORMATS[media]


def _ins(root: etree._Element) -> tuple[str, str]:
    for ident in root.findall("h:recordTarget/h:patientRole/h:id", NS):
        if ident.get("root") in INS_OIDS and ident.get("extension"):
            return ident.get("extension", ""), ident.get("root", "")
    raise ValueError("Document sans INS du patient : un document partagé dans le DMP doit porter le matricule INS "
                     "(recordTarget/patientRole/id avec l'OID de l'INS).")


def _author(root: etree._Element) -> etree._Element:
    authors = root.findall("h:author", NS)
    if not authors:
        raise ValueError("Document CDA sans auteur.")
    people = [a for a in authors if a.find("h:assignedAuthor/h:assignedPerson", NS) is not None]
    return (people or authors)[0]


def _rpps(national_id: str) -> str:
    """idNat_PS is `8` + RPPS (SPEC §0.1); another kind (an ADELI, a device) is kept as written."""
    return national_id[1:] if len(national_id) == 12 and national_id.startswith("8") else national_id


def _identifier(element: etree._Element | None) -> str:
    if element is None or not element.get("root"):
        return ""
    extension = element.get("extension")
    return f"{element.get('root')}^{extension}" if extension else element.get("root", "")


def _version(root: etree._Element) -> int:
    value = _attribute(root, "h:versionNumber", "value") or "1"
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"Numéro de version du document invalide : « {value} ».")
    return int(value)


def _confidentiality(root: etree._Element) -> tuple[str, ...]:
    codes = [c.get("code", "") for c in root.findall("h:confidentialityCode", NS)]
    return tuple(dict.fromkeys(c for c in codes if c))


def _birth_date(root: etree._Element) -> date | None:
    moment = _time(_attribute(root, _PATIENT + "h:birthTime", "value"))
    return moment.date() if moment else None


def _required_time(root: etree._Element) -> datetime:
    moment = _time(_attribute(root, "h:effectiveTime", "value"))
    if moment is None:
        raise ValueError("Document CDA sans date de création (effectiveTime).")
    return moment


_TS = re.compile(r"^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?(?:([+-])(\d{2})(\d{2}))?$")


def _time(value: str) -> datetime | None:
    """An HL7 TS (`20241225093000+0100`, `19790328`); without a zone, the time of mainland France."""
    found = _TS.match(value.strip())
    if found is None:
        return None
    year, month, day, hour, minute, second, sign, zone_h, zone_m = found.groups()
    zone: timezone | ZoneInfo = PARIS
    if sign:
        offset = timedelta(hours=int(zone_h), minutes=int(zone_m))
        zone = timezone(offset if sign == "+" else -offset)
    try:
        return datetime(int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0),
                        int(second or 0), tzinfo=zone)
    except ValueError:
        return None


def _given_names(root: etree._Element) -> str:
    """The full list (unqualified `given`), or the first birth first name when the list is missing."""
    names = root.findall(_PATIENT + "h:name/h:given", NS)
    listed = [g for g in names if not g.get("qualifier")] or [g for g in names if g.get("qualifier") == "BR"]
    return (listed[0].text or "").strip() if listed else ""


def _person_name(name: etree._Element | None) -> str:
    if name is None:
        return ""
    given = [g.text.strip() for g in name.findall("h:given", NS) if g.text]
    family = [f.text.strip() for f in name.findall("h:family", NS) if f.text]
    return " ".join([*given, *family[:1]])


def _text(element: etree._Element, path: str) -> str:
    found = element.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def _attribute(element: etree._Element, path: str, name: str = "code") -> str:
    found = element.find(path, NS)
    return (found.get(name) or "").strip() if found is not None else ""
