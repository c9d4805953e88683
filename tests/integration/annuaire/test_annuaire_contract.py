"""The Annuaire Santé's FHIR API, over HTTP against the emulator: through the product's client, and raw for what
the client never sends (the other identifier form, bad parameters, no key). What it answers is valid FHIR R4."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import httpx
import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.resource import Resource

from comptoir.errors import ExternalServiceError
from comptoir.national.annuaire import wire
from comptoir.national.annuaire.client import AnnuaireClient
from comptoir.national.annuaire.seed import NON_PRESCRIBER_RPPS, STRUCK_OFF_RPPS
from tests.annuaire_emulator import API_KEY, annuaire_emulator, client_of
from tests.emulators import free_port

TRAL = "99900038441"
KEY = {"ESANTE-API-KEY": API_KEY}


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with annuaire_emulator(tmp_path_factory.mktemp("annuaire")) as served:
        yield served


@pytest.fixture
def annuaire(url: str) -> Iterator[AnnuaireClient]:
    client = client_of(url)
    yield client
    client.close()


def get(url: str, path: str, headers: dict[str, str] | None = None, **params: str) -> httpx.Response:
    return httpx.get(f"{url}/fhir/{path}", params=params, headers=KEY if headers is None else headers)


def resource_of(entry: Any) -> Resource:
    assert entry.resource is not None
    return cast(Resource, entry.resource)


def test_the_demo_prescriber_with_his_place_of_practice_and_mssante_mailboxes(annuaire: AnnuaireClient) -> None:
    found = annuaire.practitioner(TRAL)
    assert found is not None
    assert (found.family_name, found.given_name, found.profession, found.specialty) == ("TRAL", "Ademis", "10",
                                                                                          "SM26")
    assert found.active and found.prescribes and found.specialty_label == "Médecine générale"
    place = found.roles[0].organization
    assert place is not None and place.address == "12 rue du Faubourg Saint-Antoine, 75011 Paris"
    assert found.all_mailboxes == ("ademis.tral@medecin.mssante.fr",)
    assert place.mailboxes == ("secretariat.tral@medecin.mssante.fr",)


def test_an_unknown_rpps_is_none(annuaire: AnnuaireClient) -> None:
    assert annuaire.practitioner("10000000017") is None


def test_a_struck_off_professional_is_inactive(annuaire: AnnuaireClient) -> None:
    found = annuaire.practitioner(STRUCK_OFF_RPPS)
    assert found is not None and not found.active


def test_a_non_prescribing_profession_is_said(annuaire: AnnuaireClient) -> None:
    found = annuaire.practitioner(NON_PRESCRIBER_RPPS)
    assert found is not None and found.profession == "81" and not found.prescribes


@pytest.mark.parametrize("identifier", [TRAL, f"{wire.RPPS}|{TRAL}", f"{wire.IDNAT_PS}|8{TRAL}", f"8{TRAL}"])
def test_a_practitioner_answers_to_both_identifier_forms(url: str, identifier: str) -> None:
    bundle = Bundle.model_validate_json(get(url, "Practitioner", identifier=identifier).content)
    assert bundle.total == 1 and bundle.entry is not None
    assert resource_of(bundle.entry[0]).id == f"8{TRAL}"


def test_an_idnat_of_another_kind_finds_nobody(url: str) -> None:
    assert get(url, "Practitioner", identifier=f"{wire.IDNAT_PS}|0{TRAL[:9]}").json()["total"] == 0


def test_search_by_name_ignores_case_and_accents_and_pages_by_the_next_link(annuaire: AnnuaireClient) -> None:
    first = annuaire.search(name="martin", count=2)
    assert first.total >= 3 and len(first.practitioners) == 2 and first.next_page is not None
    names = [p.family_name for p in first.practitioners]
    seen = list(names)
    page = first
    while page.next_page:
        page = annuaire.next_page(page.next_page)
        seen += [p.family_name for p in page.practitioners]
    assert len(seen) == first.total and all(n.startswith("MARTIN") for n in seen)
    assert len({p.rpps for p in first.practitioners}) == 2


def test_search_by_name_and_city(annuaire: AnnuaireClient) -> None:
    found = annuaire.search(name="GIRARD", city="lyon")
    assert "10000001916" in {p.rpps for p in found.practitioners}
    assert all(any(r.organization and r.organization.city == "Lyon" for r in p.roles) for p in found.practitioners)


def test_an_organization_by_finess(annuaire: AnnuaireClient) -> None:
    pharmacy = annuaire.organization("750000001")
    assert pharmacy is not None and pharmacy.sector == "SA33"
    assert pharmacy.mailboxes == ("pharmacie.comptoir@pharmacien.mssante.fr",)
    assert annuaire.organization("750000019") is None


def test_roles_include_their_practitioner_and_organization(url: str) -> None:
    bundle = Bundle.model_validate_json(get(url, "PractitionerRole", practitioner=f"Practitioner/8{TRAL}",
                                            _include="PractitionerRole:practitioner").content)
    modes = sorted((e.search.mode, resource_of(e).get_resource_type()) for e in bundle.entry or () if e.search)
    assert modes == [("include", "Practitioner"), ("match", "PractitionerRole")]


@pytest.mark.parametrize(("path", "params"), [
    ("Practitioner", {"name": "martin", "_count": "3"}),
    ("Practitioner", {"active": "false"}),
    ("PractitionerRole", {"role": f"{wire.G15}|21", "_include": "PractitionerRole:organization"}),
    ("Organization", {"address-city": "Paris", "type": "SA33"}),
])
def test_every_answer_is_a_valid_fhir_searchset(url: str, path: str, params: dict[str, str]) -> None:
    response = httpx.get(f"{url}/fhir/{path}", params=params, headers=KEY)
    assert response.headers["content-type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate_json(response.content)
    assert bundle.type == "searchset" and bundle.entry
    assert {resource_of(e).get_resource_type() for e in bundle.entry} >= {path}


def test_struck_off_ones_are_found_by_active_false(url: str) -> None:
    rpps = {r["resource"]["identifier"][1]["value"] for r in get(url, "Practitioner", active="false",
                                                                 _count="100").json()["entry"]}
    assert STRUCK_OFF_RPPS in rpps and TRAL not in rpps


def test_the_capability_statement(url: str) -> None:
    statement = CapabilityStatement.model_validate_json(get(url, "metadata").content)
    kinds = {r.type for rest in statement.rest or () for r in rest.resource or ()}
    assert kinds == {"Practitioner", "PractitionerRole", "Organization"}


@pytest.mark.parametrize(("params", "said"), [
    ({"foo": "1"}, "Paramètre de recherche inconnu"),
    ({"_count": "beaucoup"}, "_count"),
    ({"active": "peut-être"}, "active"),
    ({"identifier": "http://inconnu.fr|123"}, "Système d'identifiant inconnu"),
    ({"name": "a", "_include": "Practitioner:organization"}, "Paramètre de recherche inconnu"),
])
def test_bad_parameters_answer_400_with_a_french_operation_outcome(url: str, params: dict[str, str],
                                                                   said: str) -> None:
    response = httpx.get(f"{url}/fhir/Practitioner", params=params, headers=KEY)
    assert response.status_code == 400
    outcome = OperationOutcome.model_validate_json(response.content)
    assert said in (outcome.issue[0].diagnostics or "")


def test_no_key_is_401_an_unknown_key_403(url: str) -> None:
    assert get(url, "Practitioner", headers={}, name="martin").status_code == 401
    assert get(url, "Practitioner", headers={"ESANTE-API-KEY": "autre"}, name="martin").status_code == 403
    with pytest.raises(ExternalServiceError) as refused:
        client_of(url, key=None).practitioner(TRAL)
    assert refused.value.permanent and "401" in str(refused.value)


def test_a_service_down_is_a_failure_to_retry() -> None:
    with pytest.raises(ExternalServiceError) as down:
        client_of(f"http://127.0.0.1:{free_port()}").practitioner(TRAL)
    assert not down.value.permanent
