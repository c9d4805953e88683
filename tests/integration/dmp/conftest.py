"""The DMP emulator on a real socket, its own database in the test's directory, reached through the product's
client (national/dmp/client.py) by professionals, and by plain HTTP by the patients of Mon espace santé."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from comptoir.national.credentials import Credential, Profession, demo_pharmacy, demo_prescriber
from comptoir.national.dmp.client import DmpClient
from comptoir.national.dmp.emulator import create_emulator
from comptoir.national.dmp.port import Reader
from comptoir.national.dmp.storage import PatientCredential
from tests.emulators import FAST_POLICY, serving
from tests.fakes.dmp import GENE, KIT, MINOR

PHARMACY_TOKEN = "jeton-dmp-pharmacie"
OTHER_PHARMACY_TOKEN = "jeton-dmp-autre-pharmacie"
DOCTOR_TOKEN = "jeton-dmp-medecin"
OTHER_PHARMACIST = Credential(OTHER_PHARMACY_TOKEN, "750000002", "10000000009", Profession.PHARMACIEN)
PATIENTS = {"gene": PatientCredential("jeton-patient-gene", GENE.matricule),
            "minor": PatientCredential("jeton-patiente-mineure", MINOR.matricule),
            "parent": PatientCredential("jeton-parent", MINOR.matricule, Reader.LEGAL_REPRESENTATIVE)}


@pytest.fixture
def dmp_url(tmp_path: Path) -> Iterator[str]:
    if not (KIT / "examples").is_dir():
        pytest.skip(f"CDA kit absent: {KIT}")
    app = create_emulator(tmp_path / "dmp.db", patients=list(PATIENTS.values()),
                          credentials=[demo_pharmacy(PHARMACY_TOKEN), OTHER_PHARMACIST, demo_prescriber(DOCTOR_TOKEN)])
    with serving(app) as url:
        yield url


@pytest.fixture
def emulated(dmp_url: str) -> Iterator[Callable[[str | None], DmpClient]]:
    """A DMP client presenting `token` (None: anonymous)."""
    clients: list[DmpClient] = []

    def client(token: str | None) -> DmpClient:
        clients.append(DmpClient.at(dmp_url, FAST_POLICY, token=token))
        return clients[-1]

    yield client
    for opened in clients:
        opened.close()


@pytest.fixture
def connect(emulated: Callable[[str | None], DmpClient]) -> Callable[[str | None], DmpClient]:
    return emulated


@pytest.fixture
def pharmacy(connect: Callable[[str | None], DmpClient]) -> DmpClient:
    """The demo pharmacy's titulaire."""
    return connect(PHARMACY_TOKEN)


@pytest.fixture
def espace_sante(dmp_url: str) -> Iterator[Callable[[str], httpx.Client]]:
    """Mon espace santé as `who` of `PATIENTS` uses it."""
    clients: list[httpx.Client] = []

    def account(who: str) -> httpx.Client:
        clients.append(httpx.Client(base_url=f"{dmp_url}/espace-sante", timeout=5,
                                    headers={"Authorization": f"Bearer {PATIENTS[who].token}"}))
        return clients[-1]

    yield account
    for opened in clients:
        opened.close()
