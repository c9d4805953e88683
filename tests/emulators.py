"""Run a national-service emulator on a real socket for a test (uvicorn in a thread); wait for a server."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from comptoir.national.credentials import Credential, Profession, demo_pharmacy, demo_prescriber
from comptoir.national.eprescription.client import EPrescriptionClient
from comptoir.national.http import HttpPolicy
from comptoir.national.ins.client import InsiClient
from comptoir.national.ins.emulator import create_emulator

FAST_POLICY = HttpPolicy(timeout_s=0.5, connect_timeout_s=0.5, retries=1, backoff_s=0.01)
"""Short timeouts so the "lenteur" scenario (sleeping `SLOW_S`) fails fast."""
SLOW_S = 1.5
PHARMACY_TOKEN = "jeton-de-test-pharmacie"
PRESCRIBER_TOKEN = "jeton-de-test-prescripteur"
OTHER_PRESCRIBER_TOKEN = "jeton-de-test-autre-prescripteur"
OTHER_PRESCRIBER = Credential(OTHER_PRESCRIBER_TOKEN, "690781810", "10000005479", Profession.MEDECIN)
"""Another doctor, in another practice: he must not see the demo prescriber's ONs."""
ON_CREDENTIALS = (demo_pharmacy(PHARMACY_TOKEN), demo_prescriber(PRESCRIBER_TOKEN), OTHER_PRESCRIBER)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning",
                                           timeout_graceful_shutdown=1, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("emulator did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def insi_emulator(directory: Path) -> Iterator[str]:
    """The INSi emulator with its own database in `directory`, accepting the pharmacy's token; yields its URL."""
    with serving(create_emulator(directory / "insi.db", credentials=[demo_pharmacy(PHARMACY_TOKEN)],
                                 slow_s=SLOW_S)) as url:
        yield url


def insi_client(url: str, token: str | None = PHARMACY_TOKEN) -> InsiClient:
    return InsiClient.at(url, FAST_POLICY, token=token)


@contextmanager
def eprescription_emulator(directory: Path, clock: Callable[[], datetime] | None = None) -> Iterator[str]:
    """The ON base emulator with its own database in `directory`, accepting `ON_CREDENTIALS`; yields its URL."""
    from comptoir.national.eprescription.emulator import create_emulator as create_on_emulator

    app = create_on_emulator(directory / "ordonnance-numerique.db", credentials=ON_CREDENTIALS, slow_s=SLOW_S,
                             **({"clock": clock} if clock else {}))
    with serving(app) as url:
        yield url


def eprescription_client(url: str, token: str | None = PHARMACY_TOKEN) -> EPrescriptionClient:
    """The counter's client by default (the pharmacy's token); `PRESCRIBER_TOKEN` for the prescriber module's."""
    return EPrescriptionClient.at(url, FAST_POLICY, token=token)


def prescriber_client(url: str, token: str = PRESCRIBER_TOKEN) -> EPrescriptionClient:
    return eprescription_client(url, token)


def wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server stopped: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")
