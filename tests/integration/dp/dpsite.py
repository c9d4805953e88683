"""The DP emulator on a real socket for a test, with a clock the test moves, and the pharmacy's client."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from comptoir.national.credentials import Credential, Profession, demo_pharmacy
from comptoir.national.dp.client import DpClient
from comptoir.national.dp.emulator import create_emulator
from comptoir.national.dp.port import Beneficiary, Category, FedLine, Feed
from tests.emulators import FAST_POLICY, PHARMACY_TOKEN, SLOW_S, serving

OTHER_PHARMACY_TOKEN = "jeton-de-test-pharmacie-du-marche"
OTHER_PHARMACY = Credential(OTHER_PHARMACY_TOKEN, "690012345", "10001234567", Profession.PHARMACIEN)
DOCTOR_TOKEN = "jeton-de-test-medecin"
DOCTOR = Credential(DOCTOR_TOKEN, "991118019", "99900038441", Profession.MEDECIN)
CREDENTIALS = (demo_pharmacy(PHARMACY_TOKEN), OTHER_PHARMACY, DOCTOR)


class MovableClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 2, 19, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@contextmanager
def dp_emulator(directory: Path, clock: MovableClock | None = None) -> Iterator[str]:
    app = create_emulator(directory / "dp.db", credentials=CREDENTIALS, slow_s=SLOW_S,
                          **({"clock": clock} if clock else {}))
    with serving(app) as url:
        yield url


def dp_client(url: str, token: str | None = PHARMACY_TOKEN) -> DpClient:
    return DpClient.at(url, FAST_POLICY, token=token)


def feed(key: str, *lines: FedLine, on: date = date(2026, 2, 10), finess: str = "690012345",
         name: str = "Pharmacie du Marché, Villeurbanne") -> Feed:
    return Feed(key, on, finess, name, lines)


def line(number: int = 1, label: str = "PREVISCAN 20 mg cp", cip13: str = "3400932931201",
         category: Category = Category.ORDINARY) -> FedLine:
    return FedLine(number, cip13, label, 1, category)


def someone(nir: str = "1690399123456", born: date = date(1969, 3, 20)) -> Beneficiary:
    return Beneficiary(nir, born)
