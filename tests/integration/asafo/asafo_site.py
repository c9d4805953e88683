"""ASAFO's emulator on a real socket for a test, the pharmacy's client to it, and the CPAM's hand to rule."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from comptoir.national.asafo.client import AsafoClient
from comptoir.national.asafo.emulator import create_emulator
from comptoir.national.credentials import demo_pharmacy, demo_prescriber
from tests.emulators import FAST_POLICY, PHARMACY_TOKEN, PRESCRIBER_TOKEN, serving

CPAM_TOKEN = "jeton-de-test-cpam"


@contextmanager
def asafo_emulator(directory: Path) -> Iterator[str]:
    app = create_emulator(directory / "asafo.db", credentials=[demo_pharmacy(PHARMACY_TOKEN),
                                                               demo_prescriber(PRESCRIBER_TOKEN)],
                          cpam_token=CPAM_TOKEN)
    with serving(app) as url:
        yield url


def asafo_client(url: str, token: str | None = PHARMACY_TOKEN) -> AsafoClient:
    return AsafoClient.at(url, FAST_POLICY, token=token)


def rule(url: str, declaration_id: str, status: str, *, token: str = CPAM_TOKEN) -> httpx.Response:
    return httpx.post(f"{url}/instruction/signalements/{declaration_id}", json={"statut": status, "motif": "vu",
                                                                                "region": "Île-de-France"},
                      headers={"Authorization": f"Bearer {token}"})


def scenario(url: str, state: str) -> None:
    httpx.post(f"{url}/scenario/{state}").raise_for_status()
