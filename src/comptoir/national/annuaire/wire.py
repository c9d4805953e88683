"""The Annuaire Santé's FHIR R4 resources (fhir.resources' R4B models: 8.3.0 ships R5, R4B and STU3, and the
Practitioner, PractitionerRole, Organization, Bundle and OperationOutcome used here are the same in R4 and R4B),
built from our port's values (the emulator) and read back into them (the client).

Identifiers (SPEC §0.1, §3.1): a professional carries his idNat_PS `8`+RPPS under `urn:oid:1.2.250.1.71.4.2.1`
and his plain RPPS under `http://rpps.fr`; a structure its idNat_Struct `1`+FINESS under
`urn:oid:1.2.250.1.71.4.2.2`, its FINESS under `http://finess.sante.gouv.fr`, its SIRET under `http://sirene.fr`.
Profession: TRE_G15 in `Practitioner.qualification` and `PractitionerRole.code`; specialty: TRE_R38 in
`Practitioner.qualification` and `PractitionerRole.specialty`; sector: TRE_R02 in `Organization.type`.

MSSanté mailboxes: a `ContactPoint` with `system = email` and the extension `MAILBOX_MSS` whose
`valueCoding` is `MSSANTE` of TRE_R256-TypeMessagerie (the form of the ANS directory's first API version,
`ContactPoint-EmailType`); an e-mail without it is an ordinary address, never used for health data. Personal
mailboxes ride on `PractitionerRole.telecom` (the place he uses them from) and `Practitioner.telecom`;
organisational ones on `Organization.telecom`. [U] The current ANS API describes a mailbox with a richer
extension (`as-mailbox-mss-metadata`: type PER/ORG/APP, responsible, digitization); the BAL type here follows
from the resource that carries it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization as FhirOrganization
from fhir.resources.R4B.practitioner import Practitioner as FhirPractitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole as FhirRole

from comptoir.national.annuaire.port import PROFESSIONS, SPECIALTIES, Organization, Practitioner, Role

IDNAT_PS = "urn:oid:1.2.250.1.71.4.2.1"
IDNAT_STRUCT = "urn:oid:1.2.250.1.71.4.2.2"
RPPS = "http://rpps.fr"
FINESS = "http://finess.sante.gouv.fr"
SIRET = "http://sirene.fr"
G15 = "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante"
R38 = "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale"
R02 = "https://mos.esante.gouv.fr/NOS/TRE_R02-SecteurActivite/FHIR/TRE-R02-SecteurActivite"
R256 = "https://mos.esante.gouv.fr/NOS/TRE_R256-TypeMessagerie/FHIR/TRE-R256-TypeMessagerie"
MAILBOX_MSS = "https://annuaire.sante.fr/fhir/StructureDefinition/ContactPoint-EmailType"
FHIR_JSON = "application/fhir+json"


def practitioner_id(rpps: str) -> str:
    return f"8{rpps}"


def role_id(rpps: str, index: int) -> str:
    return f"8{rpps}-{index}"


def organization_id(organization: Organization) -> str:
    return organization.id


def _coding(system: str, code: str, display: str = "") -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, **({"display": display} if display else {})}]}


def mailbox(address: str) -> dict[str, Any]:
    return {"system": "email", "use": "work", "value": address, "extension": [
        {"url": MAILBOX_MSS, "valueCoding": {"system": R256, "code": "MSSANTE", "display": "Messagerie MSSanté"}}]}


def _some(items: list[Any]) -> list[Any] | None:
    return items or None


def practitioner_resource(found: Practitioner) -> FhirPractitioner:
    qualification = [{"code": _coding(G15, found.profession, PROFESSIONS.get(found.profession, ""))}]
    if found.specialty:
        qualification.append({"code": _coding(R38, found.specialty, SPECIALTIES.get(found.specialty, ""))})
    return FhirPractitioner.model_validate({
        "id": practitioner_id(found.rpps), "active": found.active,
        "identifier": [{"use": "official", "system": IDNAT_PS, "value": f"8{found.rpps}"},
                       {"use": "official", "system": RPPS, "value": found.rpps}],
        "name": [{"use": "official", "family": found.family_name, "given": [found.given_name],
                  **({"prefix": ["DR"]} if found.profession == "10" else {})}],
        "telecom": _some([mailbox(box) for box in found.mailboxes]), "qualification": qualification})


def role_resource(found: Practitioner, index: int, role: Role) -> FhirRole:
    organization = role.organization
    return FhirRole.model_validate({
        "id": role_id(found.rpps, index), "active": role.active and found.active,
        "practitioner": {"reference": f"Practitioner/{practitioner_id(found.rpps)}"},
        "organization": {"reference": f"Organization/{organization.id}"} if organization else None,
        "code": [_coding(G15, found.profession, PROFESSIONS.get(found.profession, ""))],
        "specialty": [_coding(R38, found.specialty, SPECIALTIES.get(found.specialty, ""))] if found.specialty else None,
        "telecom": _some([mailbox(box) for box in role.mailboxes])})


def organization_resource(found: Organization) -> FhirOrganization:
    identifiers = []
    if found.finess:
        identifiers += [{"use": "official", "system": IDNAT_STRUCT, "value": f"1{found.finess}"},
                        {"use": "official", "system": FINESS, "value": found.finess}]
    if found.siret:
        identifiers.append({"use": "official", "system": SIRET, "value": found.siret})
    telecom = [mailbox(box) for box in found.mailboxes]
    telecom += [{"system": "phone", "use": "work", "value": found.phone}] if found.phone else []
    address = {"use": "work", "line": list(found.address_lines) or None, "postalCode": found.postal_code or None,
               "city": found.city or None, "country": "FR"}
    return FhirOrganization.model_validate({
        "id": found.id, "active": found.active, "identifier": _some(identifiers), "name": found.name,
        "type": [_coding(R02, found.sector)] if found.sector else None, "telecom": _some(telecom),
        "address": [address]})


def outcome(message: str, code: str = "invalid") -> OperationOutcome:
    """A refusal as FHIR says it, the diagnostics in French."""
    return OperationOutcome.model_validate({"issue": [{"severity": "error", "code": code, "diagnostics": message}]})


# Reading: the client's side.

def _codes(concepts: Iterable[CodeableConcept] | None, system: str) -> list[tuple[str, str]]:
    return [(c.code or "", c.display or "") for concept in concepts or () for c in concept.coding or ()
            if c.system == system]


def _identifier(identifiers: Iterable[Identifier] | None, system: str) -> str | None:
    return next((i.value for i in identifiers or () if i.system == system and i.value), None)


def mailboxes_of(telecom: Iterable[ContactPoint] | None) -> tuple[str, ...]:
    """The MSSanté addresses among the contact points (an e-mail without the extension is not one)."""
    return tuple(point.value for point in telecom or () if point.system == "email" and point.value
                 and any(e.url == MAILBOX_MSS and e.valueCoding is not None and e.valueCoding.code == "MSSANTE"
                         for e in point.extension or ()))


def read_organization(resource: FhirOrganization) -> Organization:
    address = resource.address[0] if resource.address else None
    phones = [p.value for p in resource.telecom or () if p.system == "phone" and p.value]
    sector = _codes(resource.type, R02)
    return Organization(
        id=resource.id or "", name=resource.name or "", finess=_identifier(resource.identifier, FINESS),
        siret=_identifier(resource.identifier, SIRET), sector=sector[0][0] if sector else "",
        address_lines=tuple(line for line in address.line or () if line) if address else (),
        postal_code=(address.postalCode or "") if address else "", city=(address.city or "") if address else "",
        phone=phones[0] if phones else "", mailboxes=mailboxes_of(resource.telecom),
        active=resource.active is not False)


def read_practitioner(resource: FhirPractitioner, roles: Iterable[FhirRole] = (),
                      organizations: Mapping[str, Organization] | None = None) -> Practitioner:
    """`organizations`: the structures read beside it, by `Organization/<id>`."""
    qualifications = [q.code for q in resource.qualification or ()]
    profession, specialty = _codes(qualifications, G15), _codes(qualifications, R38)
    name = resource.name[0] if resource.name else None
    rpps = _identifier(resource.identifier, RPPS) or (_identifier(resource.identifier, IDNAT_PS) or "8")[1:]
    return Practitioner(
        rpps=rpps, family_name=(name.family or "") if name else "",
        given_name=" ".join(g for g in name.given or () if g) if name else "",
        profession=profession[0][0] if profession else "", profession_label=profession[0][1] if profession else "",
        specialty=specialty[0][0] if specialty else "", specialty_label=specialty[0][1] if specialty else "",
        active=resource.active is not False, mailboxes=mailboxes_of(resource.telecom),
        roles=tuple(_role(role, organizations or {}) for role in roles))


def _role(resource: FhirRole, organizations: Mapping[str, Organization]) -> Role:
    reference = resource.organization.reference if resource.organization else None
    return Role(organizations.get(reference or ""), mailboxes_of(resource.telecom),
                active=resource.active is not False)

