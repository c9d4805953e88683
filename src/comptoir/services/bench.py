"""`comptoir bench`: timings of the hot paths, measured on the full reference.

- drug_search: one query at a time, in-process, on a freshly built index (so the typo
  look-ups are not served from the index's cache); queries are drawn from the reference
  itself (brands with strengths, DCI, misspellings, CIP13, CIP7) with a fixed seed.
- refdata_import_s: a full import into a scratch SQLite database.
- server_rss_mb: resident memory of a real `comptoir serve` process after it has loaded
  the reference and answered a search.
"""

from __future__ import annotations

import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from comptoir.refdata.search import DrugIndex, DrugRecord
from comptoir.services.drugs import load_drug_records
from comptoir.services.refdata_import import import_reference
from comptoir.services.refdata_status import find_source
from comptoir.services.runtime import Runtime
from comptoir.settings import Settings
from comptoir.store.db import make_engine, make_session_factory
from comptoir.store.migrate import upgrade

Log = Callable[[str], None]


def run_benchmarks(runtime: Runtime, *, log: Log) -> dict[str, Any]:
    with runtime.session_factory() as session:
        records = load_drug_records(session)
    log("Recherche de médicaments…")
    report: dict[str, Any] = {"drug_search": bench_drug_search(records)}
    log("Import complet du référentiel…")
    report["refdata_import_s"] = bench_import(runtime)
    log("Mémoire du serveur…")
    report["server_rss_mb"] = bench_server_memory(runtime.settings)
    report["cpu_count"] = os.cpu_count()
    return report


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bench_drug_search(records: list[DrugRecord], *, queries: int = 400) -> dict[str, float]:
    index = DrugIndex(records)
    timings = []
    for query in sample_queries(records, queries):
        started = time.perf_counter()
        index.search(query)
        timings.append((time.perf_counter() - started) * 1000)
    return {"queries": len(timings), "p50_ms": round(statistics.median(timings), 3),
            "p95_ms": round(percentile(timings, 0.95), 3), "max_ms": round(max(timings), 3)}


def sample_queries(records: list[DrugRecord], count: int) -> list[str]:
    rng = random.Random(20260519)
    chosen = rng.sample(records, min(count, len(records)))
    makers = (_brand_and_strength, _substance, _misspelt, _cip13, _cip7, _brand_prefix)
    return [makers[i % len(makers)](record, rng) for i, record in enumerate(chosen)]


def _brand_and_strength(record: DrugRecord, _: random.Random) -> str:
    words = record.name.replace(",", " ").split()
    return " ".join(words[:3]).lower()


def _substance(record: DrugRecord, _: random.Random) -> str:
    return record.substances[0] if record.substances else record.name.split()[0]


def _misspelt(record: DrugRecord, rng: random.Random) -> str:
    word = record.name.split()[0].lower()
    if len(word) < 5:
        return word
    cut = rng.randrange(1, len(word) - 1)
    return word[:cut] + word[cut + 1 :]


def _cip13(record: DrugRecord, _: random.Random) -> str:
    return record.cip13[0] if record.cip13 else record.cis


def _cip7(record: DrugRecord, _: random.Random) -> str:
    return record.cip7[0] if record.cip7 else record.cis


def _brand_prefix(record: DrugRecord, _: random.Random) -> str:
    return record.name.split()[0][:5].lower()


def bench_import(runtime: Runtime) -> float:
    source = find_source(runtime)
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'bench.db'}")
        upgrade(engine)
        started = time.perf_counter()
        import_reference(source, session_factory=make_session_factory(engine), now=runtime.clock(),
                         step=lambda _: None)
        elapsed = time.perf_counter() - started
        engine.dispose()
    return round(elapsed, 2)


def bench_server_memory(settings: Settings) -> float | None:
    """Start `comptoir serve` on a free port against the same database, search once, read its RSS."""
    import psutil

    port = _free_port()
    env = {**os.environ, "COMPTOIR_DATABASE_URL": settings.database_url, "COMPTOIR_PORT": str(port)}
    command = [sys.executable, "-c", "from comptoir.cli import main; main()", "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not _wait_until_up(port, timeout_s=120):
            return None
        httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5)
        rss_bytes: int = psutil.Process(server.pid).memory_info().rss
        return round(rss_bytes / 1_048_576, 1)
    finally:
        server.terminate()
        server.wait(timeout=20)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(port: int, *, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            time.sleep(0.2)
    return False
