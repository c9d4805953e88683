"""`comptoir bench`'s `dp_consultation`: the counter's DP consultation round trip, as the counter makes it when it
opens a patient — the pharmacy's client (one try, the settings' short timeout) asks a scratch DP emulator on a
free local port, over HTTP, for a patient's DP of 4 months; each DP holds 20 lines from two other pharmacies
(ordinary medicines, a vaccine, a biological medicine). Percentiles over distinct patients, wall-clock and the
bench thread's CPU (the emulator's own work runs in its server's threads)."""

from __future__ import annotations

import secrets
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from comptoir.national.credentials import Credential, Profession, demo_pharmacy
from comptoir.national.dp.client import DpClient
from comptoir.national.dp.port import Beneficiary, Category, FedLine, Feed
from comptoir.national.http import HttpPolicy

LINES_PER_PATIENT = 20
OTHERS = (("690012345", "Pharmacie du Marché, Villeurbanne"), ("130004567", "Pharmacie du Port, Marseille"))
COUNTER_POLICY = HttpPolicy(timeout_s=1.5, connect_timeout_s=1.0, retries=0)


def bench_dp_consultation(*, patients: int) -> dict[str, float]:
    today = date.today()
    wall, cpu = [], []
    with _emulator() as (counter, others):
        people = [Beneficiary(f"1{i:012d}", date(1950, 1, 1) + timedelta(days=i)) for i in range(patients)]
        for person in people:
            _fill(others, person, today)
        for person in people:
            started, started_cpu = time.perf_counter(), time.process_time()
            counter.consult(person)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    return {"consultations": patients, "lines_each": LINES_PER_PATIENT, "p50_ms": round(statistics.median(wall), 1),
            "p95_ms": round(_p95(wall), 1), "p95_cpu_ms": round(_p95(cpu), 1)}


def _fill(others: list[DpClient], person: Beneficiary, today: date) -> None:
    others[0].open(person, card_read=True, consent=True)
    for n in range(LINES_PER_PATIENT):
        category = Category.VACCINE if n == 0 else Category.BIOLOGICAL if n == 1 else Category.ORDINARY
        finess, name = OTHERS[n % 2]
        line = FedLine(1, f"340093{n:07d}", f"PRODUIT {n} 10 mg, comprimé", 1, category)
        others[n % 2].feed(person, Feed(f"B{n}", today - timedelta(days=3 * n), finess, name, (line,)))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@contextmanager
def _emulator() -> Iterator[tuple[DpClient, list[DpClient]]]:
    """A scratch DP on a free port; the counter's client and the two other pharmacies' clients."""
    import uvicorn

    from comptoir.national.dp.emulator import create_emulator

    tokens = [secrets.token_urlsafe(16) for _ in range(3)]
    credentials = [demo_pharmacy(tokens[0]), *(Credential(token, finess, f"1000000000{i}", Profession.PHARMACIEN)
                                               for i, (token, (finess, _)) in enumerate(zip(tokens[1:], OTHERS,
                                                                                            strict=True)))]
    with tempfile.TemporaryDirectory() as scratch:
        server = uvicorn.Server(uvicorn.Config(create_emulator(Path(scratch) / "dp.db", credentials=credentials),
                                               host="127.0.0.1", port=_free_port(), log_level="warning",
                                               lifespan="off"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.02)
        url = f"http://127.0.0.1:{server.config.port}"
        counter = DpClient.at(url, COUNTER_POLICY, token=tokens[0])
        others = [DpClient.at(url, token=token) for token in tokens[1:]]
        try:
            yield counter, others
        finally:
            for client in (counter, *others):
                client.close_connection()
            server.should_exit = True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
