"""The NMVS emulator on a real socket for a test, with a clock the test moves, the demo pharmacy's token and
another pharmacy's (another FINESS: another NMVS location)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from comptoir.national.credentials import Credential, Profession, demo_pharmacy, demo_prescriber
from comptoir.national.nmvs.client import NmvsClient
from comptoir.national.nmvs.emulator import create_emulator
from comptoir.national.nmvs.port import PackId
from tests.emulators import FAST_POLICY, serving

PHARMACY_TOKEN = "jeton-nmvs-pharmacie"
OTHER_PHARMACY_TOKEN = "jeton-nmvs-autre-pharmacie"
DOCTOR_TOKEN = "jeton-nmvs-medecin"
OTHER_PHARMACY = Credential(OTHER_PHARMACY_TOKEN, "690004569", "10000009999", Profession.PHARMACIEN)
CREDENTIALS = (demo_pharmacy(PHARMACY_TOKEN), OTHER_PHARMACY, demo_prescriber(DOCTOR_TOKEN))
SLOW_S = 1.5

CLOPIDOGREL = "03400922457116"
SOUND = PackId(CLOPIDOGREL, "DEMO-CLO-0001", "C24A17", date(2028, 3, 31))
SECOND = PackId(CLOPIDOGREL, "DEMO-CLO-0002", "C24A17", date(2028, 3, 31))
RECALLED = PackId(CLOPIDOGREL, "DEMO-CLO-0099", "C23R05", date(2027, 10, 31))
AMLODIPINE = "03400930246986"
EXPIRED = PackId(AMLODIPINE, "DEMO-AML-0050", "A23X11", date(2025, 11, 30))
SUPPLIED_ELSEWHERE = PackId(AMLODIPINE, "DEMO-AML-0051", "A25B02", date(2028, 6, 30))
STOLEN = PackId("03400930172346", "DEMO-IRB-0066", "I25C08", date(2027, 12, 31))


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2026, 2, 19, 10, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, days: float) -> None:
        self.now += timedelta(days=days)


@contextmanager
def nmvs_emulator(directory: Path, clock: Callable[[], datetime] | None = None) -> Iterator[str]:
    app = create_emulator(directory / "nmvs.db", credentials=CREDENTIALS, slow_s=SLOW_S,
                          **({"clock": clock} if clock else {}))
    with serving(app) as url:
        yield url


def nmvs_client(url: str, token: str | None = PHARMACY_TOKEN) -> NmvsClient:
    return NmvsClient.at(url, FAST_POLICY, token=token)
