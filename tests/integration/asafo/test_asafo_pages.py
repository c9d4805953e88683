"""The secure-supply pages as the pharmacist gets them: « Mes signalements », the ASAFO list, the counter's
checklist and declaration forms with their French errors beside the field."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from comptoir.services.platform.runtime import Runtime
from comptoir.web.app import create_app
from tests.conftest import PASSWORD, open_session
from tests.integration.asafo.counter_asafo import HUMIRA, KNOWN_RPPS, FakeAsafo, Pharmacy, forged, pharmacy


@pytest.fixture
def place(runtime: Runtime) -> Iterator[Pharmacy]:
    built = pharmacy(runtime)
    built.refresh(FakeAsafo([forged()]))
    yield built


@pytest.fixture
def browser(place: Pharmacy) -> Iterator[TestClient]:
    with TestClient(create_app(place.runtime.settings, runtime=place.runtime)) as client:
        assert open_session(client, "PH01", PASSWORD).status_code == 200
        yield client


def test_the_asafo_list_and_my_declarations_are_shown_even_with_asafo_out_of_reach(browser: TestClient) -> None:
    alerts = browser.get("/asafo/alertes")
    declarations = browser.get("/asafo/signalements")

    assert alerts.status_code == 200 and "ASAFO-2026-0042" in alerts.text and 'class="new"' in alerts.text
    assert declarations.status_code == 200 and "Aucun signalement" in declarations.text
    assert "ASAFO indisponible" in declarations.text
    assert 'class="new"' not in browser.get("/asafo/alertes").text


def test_a_declaration_without_a_scan_is_refused_beside_its_field_and_the_checklist_keeps_its_values(
        place: Pharmacy, browser: TestClient) -> None:
    view = place.basket(rpps=KNOWN_RPPS, codes=(HUMIRA,))
    hx = {"HX-Request": "true"}

    declared = browser.post(f"/comptoir/{view.id}/asafo/signalement", data={"comment": "doute"}, headers=hx)
    checked = browser.post(f"/comptoir/{view.id}/controle-renforce",
                           data={"outcome": "securisee", "original_seen": "true", "comment": "appel"}, headers=hx)

    assert declared.status_code == 422 and "Joignez le scan" in declared.text and 'value="doute"' in declared.text
    assert checked.status_code == 422 and "quatre vérifications" in checked.text
    assert 'name="original_seen" value="true" checked' in checked.text
