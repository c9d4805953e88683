"""The bench's counter figures (issue 11): a change of the basket to its updated alerts, and its validation,
timed end to end over HTTP against a real `comptoir serve`, on SQLite and on PostgreSQL.

The user path: a pharmacist (bench operator with an RPPS, logged in by the API's bearer token) serves patients
one after the other, as at the counter. For each patient (`bench_counter_pharmacy`: allergies, weight and eGFR
set by the patients' and the profile's use cases; 40 history lines over the last year, written through the
dispensations' repository, as no use case dates a dispensation in the past) a paper-prescription basket is
opened for the patient, the prescriber and date are given, and it is filled to 8 lines through the one input
box — brand names typed with their strength, generics scanned by CIP13 or by their box's GS1 DataMatrix — each
given a posology. Then each change cycle is timed, request by request: a line added (typed, CIP13 or
DataMatrix, in turn), a line's number of boxes changed, a line's posology changed, the added line removed; each
answer is the whole basket analysed again (interactions, allergies, contraindications against the history and
the profile) with its alerts.
`counter_change` is the wall time from sending the request to the answer's JSON read, so the updated alerts
are in hand. Then every alert that needs a decision gets the pharmacist's override with its reason (not
timed), and the validation is timed the same way: `counter_validation`, one per patient, answered 201 with
the dispensation's number.

Not counted: the first patient (`WARM_UP`: the server builds its analysis reference and warms its caches on
it), the filling, the prescriber, the decisions, the logging in, the seeding and the server's start. Any
answer other than 2xx stops the bench (a timing of an error would be no timing), and each answer is checked:
the line added is there, the removed one is gone, the validation names its dispensation.
`server_cpu_ms_mean` is the CPU time of the server's process over the timed requests divided by their number
(psutil, ticks of 10 ms summed): what a change costs the server, whatever else the machine runs. `load_1m` is
the machine's load when the run ends. Sizes: 24 patients × 3 cycles (12 changes each), 24 validations
[`--quick`: 6 patients × 2 cycles, 6 validations], plus the warm-up patient.

The validation timed is the whole transaction as the counter has it: the dispensation and its lines, the
decisions, the ordonnancier's entries for the listed lines (`register_entries` counts them), the audit entry,
and the fan-out's outbox messages (the ON's execution, none for a paper prescription; one NMVS decommission per
box scanned by its DataMatrix: the DP and DMP handlers, when they are registered, will weigh on this figure with
no change here). Each DataMatrix scanned is verified by the server with its mounted NMVS emulator, to which the
bench first uploads its boxes (bench_nmvs.upload_scanned_packs), as the manufacturer would.

PostgreSQL: the server named by COMPTOIR_BENCH_POSTGRES_URL (default the test server,
postgresql://postgres@127.0.0.1:5432/test; "off" leaves it out). The bench creates a database of its own there,
`comptoir_bench_<random>` (so it collides with no test session and no other bench), imports the reference into
it, and drops it at the end. A server that cannot be reached is reported as `{"skipped": why}`.
"""

from __future__ import annotations

import os
import secrets
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from comptoir.analysis.reference import AnalysisReference
from comptoir.devtools.bench_counter_pharmacy import (
    FILLED,
    HISTORY_LINES,
    PASSWORD,
    PHARMACIST,
    Entry,
    Visit,
    prepare_pharmacy,
)
from comptoir.devtools.bench_nmvs import upload_scanned_packs
from comptoir.devtools.bench_server import api_client, running_server, wait_until_up
from comptoir.errors import ComptoirError
from comptoir.refdata.sources import RefdataSource
from comptoir.services.platform.runtime import Runtime, open_runtime
from comptoir.services.refdata.import_reference import import_reference
from comptoir.settings import Settings

Log = Callable[[str], None]
Send = Callable[[str, str, dict[str, Any] | None], dict[str, Any]]
WARM_UP = 1
POSTGRES_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
BASKETS = "/api/comptoir/paniers"
PRESCRIBER = {"prescriber_rpps": "10002223336", "prescriber_name": "Dr Julie BLANC"}
POSOLOGIES = ("1 cp par jour", "1 cp matin et soir", "1 cp 3 fois par jour pendant 7 jours", "1 cp le soir",
              "1/2 cp le matin", "2 cp par jour pendant 5 jours", "1 cp matin, midi et soir pendant 10 jours")
OVERRIDE = {"kind": "override", "reason": "Traitement connu et suivi par le prescripteur, patient informé."}


class BenchFailure(ComptoirError):
    """The counter did not answer as a counter expects: the figures would not measure the path."""


@dataclass(frozen=True, slots=True)
class CounterSizes:
    patients: int
    cycles: int


FULL = CounterSizes(patients=24, cycles=3)
QUICK = CounterSizes(patients=6, cycles=2)


