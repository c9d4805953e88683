"""The ASAFO emulator through the product's own client: the list of confirmed fakes and its filters, the
declaration of a suspicion and its statuses, who may do what."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from comptoir.errors import ExternalServiceError
from comptoir.national.asafo.port import AlertProduct, Declaration, FeedQuery
from comptoir.national.asafo.seeds import DEMO_PATIENT_NIR, DEMO_PRESCRIBER_RPPS, PLAN
from tests.emulators import PRESCRIBER_TOKEN
from tests.integration.asafo.asafo_site import asafo_client, asafo_emulator, rule, scenario

SCAN = b"\x89PNG\r\n\x1a\n fausse ordonnance"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with asafo_emulator(tmp_path_factory.mktemp("asafo")) as found:
        yield found


def suspicion(key: str, *, document: bytes = SCAN, content_type: str = "image/png") -> Declaration:
    return Declaration(key=key, prescriber_rpps="10101010107", prescriber_structure=None,
                       prescriber_name="Dr INCONNU", patient_nir=None, patient_name="X Y",
                       products=(AlertProduct("HUMIRA 40 mg", "3400930042687", ("adalimumab",)),),
                       authenticated_by_prescriber=True, document=document, content_type=content_type)


def test_the_national_list_holds_every_seed_newest_first_and_a_third_are_diabetes_products(url: str) -> None:
    alerts = asafo_client(url).alerts(FeedQuery())

    assert len(alerts) == len(PLAN) + 1
    assert [a.created_at for a in alerts] == sorted((a.created_at for a in alerts), reverse=True)
    diabetes = [a for a in alerts if "diab" in a.drug_class.lower()]
    assert 0.25 <= len(diabetes) / len(alerts) <= 0.35


def test_the_list_filters_by_region_date_patient_prescriber_and_product(url: str) -> None:
    client = asafo_client(url)

    regional = client.alerts(FeedQuery(region="Occitanie"))
    recent = client.alerts(FeedQuery(since=datetime(2026, 1, 15, tzinfo=UTC)))
    by_nir = client.alerts(FeedQuery(nir=DEMO_PATIENT_NIR))
    by_prescriber = client.alerts(FeedQuery(rpps=DEMO_PRESCRIBER_RPPS))
    by_product = client.alerts(FeedQuery(product="prégabaline"))

    assert regional and {a.region for a in regional} == {"Occitanie"}
    assert recent and all(a.created_at > datetime(2026, 1, 15, tzinfo=UTC) for a in recent)
    assert [a.alert_id for a in by_nir] == ["ASAFO-2026-0042"]
    assert {p.brand for p in by_prescriber[0].products} == {"HUMIRA 40 mg stylo", "TOPALGIC 50 mg"}
    assert len(by_product) == 5 and all("LYRICA" in a.products[0].brand for a in by_product)


def test_a_declaration_is_under_review_then_confirmed_and_then_alerts_every_pharmacy(url: str) -> None:
    client = asafo_client(url)

    sent = client.declare(suspicion("cle-confirmee-0001"))
    again = client.declare(suspicion("cle-confirmee-0001"))
    ruled = rule(url, sent.declaration_id, "CONFIRMEE")
    mine = {d.key: d for d in client.declarations()}

    assert sent.status == "EN_COURS" and not sent.duplicate
    assert again.duplicate and again.declaration_id == sent.declaration_id
    assert ruled.status_code == 200
    assert mine["cle-confirmee-0001"].status == "CONFIRMEE"
    assert [a.prescriber_rpps for a in client.alerts(FeedQuery(rpps="10101010107"))] == ["10101010107"]


def test_a_declaration_may_be_ruled_out_once_only(url: str) -> None:
    client = asafo_client(url)
    sent = client.declare(suspicion("cle-infirmee-0001"))

    first, second = rule(url, sent.declaration_id, "INFIRMEE"), rule(url, sent.declaration_id, "CONFIRMEE")

    assert first.json()["statut"] == "INFIRMEE"
    assert second.status_code == 409
    assert {d.key: d.status for d in client.declarations()}["cle-infirmee-0001"] == "INFIRMEE"


@pytest.mark.parametrize(("document", "content_type", "said"), [
    (b"", "image/png", "sans scan"),
    (b"x" * (5 * 1024 * 1024 + 1), "image/png", "trop volumineux"),
    (SCAN, "text/html", "JPEG, PNG ou PDF"),
])
def test_a_declaration_without_a_proper_scan_is_refused_in_french_and_not_kept(
        url: str, document: bytes, content_type: str, said: str) -> None:
    client = asafo_client(url)

    with pytest.raises(ExternalServiceError) as refused:
        client.declare(suspicion(f"cle-refusee-{len(document)}-{content_type[:5]}", document=document,
                                 content_type=content_type))

    assert refused.value.permanent and said in str(refused.value)
    assert not [d for d in client.declarations() if d.key.startswith("cle-refusee")]


def test_without_a_token_or_as_a_doctor_or_as_a_pharmacy_ruling_the_service_refuses(url: str) -> None:
    with pytest.raises(ExternalServiceError, match="HTTP 401"):
        asafo_client(url, token=None).alerts(FeedQuery())
    with pytest.raises(ExternalServiceError, match="HTTP 403"):
        asafo_client(url, token=PRESCRIBER_TOKEN).alerts(FeedQuery())
    sent = asafo_client(url).declare(suspicion("cle-auto-instruction"))
    assert rule(url, sent.declaration_id, "INFIRMEE", token="jeton-de-test-pharmacie").status_code == 403
    assert httpx.get(f"{url}/alertes").status_code == 401


def test_a_down_service_is_a_temporary_failure(url: str) -> None:
    scenario(url, "panne")
    try:
        with pytest.raises(ExternalServiceError) as failed:
            asafo_client(url).alerts(FeedQuery())
    finally:
        scenario(url, "retabli")

    assert not failed.value.permanent and "indisponible" in str(failed.value)


def test_a_confirmed_alert_serves_its_scanned_prescription(url: str) -> None:
    answer = httpx.get(f"{url}/alertes/ASAFO-2026-0042/document", headers={"Authorization":
                                                                             "Bearer jeton-de-test-pharmacie"})

    assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"
