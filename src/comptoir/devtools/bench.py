"""`comptoir bench`: timings of the hot paths, measured on the full reference.

- drug_search: one query at a time, in-process, on a freshly built index (so the typo
  look-ups are not served from the index's cache); queries are drawn from the reference
  itself (brands with strengths, DCI, misspellings, CIP13, CIP7) with a fixed seed.
- refdata_import_s: a full import into a scratch SQLite database.
- analysis: a 6-line prescription with 40 history lines, in-process, full reference loaded.
- deferred_check_100k_s: the deferred double check of 100,000 synthetic dispensations.
- scan_to_screen: an ON's QR image decoded, the ON fetched from the base emulator over HTTP, the
  counter page's data built (see `bench_scan_to_screen`).
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
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from comptoir.analysis.case import Case, HistoryItem, PatientProfile, PrescribedLine
from comptoir.analysis.engine import analyse
from comptoir.analysis.reference import AnalysisReference
from comptoir.devtools.synthetic_dispensations import generate, store
from comptoir.refdata.search import DrugIndex, DrugRecord
from comptoir.services.analysis.deferred_check import deferred_check
from comptoir.services.platform.runtime import Runtime
from comptoir.services.refdata.drugs import load_drug_records
from comptoir.services.refdata.import_reference import import_reference
from comptoir.services.refdata.status import find_source
from comptoir.settings import Settings
from comptoir.store.db import make_engine, make_session_factory
from comptoir.store.migrate import upgrade

Log = Callable[[str], None]


def run_benchmarks(runtime: Runtime, *, log: Log) -> dict[str, Any]:
    with runtime.session_factory() as session:
        records = load_drug_records(session)
    log("Recherche de médicaments…")
    report: dict[str, Any] = {"drug_search": bench_drug_search(records)}
    log("Analyse d'ordonnance (6 lignes, 40 lignes d'historique)…")
    with runtime.session_factory() as session:
        reference = runtime.analysis_reference.get(session)
    report["analysis"] = bench_analysis(reference)
    report["scan_to_screen"] = bench_scan_to_screen(runtime)
    log("Contrôle différé de 100 000 délivrances…")
    report["deferred_check_100k_s"] = bench_deferred_check(reference)
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


def bench_analysis(reference: AnalysisReference, *, cases: int = 300) -> dict[str, float]:
    """Cases of 6 lines typed as product names (from a pool of 400, so some are new to the memo) and
    40 history lines given by CIP13, as the pharmacy's own dispensations are."""
    rng = random.Random(20260219)
    marketed = [p for p in reference.products.values() if p.marketed and p.components]
    pool = rng.sample(marketed, 400)
    cip13s = rng.sample(sorted(reference.cip13_to_cis), 2000)
    posologies = ("1 cp par jour", "1 cp matin et soir", "1 cp 3 fois par jour pendant 7 jours", "1 cp si douleur")
    timings = []
    for _ in range(cases):
        case = Case(today=date(2026, 2, 19), patient=PatientProfile(birth_date=date(1950, 5, 1), sex="F"),
                    lines=tuple(PrescribedLine(p.name, rng.choice(posologies)) for p in rng.sample(pool, 6)),
                    history=tuple(HistoryItem(c, date(2026, 2, 19) - timedelta(days=rng.randrange(360)))
                                  for c in rng.sample(cip13s, 40)))
        started = time.perf_counter()
        analyse(case, reference)
        timings.append((time.perf_counter() - started) * 1000)
    return {"cases": cases, "p50_ms": round(statistics.median(timings), 3),
            "p95_ms": round(percentile(timings, 0.95), 3)}


