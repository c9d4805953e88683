"""The Annuaire Santé emulator on a real socket for a test, and the product's client of it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from comptoir.national.annuaire.client import AnnuaireClient
from comptoir.national.annuaire.emulator import create_emulator
from comptoir.national.credentials import demo_pharmacy
from comptoir.national.http import HttpPolicy
from comptoir.services.annuaire.directory import CachedDirectory, install
from tests.emulators import serving

API_KEY = "cle-de-test-annuaire"
FAST = HttpPolicy(timeout_s=2.0, connect_timeout_s=0.5, retries=0)


@contextmanager
def annuaire_emulator(directory: Path) -> Iterator[str]:
    with serving(create_emulator(directory / "annuaire.db", credentials=[demo_pharmacy(API_KEY)])) as url:
        yield url


def client_of(url: str, key: str | None = API_KEY) -> AnnuaireClient:
    return AnnuaireClient.at(url, FAST, api_key=key)


@contextmanager
def installed_directory(url: str) -> Iterator[CachedDirectory]:
    """The process's Annuaire for the test, removed after it (no other test sees it)."""
    directory = CachedDirectory(client_of(url))
    install(directory)
    try:
        yield directory
    finally:
        install(None)
