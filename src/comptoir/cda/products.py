"""A pack of the drug reference as a CDA `manufacturedProduct` (CI-SIS FR-Produit-de-sante, IHE PHARM
Medicine Entry): CIS code with the CIP13 as translation, name, form, lot, expiry, and the box with its capacity.

The BDPM gives the pharmaceutical form as French text, not its EDQM code: the form is written as
`formCode nullFlavor="OTH"` with that text, the box (`30009000` boîte, EDQM) with its count of units.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from comptoir.cda.elements import CIP, CIS, EDQM, Element, add, coded, day
from comptoir.cda.model import Product

ATC = "2.16.840.1.113883.6.73"
BOX = ("30009000", "Boîte")
"""EDQM packaging unit of a dispensed quantity (SPEC §0.1)."""


def manufactured_product(parent: Element, product: Product, *, text_id: str, lot: str = "",
                         expiry: date | None = None) -> Element:
    made = add(parent, "manufacturedProduct", classCode="MANU")
    add(made, "templateId", root="2.16.840.1.113883.10.20.1.53")
    add(made, "templateId", root="1.3.6.1.4.1.19376.1.5.3.1.4.7.2")
    add(made, "templateId", root="1.2.250.1.213.1.1.3.43")
    material = add(made, "manufacturedMaterial", classCode="MMAT", determinerCode="KIND")
    add(material, "templateId", root="1.3.6.1.4.1.19376.1.9.1.3.1")
    product_code(material, product, text_id=text_id)
    add(material, "name", product.name)
    if product.form:
        form = add(material, "pharm:formCode", nullFlavor="OTH")
        add(form, "pharm:originalText", product.form)
    if lot:
        add(material, "lotNumberText", lot)
    if expiry is not None:
        add(material, "pharm:expirationTime", value=day(expiry))
    _box(material, product)
    return made


def product_code(material: Element, product: Product, *, text_id: str) -> Element:
    """CIS (the specialty) with the CIP13 (the box) as translation; without a CIS, the CIP13 alone."""
    if product.cis:
        code = coded(material, "code", product.cis, CIS, product.name, codeSystemName="CIS")
    else:
        code = add(material, "code", nullFlavor="NA")
    add(add(code, "originalText"), "reference", value=f"#{text_id}")
    if product.atc:
        coded(code, "translation", product.atc, ATC, product.atc_label, codeSystemName="ATC")
    coded(code, "translation", product.cip13, CIP, product.name, codeSystemName="CIP")
    return code


def _box(material: Element, product: Product) -> None:
    content = add(material, "pharm:asContent", classCode="CONT")
    box = add(content, "pharm:containerPackagedMedicine", classCode="CONT", determinerCode="INSTANCE")
    coded(box, "pharm:code", product.cip13, CIP, product.name, codeSystemName="CIP")
    add(box, "pharm:name", product.name)
    coded(box, "pharm:formCode", BOX[0], EDQM, BOX[1], codeSystemName="EDQM")
    if product.units_per_box:
        add(box, "pharm:capacityQuantity", value=str(product.units_per_box), unit=unit_annotation(product.unit))


def unit_annotation(unit: str) -> str:
    """A UCUM annotation for a count of units (`{comprime}`): ASCII, as UCUM wants, `1` when unknown."""
    folded = unicodedata.normalize("NFKD", unit).encode("ascii", "ignore").decode().strip().replace(" ", "_")
    cleaned = "".join(c for c in folded if c not in "{}")
    return f"{{{cleaned}}}" if cleaned else "1"
