"""The verification of a scanned pack, as the counter does it: the DataMatrix as a USB scanner types it, read,
then verified by the counter's NMVS client (its policy: the settings' timeout, no retry) with the NMVS emulator
served by a live uvicorn on a local socket — what a `comptoir serve` does with its mounted emulator, which it
reaches over HTTP at its own address. Distinct packs of the emulator's seed (the generated ones, a different
pack each time), after one warm-up call (the connection opened, the seed loaded)."""

from __future__ import annotations

import json
import secrets
import statistics
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from comptoir.devtools.bench_server import free_port
from comptoir.national.http import HttpPolicy
from comptoir.national.nmvs.client import NmvsClient
from comptoir.reading.gs1 import looks_like_pack_code, parse_pack_code
from comptoir.services.nmvs.verification import pack_id, verify_at_scan

TRANSPORT = "uvicorn en direct, socket local (comme le serveur joint son émulateur monté)"


def bench_nmvs_verify(*, packs: int, timeout_s: float = 2.0) -> dict[str, Any]:
    wall: list[float] = []
    cpu: list[float] = []
    with _emulator(timeout_s) as (client, codes):
        verify_at_scan(parse_pack_code(codes[-1]), client)
        for code in codes[:packs]:
            started, started_cpu = time.perf_counter(), time.thread_time()
            verify_at_scan(parse_pack_code(code), client)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
    return {"packs": len(wall), "transport": TRANSPORT, "p50_ms": round(statistics.median(wall), 3),
            "p95_ms": round(_p95(wall), 3), "p95_cpu_ms": round(_p95(cpu), 3)}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@contextmanager
def _emulator(timeout_s: float) -> Iterator[tuple[NmvsClient, list[str]]]:
    import uvicorn

    from comptoir.national.credentials import demo_pharmacy
    from comptoir.national.nmvs.emulator import SEED_FILE, create_emulator

    token = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory() as scratch:
        app = create_emulator(Path(scratch) / "nmvs.db", credentials=[demo_pharmacy(token)])
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning",
                                               lifespan="off"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.02)
        client = NmvsClient.at(f"http://127.0.0.1:{server.config.port}", HttpPolicy(timeout_s=timeout_s, retries=0),
                               token=token)
        try:
            yield client, _datamatrix_codes(SEED_FILE)
        finally:
            client.close()
            server.should_exit = True


def _datamatrix_codes(seed: Path) -> list[str]:
    """The generated packs as their DataMatrix reads (GS after the lot), spread over the products."""
    from comptoir.national.nmvs.emulator import generated_packs

    spec = json.loads(seed.read_text(encoding="utf-8"))["generees"]
    packs = sorted(generated_packs(spec), key=lambda p: (p.serial[-5:], p.gtin))
    return [f"01{p.gtin}17{p.expiry:%y%m%d}10{p.lot}\x1d21{p.serial}" for p in packs]


def upload_scanned_packs(var_dir: Path, texts: Iterable[str]) -> int:
    """The packs a bench will scan at the counter of a server on `var_dir`, uploaded to its mounted NMVS emulator
    (var/emulateurs/nmvs.db) as the manufacturer would: the server verifies them as it verifies any pack."""
    from comptoir.national.nmvs.emulator import upload_packs

    codes = [parse_pack_code(text) for text in texts if looks_like_pack_code(text)]
    return upload_packs(var_dir / "emulateurs" / "nmvs.db", [pack_id(code) for code in codes if code.serial])
