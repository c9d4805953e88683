"""The NMVS client on a mock transport: what the system answers becomes our values, its refusals `NmvsRefusal`
(permanent, with the NMVS code and French label), a system down or slow a failure worth retrying."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import httpx
import pytest

from comptoir.errors import ExternalServiceError
from comptoir.national.http import HttpPolicy
from comptoir.national.nmvs.client import NmvsClient
from comptoir.national.nmvs.port import NmvsRefusal, PackId, PackState

PACK = PackId("03400922457116", "SN-1", "L1", date(2028, 3, 31))
BOITE = {"codeProduit": PACK.gtin, "numeroSerie": PACK.serial, "lot": "L1", "peremption": "2028-03-31"}
NO_WAIT = HttpPolicy(timeout_s=0.2, connect_timeout_s=0.2, retries=1, backoff_s=0.0)


def client(answer: Callable[[httpx.Request], httpx.Response]) -> NmvsClient:
    return NmvsClient.at("http://nmvs.test", NO_WAIT, transport=httpx.MockTransport(answer), token="t")


def test_a_verification_sends_the_pack_as_read_and_reads_its_state() -> None:
    sent: list[dict[str, object]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json={"boite": BOITE, "etat": "actif", "alertes": []})

    status = client(answer).verify(PACK)

    assert sent == [BOITE] and status.state is PackState.ACTIVE and status.deliverable


def test_a_refused_decommission_raises_the_nmvs_code_and_label() -> None:
    refusal = {"boite": BOITE, "effectuee": False, "etat": "delivre", "idTransaction": "t2",
               "alertes": [{"code": "NMVS_NC_PCK_19", "libelle": "état déjà enregistré pour cette boîte"}]}

    with pytest.raises(NmvsRefusal) as refused:
        client(lambda _: httpx.Response(200, json=refusal)).decommission(PACK, state=PackState.SUPPLIED,
                                                                          transaction="t2")

    assert (refused.value.code, refused.value.permanent, refused.value.state) == ("NMVS_NC_PCK_19", True,
                                                                                  PackState.SUPPLIED)
    assert "état déjà enregistré pour cette boîte (NMVS_NC_PCK_19)" in str(refused.value)


@pytest.mark.parametrize("failure", [lambda _: httpx.Response(503, json={"detail": "panne"}),
                                     lambda request: (_ for _ in ()).throw(httpx.ReadTimeout("lent", request=request))])
def test_a_system_down_or_slow_is_not_permanent(failure: Callable[[httpx.Request], httpx.Response]) -> None:
    with pytest.raises(ExternalServiceError) as caught:
        client(failure).verify(PACK)

    assert not caught.value.permanent and not isinstance(caught.value, NmvsRefusal)


def test_an_unreadable_answer_is_a_permanent_failure() -> None:
    with pytest.raises(ExternalServiceError, match="illisible") as caught:
        client(lambda _: httpx.Response(200, json={"etat": "inconnu"})).verify(PACK)

    assert caught.value.permanent


def test_the_settings_name_the_mounted_emulator_and_derive_the_demo_credential() -> None:
    from comptoir.settings import Settings

    development = Settings(environment="development", port=8123, nmvs_token="")
    production = Settings(environment="production", secret_key="x" * 40, mount_emulators=False, nmvs_token="")

    assert development.nmvs_url == "http://127.0.0.1:8123/emulateurs/nmvs"
    assert development.nmvs_token.startswith("demo-") and development.nmvs_token != development.insi_token
    assert production.nmvs_token == ""