def bench_deferred_check(reference: AnalysisReference, *, count: int = 100_000) -> float:
    """100,000 synthetic dispensations (5,000 patients, a year) in a scratch SQLite, checked whole."""
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'deferred.db'}")
        upgrade(engine)
        factory = make_session_factory(engine)
        people, rows, lines = generate(reference, patients=count // 20, dispensations=count, first_patient_id=1,
                                       start=date(2025, 1, 1), days=365)
        store(factory, people, rows, lines)
        started = time.perf_counter()
        deferred_check(factory, reference, since=date(2025, 1, 1), until=date(2025, 12, 31))
        elapsed = time.perf_counter() - started
        engine.dispose()
    return round(elapsed, 1)


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


def bench_scan_to_screen(runtime: Runtime, *, scans: int = 60) -> dict[str, float]:
    """Scan to screen: a photo of an ON's QR code decoded, the ON fetched from the base emulator over HTTP
    (uvicorn on a free port, its own scratch database), the counter page's data built (each line's
    products, boxes and deliveries, and the analysis), on the full reference. Nothing is written."""
    import secrets
    import threading

    import uvicorn

    from comptoir.national.credentials import demo_pharmacy, demo_prescriber
    from comptoir.national.eprescription.client import EPrescriptionClient
    from comptoir.national.eprescription.emulator import create_emulator
    from comptoir.reading.prescription_qr import qr_payload, read_qr
    from comptoir.services.analysis.analyse import analyse_data
    from comptoir.services.eprescription.counter import plan
    from comptoir.services.eprescription.document import qr_png
    from comptoir.services.eprescription.scan import check_against_qr, decode_image

    with tempfile.TemporaryDirectory() as scratch:
        tokens = (secrets.token_urlsafe(16), secrets.token_urlsafe(16))  # the scratch base's pharmacy and doctor
        emulator = create_emulator(Path(scratch) / "on.db", credentials=[demo_pharmacy(tokens[0]),
                                                                          demo_prescriber(tokens[1])])
        server = uvicorn.Server(uvicorn.Config(emulator, host="127.0.0.1",
                                               port=_free_port(), log_level="warning", lifespan="off"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.02)
        client = EPrescriptionClient.at(f"http://127.0.0.1:{server.config.port}", token=tokens[0])
        doctor = EPrescriptionClient.at(f"http://127.0.0.1:{server.config.port}", token=tokens[1])
        with runtime.session_factory() as session:
            reference = runtime.analysis_reference.get(session)
            draft = _bench_draft(reference)
            ident = doctor.create(draft).prescription_id
            p = draft.patient
            image = qr_png(qr_payload(ident, last_name=p.last_name, first_name=p.first_name, birth_date=p.birth_date,
                                      rpps=draft.prescriber.rpps, am=draft.prescriber.am), scale=4)
            timings = []
            for _ in range(scans):
                started = time.perf_counter()
                content = read_qr(decode_image(image))
                prescription = client.consult(content.prescription_id, rpps="", finess="")
                check_against_qr(content, prescription)
                plan(session, prescription, 0)
                analyse_data({"today": date.today().isoformat(), "patient": {"birth_date": "1966-02-23"},
                              "lines": [{"drug": x.text, "posology": x.posology} for x in prescription.lines]},
                             reference)
                timings.append((time.perf_counter() - started) * 1000)
            session.rollback()
        client.close()
        doctor.close()
        server.should_exit = True
    return {"scans": scans, "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 0.95), 1)}


def _bench_draft(reference: AnalysisReference) -> Any:
    from comptoir.domain.eprescription.prescription import Draft, LineKind, PatientTraits, PrescribedLine, Prescriber

    rng = random.Random(20260219)
    marketed = sorted((p for p in reference.products.values() if p.marketed and p.components), key=lambda p: p.cis)
    lines = tuple(PrescribedLine(n + 1, LineKind.MEDICINE, product.name, "1 comprimé matin et soir", 1, 2, 30,
                                 product.cis) for n, product in enumerate(rng.sample(marketed, 4)))
    return Draft(Prescriber("99900038441", "991118019", "TRAL", "ADEMIS"),
                 PatientTraits("GENE", "Alain", date(1966, 2, 23), "M"), date.today(), lines, consent=True)
