"""The NMVS emulator answers generated requests (schemathesis, in-process) without a server error and with the
responses its OpenAPI describes, called by a pharmacy (its token) so that every route's rules run."""

from __future__ import annotations

from pathlib import Path

from comptoir.national.nmvs.emulator import create_emulator
from tests.fuzz.test_openapi import failures_of, loaded
from tests.integration.nmvs.nmvs_site import CREDENTIALS, PHARMACY_TOKEN


def test_the_nmvs_emulator_never_fails_and_keeps_to_its_schema(tmp_path: Path) -> None:
    schema = loaded("/openapi.json", create_emulator(tmp_path / "nmvs.db", credentials=CREDENTIALS, slow_s=0))

    failures = failures_of(schema, lambda _: {"Authorization": f"Bearer {PHARMACY_TOKEN}"})

    assert not failures, "\n\n".join(failures)
