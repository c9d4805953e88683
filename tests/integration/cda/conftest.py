"""The ANS kit for the CLI's documents, compiled once for the session (tests/unit/cda/kit.py)."""

from __future__ import annotations

import pytest

from tests.unit.cda.kit import Kit, missing, open_kit


@pytest.fixture(scope="session")
def kit() -> Kit:
    why = missing()
    if why:
        pytest.skip(why)
    return open_kit()