def counter_benchmarks(sqlite_url: str, source: RefdataSource, reference: AnalysisReference, *, quick: bool,
                       log: Log) -> dict[str, Any]:
    """`counter_change` and `counter_validation` on `sqlite_url` (holding the reference), then the same two
    suffixed `_postgres` on a scratch PostgreSQL database."""
    sizes = QUICK if quick else FULL
    log(f"Comptoir : {sizes.patients} patients, 8 lignes, 40 lignes d'historique, par HTTP (SQLite)…")
    report = bench_counter(sqlite_url, reference, sizes)
    with postgres_database() as (url, why):
        if url is None:
            return report | {f"{name}_postgres": {"skipped": why} for name in report}
        log("Comptoir sur PostgreSQL : import du référentiel dans une base du banc…")
        _install_reference(url, source)
        log("Comptoir : les mêmes patients, par HTTP (PostgreSQL)…")
        return report | {f"{name}_postgres": figures for name, figures in bench_counter(url, reference, sizes).items()}


def bench_counter(database_url: str, reference: AnalysisReference, sizes: CounterSizes) -> dict[str, Any]:
    """The two figures on one database that holds the reference (the bench writes its pharmacy into it)."""
    with tempfile.TemporaryDirectory() as scratch:
        var_dir = Path(scratch) / "var"
        with _runtime(database_url, var_dir) as runtime:
            visits = prepare_pharmacy(runtime, reference, patients=WARM_UP + sizes.patients, added=sizes.cycles,
                                      now=datetime.now(UTC))
        return _served(database_url, var_dir, visits).report(sizes)


def _served(database_url: str, var_dir: Path, visits: list[Visit]) -> Counter:
    """The visits served at the counter of a server started for them."""
    upload_scanned_packs(var_dir, (entry.text for visit in visits for entry in visit.entries))
    with running_server(database_url, var_dir) as (pid, base):
        if not wait_until_up(base, timeout_s=180):
            log = (var_dir / "serve.log").read_text(errors="replace")[-2000:]
            raise BenchFailure(f"Le serveur du banc n'a pas démarré en 3 minutes :\n{log}")
        with api_client(base, PHARMACIST, PASSWORD) as client:
            counter = Counter(client, _ServerCpu(pid))
            for number, visit in enumerate(visits):
                counter.serve(visit, measured=number >= WARM_UP)
    return counter


class _ServerCpu:
    """CPU seconds the server's process has used so far (all its threads)."""

    def __init__(self, pid: int) -> None:
        import psutil

        self._process = psutil.Process(pid)

    def __call__(self) -> float:
        times = self._process.cpu_times()
        return float(times.user + times.system)


