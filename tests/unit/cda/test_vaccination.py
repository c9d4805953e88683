"""VAC-NOTE_2023.01 notes of a vaccine given at the pharmacy pass the ANS kit and carry what was given."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from comptoir.cda.model import Confidentiality, Product
from comptoir.cda.vaccination import build_vaccination
from comptoir.errors import RuleViolation
from tests.unit.cda import builders as b
from tests.unit.cda.kit import Kit

MODEL = "VAC-NOTE_2023.01"
NS = {"h": "urn:hl7-org:v3", "pharm": "urn:ihe:pharm:medication"}


def test_a_flu_shot_in_the_right_deltoid_conforms_with_lot_expiry_route_and_site(kit: Kit) -> None:
    xml = build_vaccination(b.vaccination())

    tree = etree.fromstring(xml)
    immunization = tree.xpath("//h:substanceAdministration", namespaces=NS)[0]
    assert kit.failures(xml, MODEL) == []
    assert immunization.xpath("string(.//h:lotNumberText)", namespaces=NS) == "K42L07"
    assert immunization.xpath("string(.//pharm:expirationTime/@value)", namespaces=NS) == "20270531"
    assert immunization.xpath("string(h:routeCode/@code)", namespaces=NS) == "20035000"
    assert immunization.xpath("string(h:approachSiteCode/@code)", namespaces=NS) == "16217661000119109"
    assert immunization.xpath("string(.//h:entryRelationship//h:value/@value)", namespaces=NS) == "1"


def test_the_performer_is_the_pharmacist_of_the_pharmacy(kit: Kit) -> None:
    tree = etree.fromstring(build_vaccination(b.vaccination()))

    performer = tree.xpath("//h:substanceAdministration/h:performer/h:assignedEntity", namespaces=NS)[0]
    assert performer.xpath("string(h:id/@extension)", namespaces=NS) == "810005551238"
    assert performer.xpath("string(h:representedOrganization/h:id/@extension)", namespaces=NS) == "1690004569"


@pytest.mark.parametrize(("dose", "route", "site"), [("rappel", "SC", "Cuisse gauche"), ("2", "ID", "bras"),
                                                     ("1", "IM", "")])
def test_boosters_other_routes_and_free_sites_conform(kit: Kit, dose: str, route: str, site: str) -> None:
    xml = build_vaccination(b.vaccination(dose=dose, route=route, site=site))

    assert kit.failures(xml, MODEL) == []


def test_a_minor_with_masks_and_a_prescriber_conforms(kit: Kit) -> None:
    child = b.patient(first_names=("Léa",), birth_date=date(2016, 9, 1), sex="F")
    v = b.vaccination(header=b.header(patient=child, masks=(Confidentiality.INVISIBLE_TO_LEGAL_REPRESENTATIVES,)),
                      prescriber=b.prescription().prescriber)

    xml = build_vaccination(v)

    assert kit.failures(xml, MODEL) == []
    assert "Prescrit par Julie BLANC" in xml.decode()


def test_a_vaccine_without_its_cis_is_refused() -> None:
    with pytest.raises(RuleViolation, match="CIS"):
        build_vaccination(b.vaccination(product=Product(cip13="3400930117712", name="VACCIN")))
