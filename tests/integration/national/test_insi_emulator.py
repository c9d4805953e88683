"""The INSi emulator mounted in a server: its slow answers and its database work never hold the event loop."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from fastapi import FastAPI

from comptoir.national.credentials import demo_pharmacy
from comptoir.national.ins.emulator import create_emulator
from tests.emulators import PHARMACY_TOKEN, serving

BOUND_S = 30.0
"""Only so that a blocked loop fails the test instead of hanging it; nothing is measured against it."""


def server_with_insi(database: Path, *, stalled: threading.Event, release: threading.Event) -> FastAPI:
    def sleep(_: float) -> None:
        stalled.set()
        release.wait(BOUND_S)

    app = FastAPI()
    app.mount("/emulateurs/insi", create_emulator(database, credentials=[demo_pharmacy(PHARMACY_TOKEN)], sleep=sleep))

    @app.get("/ping")
    async def ping() -> str:  # served on the event loop itself: it answers only if nothing blocks the loop
        return "pong"

    return app


def test_a_slow_insi_answer_does_not_hold_the_server_s_other_requests(tmp_path: Path) -> None:
    stalled, release = threading.Event(), threading.Event()
    app = server_with_insi(tmp_path / "insi.db", stalled=stalled, release=release)

    with serving(app) as url, ThreadPoolExecutor(1) as pool:
        slow = pool.submit(httpx.post, f"{url}/emulateurs/insi/recherche/traits",
                           json={"nomNaissance": "LENTEUR", "prenoms": "TEST"}, timeout=BOUND_S,
                           headers={"Authorization": f"Bearer {PHARMACY_TOKEN}"})
        try:
            assert stalled.wait(BOUND_S)
            other = httpx.get(f"{url}/ping", timeout=BOUND_S)
            slow_still_waiting = not slow.done()
        finally:
            release.set()
        slow_answer = slow.result()

    assert other.json() == "pong" and slow_still_waiting
    assert slow_answer.status_code == 200 and slow_answer.json()["codeRetour"] in {"00", "01"}
