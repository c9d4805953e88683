"""VAC-NOTE_2023.01: a vaccine given at the pharmacy (SPEC §5.1, Note de vaccination `87273-9`).

One FR-Vaccination entry: the vaccine (CIS, CIP13, name, lot, expiry), when, the route and the site coded
in the CI-SIS value sets (JDV_ImmunizationRouteCodes_CISIS, JDV_ImmunizationApproachSiteCode_CISIS), the
pharmacist as performer and author, and the dose's rank. The act is dated by its day (the kit wants
`AAAAMMJJ`), the document by its instant.

Where the SPEC leaves room: the act is HL7 `BOOSTER` for a « rappel », else `IMMUNIZ` (vaccination without
more precision: a pharmacy rarely knows whether a dose belongs to a first series); a site outside the value
set is kept in the narrative only; the prescriber, when there is one, is named in the narrative.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace

from comptoir.cda.elements import EDQM, LOINC, Element, add, coded, day, instant, serialise, template_ids
from comptoir.cda.header import (
    DocumentKind,
    body,
    encounter,
    organisation,
    professional_identity,
    service_event,
    start,
)
from comptoir.cda.ids import entry_id
from comptoir.cda.model import Vaccination
from comptoir.cda.narrative import cell, table
from comptoir.cda.products import manufactured_product
from comptoir.errors import RuleViolation

ROUTES = {
    "IM": ("20035000", "Voie intramusculaire"),
    "SC": ("20066000", "Voie sous-cutanée"),
    "ID": ("20030000", "Voie intradermique"),
    "PO": ("20053000", "Voie orale"),
    "ORAL": ("20053000", "Voie orale"),
    "INH": ("20020000", "Voie inhalée"),
}
"""Route abbreviations as the counter writes them, to JDV_ImmunizationRouteCodes_CISIS (EDQM)."""

VACCINES_ATC = ("J07", "Vaccins")
"""ATC class of every vaccine: written when the reference gives no finer class with its name (VAC-NOTE requires
an ATC code and its name)."""
SNOMED = "2.16.840.1.113883.6.96"
SITES = {
    "avant-bras droit": "64262003", "avant-bras gauche": "66480008",
    "deltoide droit": "16217661000119109", "deltoide gauche": "16217701000119102",
    "epaule droite": "91774008", "epaule gauche": "91775009",
    "cuisse droite": "11207009", "cuisse gauche": "61396006",
    "fesse droite": "723980000", "fesse gauche": "723979003",
}
"""JDV_ImmunizationApproachSiteCode_CISIS (SNOMED CT), by the French name without accents."""

KIND = DocumentKind(templates=("1.3.6.1.4.1.19376.1.5.3.1.1.18.1.2",), model=("1.2.250.1.213.1.1.1.46", "2023.01"),
                    code="87273-9", display="Note de vaccination", title="Note de vaccination")


def route_of(route: str) -> tuple[str, str] | None:
    return ROUTES.get(route.strip().upper())


def site_code(site: str) -> str | None:
    folded = unicodedata.normalize("NFKD", site).encode("ascii", "ignore").decode()
    return SITES.get(" ".join(folded.lower().split()))


def build_vaccination(v: Vaccination) -> bytes:
    """The note; a vaccine without its CIS is refused (VAC-NOTE requires it, the reference always has it)."""
    if not v.product.cis:
        raise RuleViolation(f"Le vaccin {v.product.cip13} n'a pas de code CIS : la note de vaccination l'exige.")
    document = start(v.header, KIND)
    service_event(document, v.header, KIND, event_id=entry_id(v.header.document_id, "event"))
    encounter(document, v.header)
    section = add(add(body(document), "component"), "section")
    template_ids(section, "2.16.840.1.113883.10.20.1.6", "1.3.6.1.4.1.19376.1.5.3.1.3.23", "1.2.250.1.213.1.1.2.147")
    add(section, "id", root=entry_id(v.header.document_id, "section"))
    coded(section, "code", "11369-6", LOINC, "Historique des vaccinations", codeSystemName="LOINC")
    add(section, "title", "Note de vaccination")
    _narrative(section, v)
    _immunization(add(section, "entry"), v)
    return serialise(document)


def _narrative(section: Element, v: Vaccination) -> None:
    text = add(section, "text")
    rows = table(text, ("Date", "Vaccin", "Lot n°", "Péremption", "Rang", "Voie d'administration",
                        "Région d'administration", "Vaccinateur"))
    row = add(rows, "tr")
    route = route_of(v.route)
    pharmacist = v.header.author
    cell(row, v.header.at.strftime("%d/%m/%Y"))
    cell(row, v.product.name, content_id="vaccine")
    cell(row, v.lot)
    cell(row, v.expiry.strftime("%d/%m/%Y"))
    cell(row, v.dose)
    cell(row, route[1] if route else v.route)
    cell(row, v.site, content_id="vaccine-site" if v.site else None)
    cell(row, f"{pharmacist.first_name} {pharmacist.last_name}, pharmacien".strip())
    if v.prescriber is not None:
        add(text, "paragraph", f"Prescrit par {v.prescriber.first_name} {v.prescriber.last_name}")


def _immunization(entry: Element, v: Vaccination) -> None:
    act = add(entry, "substanceAdministration", classCode="SBADM", moodCode="EVN", negationInd="false")
    template_ids(act, "2.16.840.1.113883.10.20.1.24", "1.3.6.1.4.1.19376.1.5.3.1.4.12", "1.2.250.1.213.1.1.3.45")
    add(act, "id", root=entry_id(v.header.document_id, "vaccination"))
    booster = v.dose.strip().lower() == "rappel"
    coded(act, "code", *(("BOOSTER", "2.16.840.1.113883.5.4", "Rappel de vaccin") if booster else
                         ("IMMUNIZ", "2.16.840.1.113883.5.4", "Vaccination sans autre précision")),
          codeSystemName="ActCode")
    add(add(act, "text"), "reference", value="#vaccine")
    add(act, "statusCode", code="completed")
    add(act, "effectiveTime", value=day(v.header.at))
    _route_and_site(act, v)
    vaccine = v.product if v.product.atc and v.product.atc_label else replace(v.product, atc=VACCINES_ATC[0],
                                                                              atc_label=VACCINES_ATC[1])
    manufactured_product(add(act, "consumable", typeCode="CSM"), vaccine, text_id="vaccine", lot=v.lot,
                         expiry=v.expiry)
    _performer(act, v)
    _author(act, v)
    if v.dose.strip().isdigit():
        _rank(act, int(v.dose))


def _route_and_site(act: Element, v: Vaccination) -> None:
    route = route_of(v.route)
    if route is not None:
        coded(act, "routeCode", route[0], EDQM, route[1], codeSystemName="EDQM")
    site = site_code(v.site)
    if site is not None:
        code = coded(act, "approachSiteCode", site, SNOMED, v.site, codeSystemName="SNOMED CT")
        add(add(code, "originalText"), "reference", value="#vaccine-site")


def _performer(act: Element, v: Vaccination) -> None:
    entity = add(add(act, "performer", typeCode="PRF"), "assignedEntity", classCode="ASSIGNED")
    professional_identity(entity, v.header.author, v.header.pharmacy, person_tag="assignedPerson")
    organisation(entity, v.header.pharmacy, tag="representedOrganization")


def _author(act: Element, v: Vaccination) -> None:
    author = add(act, "author", typeCode="AUT", contextControlCode="OP")
    add(author, "time", value=instant(v.header.at))
    assigned = add(author, "assignedAuthor", classCode="ASSIGNED")
    professional_identity(assigned, v.header.author, v.header.pharmacy, person_tag="assignedPerson")
    organisation(assigned, v.header.pharmacy, tag="representedOrganization")


def _rank(act: Element, rank: int) -> None:
    observation = add(add(act, "entryRelationship", typeCode="SUBJ"), "observation", classCode="OBS",
                      moodCode="EVN")
    template_ids(observation, "2.16.840.1.113883.10.20.1.46", "1.2.250.1.213.1.1.3.82")
    coded(observation, "code", "30973-2", LOINC, "Rang de la vaccination", codeSystemName="LOINC")
    add(observation, "statusCode", code="completed")
    add(observation, "value", value=str(rank), xsi_type="INT")


__all__ = ["KIND", "build_vaccination", "route_of", "site_code"]
