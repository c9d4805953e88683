"""The ANS kit compiled once for the whole session (see kit.py); its tests are skipped, saying why, only
when the kit or Saxon is missing."""

from __future__ import annotations

import pytest

from tests.unit.cda.kit import Kit, missing, open_kit


@pytest.fixture(scope="session")
def kit() -> Kit:
    why = missing()
    if why:
        pytest.skip(why)
    return open_kit()
