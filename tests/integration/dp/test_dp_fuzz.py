"""The DP emulator answers generated requests, with the pharmacy's credential (so its rules run, not only its
401), without a server error and within its schema."""

from __future__ import annotations

from pathlib import Path

from comptoir.national.credentials import demo_pharmacy
from comptoir.national.dp.emulator import create_emulator
from tests.emulators import PHARMACY_TOKEN
from tests.fuzz.test_openapi import failures_of, loaded


def test_the_dp_emulator_never_fails_and_keeps_to_its_schema(tmp_path: Path) -> None:
    schema = loaded("/openapi.json", create_emulator(tmp_path / "dp.db", credentials=[demo_pharmacy(PHARMACY_TOKEN)],
                                                     slow_s=0))

    failures = failures_of(schema, lambda _: {"Authorization": f"Bearer {PHARMACY_TOKEN}"})

    assert not failures, "\n\n".join(failures)
