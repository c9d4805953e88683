"""The counter's pages as the demo pharmacy's pharmacist gets them: keyboard contract in the markup
(static/comptoir.js reads it)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from comptoir.devtools import demo
from comptoir.services.platform.runtime import Runtime
from comptoir.web.app import create_app
from tests.conftest import open_session


@pytest.fixture
def pharmacist(reference_runtime: Runtime) -> Iterator[TestClient]:
    demo.load_demo_pharmacy(reference_runtime, with_dispensations=True)
    with TestClient(create_app(reference_runtime.settings, runtime=reference_runtime)) as client:
        assert open_session(client, "PH01", demo.DEMO_PASSWORD).status_code == 200
        yield client


def test_a_search_as_you_type_replaces_the_history_entry_instead_of_adding_one(pharmacist: TestClient) -> None:
    for path in ("/", "/medicaments", "/patients"):
        page = pharmacist.get(path).text

        assert 'hx-replace-url="true"' in page and "hx-push-url" not in page, path


def test_a_page_that_offers_ctrl_enter_marks_its_one_main_form(pharmacist: TestClient) -> None:
    doctor = TestClient(pharmacist.app)
    open_session(doctor, "MED1", demo.DEMO_PASSWORD)

    for client, path in ((pharmacist, "/analyse"), (doctor, "/prescripteur/nouvelle")):
        page = client.get(path).text

        assert "Ctrl+Entrée" in page, path
        assert len(re.findall(r"<form[^>]*\sdata-ctrl-enter[\s>]", page)) == 1, path