@dataclass
class Counter:
    """One pharmacist at the counter, over HTTP; keeps the timings of the measured patients."""

    client: httpx.Client
    server_cpu: Callable[[], float]
    measuring: bool = False
    changes: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    validations: list[float] = field(default_factory=list)
    cpu_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    requests: int = 0
    alerts: list[int] = field(default_factory=list)
    decisions: int = 0
    dispensations: set[int] = field(default_factory=set)
    register_entries: int = 0

    def serve(self, visit: Visit, *, measured: bool) -> None:
        self.measuring = measured
        basket = self._filled(visit)
        for step, entry in enumerate(visit.entries[FILLED:]):
            basket = self._cycle(basket, entry, step)
        basket = self._decided(basket)
        self._validate(basket)

    def _filled(self, visit: Visit) -> dict[str, Any]:
        basket = self._send("POST", BASKETS, {"kind": "ordonnance_papier", "patient_id": visit.patient_id})
        url = f"{BASKETS}/{basket['id']}"
        self._send("POST", f"{url}/ordonnance", PRESCRIBER | {"prescribed_on": datetime.now(UTC).date().isoformat()})
        for step, entry in enumerate(visit.entries[:FILLED]):
            basket, position = self._added(basket, entry, self._send)
            basket = self._send("PATCH", f"{url}/lignes/{position}", {"posology": POSOLOGIES[step % len(POSOLOGIES)]})
        return basket

    def _cycle(self, basket: dict[str, Any], entry: Entry, step: int) -> dict[str, Any]:
        """Add a line, change a line's boxes, another's posology, remove the line added: each one timed."""
        url = f"{BASKETS}/{basket['id']}"
        basket, added = self._added(basket, entry, partial(self._timed, "add"))
        line = basket["lines"][step % FILLED]
        boxes = {"boxes": line["boxes"] % 3 + 1}
        basket = self._timed("boxes", "PATCH", f"{url}/lignes/{line['position']}", boxes)
        line = basket["lines"][(step + 3) % FILLED]
        posology = {"posology": POSOLOGIES[(step + 4) % len(POSOLOGIES)]}
        basket = self._timed("posology", "PATCH", f"{url}/lignes/{line['position']}", posology)
        basket = self._timed("remove", "DELETE", f"{url}/lignes/{added}", None)
        if any(line["position"] == added for line in basket["lines"]):
            raise BenchFailure(f"La ligne {added} retirée est encore dans le panier.")
        return basket

    def _added(self, basket: dict[str, Any], entry: Entry, send: Send) -> tuple[dict[str, Any], int]:
        """The entry sent to the input box; the basket answered and the position of the line it made."""
        before = {line["position"] for line in basket["lines"]}
        basket = send("POST", f"{BASKETS}/{basket['id']}/saisie", {"text": entry.text})
        made = [line["position"] for line in basket["lines"] if line["position"] not in before]
        if len(made) != 1:
            raise BenchFailure(f"« {entry.text} » ({entry.kind}) n'a pas fait une ligne de plus dans le panier.")
        return basket, made[0]

    def _decided(self, basket: dict[str, Any]) -> dict[str, Any]:
        url = f"{BASKETS}/{basket['id']}"
        for alert in basket["alerts"]:
            if alert["needs_decision"] and alert["decision"] is None:
                basket = self._send("POST", f"{url}/decisions", OVERRIDE | {"alert_key": alert["key"]})
                if self.measuring:
                    self.decisions += 1
        if basket["blocking"]:
            raise BenchFailure("Validation encore empêchée : " + " ; ".join(basket["blocking"]))
        return basket

    def _validate(self, basket: dict[str, Any]) -> None:
        url = f"{BASKETS}/{basket['id']}/valider"
        validated = self._timed("validation", "POST", url, {"version": basket["version"]})
        if not isinstance(validated.get("dispensation_id"), int):
            raise BenchFailure(f"Validation sans délivrance : {validated}")
        if self.measuring:
            self.dispensations.add(validated["dispensation_id"])
            self.register_entries += len(validated["ordonnancier_numbers"])

    def _timed(self, kind: str, method: str, url: str, body: dict[str, Any] | None) -> dict[str, Any]:
        cpu, started = self.server_cpu(), time.perf_counter()
        answer = self._send(method, url, body)
        elapsed, cpu = (time.perf_counter() - started) * 1000, (self.server_cpu() - cpu) * 1000
        if not self.measuring:
            return answer
        if kind == "validation":
            self.validations.append(elapsed)
        else:
            self.changes[kind].append(elapsed)
            self.alerts.append(len(answer["alerts"]))
        self.cpu_ms[kind if kind == "validation" else "change"].append(cpu)
        return answer

    def _send(self, method: str, url: str, body: dict[str, Any] | None) -> dict[str, Any]:
        response = self.client.request(method, url, json=body)
        self.requests += 1
        if not response.is_success:
            raise BenchFailure(f"{method} {url} {body} : {response.status_code} {response.text[:400]}")
        answer: dict[str, Any] = response.json()
        return answer

    def report(self, sizes: CounterSizes) -> dict[str, Any]:
        every = [ms for timings in self.changes.values() for ms in timings]
        change = {**_summary(every), "by_change": {kind: _summary(ms) for kind, ms in self.changes.items()},
                  "server_cpu_ms_mean": _mean(self.cpu_ms["change"]), "patients": sizes.patients,
                  "warm_up_patients": WARM_UP, "lines": FILLED, "history_lines": HISTORY_LINES,
                  "alerts_mean": _mean([float(n) for n in self.alerts]), "requests": self.requests,
                  "load_1m": round(os.getloadavg()[0], 2)}
        validation = {**_summary(self.validations), "server_cpu_ms_mean": _mean(self.cpu_ms["validation"]),
                      "decisions": self.decisions, "dispensations": len(self.dispensations),
                      "register_entries": self.register_entries}
        return {"counter_change": change, "counter_validation": validation}


def _summary(values: list[float]) -> dict[str, float]:
    """p50, p95 (nearest rank, as bench.py) and max in milliseconds, with the count."""
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"count": len(ordered), "p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1),
            "max_ms": round(ordered[-1], 1)}


def _mean(values: list[float]) -> float:
    return round(statistics.fmean(values), 1) if values else 0.0


@contextmanager
def postgres_database() -> Iterator[tuple[str | None, str]]:
    """A scratch database on the bench's PostgreSQL server, dropped after; (None, why) when there is none."""
    server = os.environ.get("COMPTOIR_BENCH_POSTGRES_URL") or POSTGRES_DEFAULT
    if server.lower() == "off":
        yield None, "PostgreSQL écarté (COMPTOIR_BENCH_POSTGRES_URL=off)"
        return
    import psycopg

    name = f"comptoir_bench_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        yield None, f"PostgreSQL injoignable ({server.split('@')[-1]}) : {str(exc).strip().splitlines()[0]}"
        return
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}", ""
    finally:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _install_reference(database_url: str, source: RefdataSource) -> None:
    with tempfile.TemporaryDirectory() as scratch, _runtime(database_url, Path(scratch)) as runtime, \
            closing(runtime.unit_of_work()) as uow:
        import_reference(source, uow=uow, now=runtime.clock(), step=lambda _: None)


@contextmanager
def _runtime(database_url: str, var_dir: Path) -> Iterator[Runtime]:
    """A runtime on the bench's database with the settings the server will read (the same audit keys)."""
    runtime = open_runtime(Settings(database_url=database_url, var_dir=var_dir))
    try:
        yield runtime
    finally:
        runtime.engine.dispose()
