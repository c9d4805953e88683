"""Writing HL7 CDA R2 elements with lxml: the namespaces, one `add` for every element, the HL7 forms of
dates, identifiers and codes (CI-SIS header conventions, SPEC §0.1 and §5.2)."""

from __future__ import annotations

from datetime import date, datetime

from lxml import etree
from lxml.etree import _Element as Element

HL7 = "urn:hl7-org:v3"
PHARM = "urn:ihe:pharm:medication"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {None: HL7, "pharm": PHARM, "xsi": XSI}
XSI_TYPE = f"{{{XSI}}}type"

LOINC = "2.16.840.1.113883.6.1"
PS_ID = "1.2.250.1.71.4.2.1"
"""idNat_PS: `8` + RPPS for a professional of the RPPS (SPEC §3.1)."""
STRUCTURE_ID = "1.2.250.1.71.4.2.2"
"""idNat_Struct: `1` + FINESS for an establishment, a pharmacy included (SPEC §3.1)."""
G15 = "1.2.250.1.213.1.1.4.5"
CIS = "1.2.250.1.213.2.3.1"
CIP = "1.2.250.1.213.2.3.2"
EDQM = "0.4.0.127.0.16.1.1.2.1"


def root(tag: str) -> Element:
    element: Element = etree.Element(f"{{{HL7}}}{tag}", nsmap=NSMAP)
    return element


def add(parent: Element, tag: str, text: str | None = None, **attributes: str | None) -> Element:
    """A child in the HL7 namespace (`pharm:x` in IHE's pharmacy one); attributes left None are not written."""
    written = {_ATTRIBUTES.get(name, name): value for name, value in attributes.items() if value is not None}
    element: Element = etree.SubElement(parent, _TAGS.get(tag) or _clark(tag), written)
    if text is not None:
        element.text = text
    return element


_TAGS: dict[str, str] = {}
_ATTRIBUTES = {"xsi_type": XSI_TYPE}


def _clark(tag: str) -> str:
    prefix, _, local = tag.rpartition(":")
    _TAGS[tag] = f"{{{PHARM if prefix == 'pharm' else HL7}}}{local}"
    return _TAGS[tag]


def instant(at: datetime) -> str:
    """`20260211162000+0100`: HL7 TS to the second with its offset (the CI-SIS wants the offset)."""
    return at.strftime("%Y%m%d%H%M%S%z")


def day(on: date) -> str:
    return on.strftime("%Y%m%d")


def coded(parent: Element, tag: str, code: str, system: str, display: str = "", **extra: str | None) -> Element:
    return add(parent, tag, code=code, codeSystem=system, displayName=display or None, **extra)


def template_ids(parent: Element, *roots: str) -> None:
    for template in roots:
        add(parent, "templateId", root=template)


def person_name(parent: Element, last_name: str, first_name: str) -> Element:
    name = add(parent, "name")
    add(name, "family", last_name)
    if first_name:
        add(name, "given", first_name)
    return name


def address(parent: Element, street: str, postal_code: str, city: str) -> Element:
    """An `addr`; a place with no known part is `nullFlavor="UNK"` (the CI-SIS wants the element)."""
    if not (street or postal_code or city):
        return add(parent, "addr", nullFlavor="UNK")
    addr = add(parent, "addr")
    if street:
        add(addr, "streetAddressLine", street)
    if postal_code:
        add(addr, "postalCode", postal_code)
    if city:
        add(addr, "city", city)
    return addr


def serialise(document: Element) -> bytes:
    return bytes(etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True))


__all__ = ["CIP", "CIS", "EDQM", "G15", "HL7", "LOINC", "NSMAP", "PHARM", "PS_ID", "STRUCTURE_ID", "XSI", "XSI_TYPE",
           "Element", "add", "address", "coded", "day", "instant", "person_name", "root", "serialise",
           "template_ids"]
