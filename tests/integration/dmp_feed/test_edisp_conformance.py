"""The eDISP-MED the feed makes for a real counter dispensation passes the ANS kit (schema, CI-SIS schematron
and the eDISP-MED_2024.01 model's), as ../shared/cda-kit/validate.py --model eDISP-MED_2024.01 checks it."""

from __future__ import annotations

import pytest

from tests.integration.dmp_feed.conftest import Pharmacy
from tests.unit.cda.kit import Kit, missing, open_kit


@pytest.fixture(scope="session")
def kit() -> Kit:
    why = missing()
    if why:
        pytest.skip(why)
    return open_kit()


def test_the_edisp_of_a_counter_dispensation_conforms_to_the_kit(pharmacy: Pharmacy, kit: Kit) -> None:
    pharmacy.qualify()
    pharmacy.validate_counter_dispensation()

    [record] = pharmacy.documents()

    assert kit.failures(record.content, "eDISP-MED_2024.01") == []
