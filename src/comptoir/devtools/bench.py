"""`comptoir bench`: timings of the hot paths, on the full reference, with inputs as users give them.

Every figure below is measured in-process unless said otherwise; `--quick` runs the same figures on
smaller sizes (given in brackets) so that the test suite can check the report in a few minutes. Percentiles
are wall-clock; where the work runs in the bench's own thread, `p95_cpu_ms` beside them is the CPU time
of that thread, so a reading taken on a busy machine still tells what the code costs.

- drug_search: one query at a time on a freshly built index (so typo look-ups are not served from the
  index's cache). Text queries are the fixed list `bench/search_queries.tsv` — written by hand and by
  rules from French prescribing habits (lower case, missing accents, "amox 1g", "seroplex 10mg",
  misspellings), not taken from the index's names; the `code` kind is CIP13 and CIP7 codes drawn from
  the reference with a fixed seed, half of them typed with spaces. `p50_ms`/`p95_ms`/`max_ms` over all
  queries, and `by_kind.{brand_strength,dci,misspelt,code}` with their own percentiles
  (433 text queries and 120 codes [every third text query, 40 codes]).
- analysis: `analyse` on 6-line prescriptions whose lines are the brand and DCI queries of the same
  file (so lines are resolved from prescriber-typed text, a new text now and then), with 40 history
  lines by CIP13, for patients as a pharmacy sees them (`bench_patients`: ages 0 to 98, weight,
  eGFR for most of the elderly, some pregnant women, one or two declared allergies each)
  (300 cases [100]).
- scan_to_screen: distinct e-prescriptions, each QR code photographed (perspective, blur, low light,
  JPEG), decoded, the ON fetched from the base emulator over HTTP, the counter's plan and the analysis
  built, with the memo of resolved lines emptied before each scan: see `bench_scan` (60 [15]).
- dp_consultation: the counter's DP consultation round trip when it opens a patient (the pharmacy's client, one
  try, against a scratch DP emulator over HTTP, 20 lines from other pharmacies per DP): see `bench_dp`
  (60 patients [15]).
- nmvs_verify_p95_ms (and `nmvs_verify`): a scanned pack's DataMatrix read and verified with the NMVS, the
  emulator's round trip over HTTP included — a live uvicorn on a local socket, as `comptoir serve` reaches its
  mounted emulator; distinct seeded packs, the counter's client policy: see `bench_nmvs` (200 [40]).
- deferred_check_100k_s: the deferred double check of 100,000 synthetic dispensations (5,000 patients,
  a year, one patient in five with a declared allergy) in a scratch SQLite; `deferred_check.cpu_s` is
  the CPU time of the bench and its forked workers during the check. With `--quick`, 10,000
  dispensations are checked and this figure is their time × 10 (an estimate: `quick` is true and
  `deferred_check.dispensations` says how many were checked).
- posology_parse: `parse_posology` on the first 200 texts of the annotated corpus
  (`tests/data/posology_corpus.jsonl`), each text parsed once, no cache, after one warm-up parse of
  another text (the patterns compiled, as in a running server) [same].
- posology_accuracy: not a timing; the share of cases fully right and per field of the posology reader
  on the development corpus and on the blind set (`null` while tests/data/blind/posology_blind.jsonl
  does not exist), as `comptoir posology eval --json` gives them [same].
- cda_edisp_build_p95_ms: building one eDISP-MED_2024.01 document of 8 lines, the DMP's copy of a
  dispensation (`cda_edisp_build` gives its p50 too): see `bench_cda` (300 documents [100]).
- refdata_import_s: a full import of the reference into a scratch SQLite database (it includes the
  thesaurus-name mapping that the unit tests used to time) [same].
- server_rss_mb: resident memory of a real `comptoir serve` process on that scratch database after it has
  loaded the reference and answered a search, an analysis with an allergy and the OCR of a generated
  paper prescription (`server_rss_reference_mb`: once the reference alone is loaded): see
  `bench_server` [same].
- counter_change, counter_validation (and `_postgres`): the counter's basket over HTTP against a real
  `comptoir serve` on that scratch database, then on a scratch PostgreSQL database: a change of an 8-line
  basket (40 history lines, allergies, eGFR, weight) to its updated alerts, and its validation, end to end
  (see `bench_counter`: 24 patients × 12 changes, 24 validations [6 × 8, 6]).
- bench_s, bench_cpu_s: the whole run's wall-clock and CPU seconds (the bench, its workers and the
  server it started), so a `--quick` run on a busy machine still tells whether it fits in a minute.
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from comptoir.analysis.case import Case, HistoryItem, PrescribedLine
from comptoir.analysis.engine import analyse
from comptoir.analysis.reference import AnalysisReference
from comptoir.devtools.bench_cda import bench_cda_dispensation
from comptoir.devtools.bench_counter import counter_benchmarks
from comptoir.devtools.bench_dp import bench_dp_consultation
from comptoir.devtools.bench_nmvs import bench_nmvs_verify
from comptoir.devtools.bench_patients import patient
from comptoir.devtools.bench_scan import bench_scan_to_screen
from comptoir.devtools.bench_server import server_memory
from comptoir.devtools.cli_timings import cli_timings
from comptoir.devtools.posology_sets import posology_accuracy
from comptoir.devtools.synthetic_dispensations import generate, store
from comptoir.errors import ConfigurationError
from comptoir.reading.posology import parse_posology
from comptoir.refdata.search import DrugIndex, DrugRecord
from comptoir.refdata.sources import RefdataSource
from comptoir.services.analysis.deferred_check import check_period
from comptoir.services.platform.runtime import Runtime
from comptoir.services.refdata.drugs import load_drug_records
from comptoir.services.refdata.import_reference import import_reference
from comptoir.services.refdata.status import find_source
from comptoir.store.db import make_engine, make_session_factory
from comptoir.store.migrate import upgrade
from comptoir.store.unit_of_work import SqlUnitOfWork

Log = Callable[[str], None]
REPOSITORY = Path(__file__).resolve().parents[3]
SEARCH_QUERIES = REPOSITORY / "bench" / "search_queries.tsv"
POSOLOGY_CORPUS = REPOSITORY / "tests" / "data" / "posology_corpus.jsonl"


@dataclass(frozen=True, slots=True)
class Sizes:
    search_every: int
    codes: int
    analysis_cases: int
    scans: int
    dispensations: int
    cda_documents: int
    nmvs_packs: int


FULL = Sizes(search_every=1, codes=120, analysis_cases=300, scans=60, dispensations=100_000, cda_documents=300,
             nmvs_packs=200)
QUICK = Sizes(search_every=3, codes=40, analysis_cases=100, scans=15, dispensations=10_000, cda_documents=100,
              nmvs_packs=40)


def run_benchmarks(runtime: Runtime, *, log: Log, quick: bool = False) -> dict[str, Any]:
    sizes = QUICK if quick else FULL
    started, cpu = time.perf_counter(), _cpu_s()
    records, reference = _loaded(runtime)
    log("Recherche de médicaments (requêtes telles que tapées)…")
    report: dict[str, Any] = {"quick": quick, "drug_search": bench_drug_search(records, sizes)}
    log("Analyse d'ordonnance (6 lignes, 40 lignes d'historique, patients avec allergies)…")
    report["analysis"] = bench_analysis(reference, cases=sizes.analysis_cases)
    report["analysis_accuracy"] = analysis_accuracy(reference)
    log("Du scan à l'écran (QR photographiés, ordonnances distinctes)…")
    with runtime.session_factory() as session:
        report["scan_to_screen"] = bench_scan_to_screen(session, reference, scans=sizes.scans)
    log("Consultation du DP à l'ouverture du patient (aller-retour HTTP)…")
    report["dp_consultation"] = bench_dp_consultation(patients=sizes.scans)
    log("Vérification NMVS d'une boîte scannée (émulateur sur socket)…")
    report["nmvs_verify"] = bench_nmvs_verify(packs=sizes.nmvs_packs, timeout_s=runtime.settings.nmvs_timeout_s)
    report["nmvs_verify_p95_ms"] = report["nmvs_verify"]["p95_ms"]
    log(f"Contrôle différé de {sizes.dispensations:,} délivrances…".replace(",", " "))
    report |= bench_deferred_check(reference, count=sizes.dispensations)
    report["posology_parse"] = bench_posology()
    report["cda_edisp_build"] = bench_cda_dispensation(reference, documents=sizes.cda_documents)
    report["cda_edisp_build_p95_ms"] = report["cda_edisp_build"]["p95_ms"]
    report["posology_accuracy"] = posology_accuracy()
    log("Import complet du référentiel, puis mémoire du serveur…")
    source = find_source(runtime)
    with scratch_reference(source, runtime.clock()) as (database_url, import_s):
        report["refdata_import_s"] = import_s
        report |= server_memory(database_url, records)
        report |= counter_benchmarks(database_url, source, reference, quick=quick, log=log)
    log("Démarrage des commandes (processus neufs)…")
    report["cli"] = cli_timings(runtime, runs=3 if quick else 5)
    report["cpu_count"] = os.cpu_count()
    report["bench_s"] = round(time.perf_counter() - started, 1)
    report["bench_cpu_s"] = round(_cpu_s() - cpu, 1)
    return report


def analysis_accuracy(reference: AnalysisReference) -> dict[str, float | None]:
    """Share of the annotated cases fully right: development set and, apart, the blind set (issue 17)."""
    from comptoir.services.analysis.evaluation import accuracy_summary, default_sets, evaluate_files

    return accuracy_summary(evaluate_files(default_sets(REPOSITORY), reference))


def _loaded(runtime: Runtime) -> tuple[list[DrugRecord], AnalysisReference]:
    """The reference as the services give it."""
    with closing(runtime.unit_of_work()) as uow, uow:
        return load_drug_records(uow.reference), runtime.analysis_reference.get(uow.reference)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Timings:
    """Wall-clock and CPU milliseconds (this thread's) of each run. On a shared machine the gap between
    the two is the time other processes held the core: `p95_cpu_ms` is what the code itself costs."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    @contextmanager
    def run(self) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.thread_time()
        yield
        self.cpu.append((time.thread_time() - cpu) * 1000)
        self.wall.append((time.perf_counter() - wall) * 1000)

    def summary(self) -> dict[str, float]:
        return {"p50_ms": round(statistics.median(self.wall), 3), "p95_ms": round(percentile(self.wall, 0.95), 3),
                "p95_cpu_ms": round(percentile(self.cpu, 0.95), 3)}


def typed_queries() -> list[tuple[str, str]]:
    """(kind, query) of `bench/search_queries.tsv`, in the file's order."""
    if not SEARCH_QUERIES.is_file():
        raise ConfigurationError(f"Requêtes du banc introuvables : {SEARCH_QUERIES}.")
    with SEARCH_QUERIES.open(encoding="utf-8", newline="") as file:
        return [(row["kind"], row["query"]) for row in csv.DictReader(file, delimiter="\t")]


def search_queries(records: list[DrugRecord], sizes: Sizes) -> list[tuple[str, str]]:
    """The typed queries (every `search_every`-th), then codes drawn from the reference."""
    return typed_queries()[::sizes.search_every] + _codes(records, sizes.codes)


def _codes(records: list[DrugRecord], count: int) -> list[tuple[str, str]]:
    rng = random.Random(20260519)
    coded = [r for r in records if r.cip13 and r.cip7]
    codes = []
    for n, record in enumerate(rng.sample(coded, min(count, len(coded)))):
        code = record.cip13[0] if n % 2 == 0 else record.cip7[0]
        codes.append(("code", f"{code[:4]} {code[4:]}" if n % 4 < 2 else code))
    return codes


def bench_drug_search(records: list[DrugRecord], sizes: Sizes) -> dict[str, Any]:
    index = DrugIndex(records)
    every, by_kind = Timings(), defaultdict[str, Timings](Timings)
    for kind, query in search_queries(records, sizes):
        with every.run(), by_kind[kind].run():
            index.search(query)
    return {"queries": len(every.wall), **every.summary(), "max_ms": round(max(every.wall), 3),
            "by_kind": {kind: {"queries": len(t.wall), **t.summary()} for kind, t in by_kind.items()}}


def bench_analysis(reference: AnalysisReference, *, cases: int) -> dict[str, float]:
    timings = Timings()
    for case in _analysis_cases(reference, cases):
        with timings.run():
            analyse(case, reference)
    return {"cases": cases, **timings.summary()}


def _analysis_cases(reference: AnalysisReference, count: int) -> Iterator[Case]:
    rng = random.Random(20260219)
    today = date(2026, 2, 19)
    lines = [query for kind, query in typed_queries() if kind in ("brand_strength", "dci")]
    cip13s = rng.sample(sorted(reference.cip13_to_cis), 2000)
    posologies = ("1 cp par jour", "1 cp matin et soir", "1 cp 3 fois par jour pendant 7 jours", "1 cp si douleur")
    for _ in range(count):
        yield Case(today=today, patient=patient(rng, today),
                   lines=tuple(PrescribedLine(text, rng.choice(posologies)) for text in rng.sample(lines, 6)),
                   history=tuple(HistoryItem(c, today - timedelta(days=rng.randrange(360)))
                                 for c in rng.sample(cip13s, 40)))


def bench_deferred_check(reference: AnalysisReference, *, count: int) -> dict[str, Any]:
    """`count` synthetic dispensations (count / 20 patients, a year, one in five allergic), checked whole."""
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'deferred.db'}")
        upgrade(engine)
        factory = make_session_factory(engine)
        people, rows, lines = generate(reference, patients=count // 20, dispensations=count, first_patient_id=1,
                                       start=date(2025, 1, 1), days=365, allergy_share=0.2)
        store(factory, people, rows, lines)
        started, cpu = time.perf_counter(), _cpu_s()
        with closing(SqlUnitOfWork(factory)) as uow:
            check_period(date(2025, 1, 1), uow=uow, reference=reference, until=date(2025, 12, 31))
        elapsed, cpu = time.perf_counter() - started, _cpu_s() - cpu
        engine.dispose()
    return {"deferred_check_100k_s": round(elapsed * 100_000 / count, 1),
            "deferred_check": {"dispensations": count, "s": round(elapsed, 1), "cpu_s": round(cpu, 1)}}


def _cpu_s() -> float:
    """CPU seconds of this process and of its finished children (the check's forked workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def bench_posology(*, texts: int = 200) -> dict[str, float]:
    corpus = [json.loads(line)["text"] for line in POSOLOGY_CORPUS.read_text(encoding="utf-8").splitlines()[:texts]]
    parse_posology("1 cp matin et soir pendant 7 jours")  # a server has compiled its patterns long ago
    timings = Timings()
    for text in corpus:
        with timings.run():
            parse_posology(text)
    return {"texts": len(corpus), "mean_ms": round(statistics.fmean(timings.wall), 3), **timings.summary()}


@contextmanager
def scratch_reference(source: RefdataSource, now: datetime) -> Iterator[tuple[str, float]]:
    """A scratch SQLite database with the full reference imported: its URL and the import's seconds."""
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        started = time.perf_counter()
        with closing(SqlUnitOfWork(make_session_factory(engine))) as uow:
            import_reference(source, uow=uow, now=now, step=lambda _: None)
        elapsed = time.perf_counter() - started
        engine.dispose()
        yield url, round(elapsed, 2)
