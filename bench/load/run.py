"""Run the load scenario (locustfile.py) against fresh servers, check nothing was lost or doubled, write a report.

    ./.venv/bin/python -m bench.load.run                        # the three configurations, 10 minutes each
    ./.venv/bin/python -m bench.load.run --config sqlite --minutes 2

For each configuration: a temporary directory, a fresh database (SQLite file there, or a PostgreSQL database
`comptoir_load_<random>` on 127.0.0.1:5432 dropped afterwards), `comptoir demo`, one or two `comptoir serve`
on free loopback ports (two servers share the database and one ON base emulator, the first's; each sends the
outbox, so their workers compete), ONs prepared by the demo prescriber, a warm-up of each server, then locust
headless (8 counters + 1 prescriber), the outbox left to drain, the servers stopped, the checks of checks.py,
and bench/load/results/<date>-<config>-<minutes>min.{json,md}. Everything on 127.0.0.1, every wait bounded.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
from bench.load import checks
from bench.load import scenario as sc

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
BIN = Path(sys.executable).parent
POSTGRES_ADMIN = os.environ.get("LOAD_POSTGRES_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
CONFIGS = {"sqlite": ("sqlite", 1), "postgres": ("postgres", 1), "postgres-2": ("postgres", 2)}
EMULATOR = "/emulateurs/ordonnance-numerique"
DEMO_TIMEOUT_S, START_TIMEOUT_S, DRAIN_TIMEOUT_S, STOP_TIMEOUT_S = 1200, 300, 300, 60
LOAD_SAMPLE_S = 5.0


@dataclass
class Run:
    name: str
    database: str
    servers: int
    minutes: float
    counters: int
    prepared: int
    tmp: Path
    url: str = ""
    hosts: list[str] = field(default_factory=list)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)


def log(text: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {text}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1] if url.startswith("postgresql://") else url


@contextmanager
def database(run: Run) -> Iterator[str]:
    """A fresh database for this run: a SQLite file in its directory, or a PostgreSQL database, dropped after."""
    if run.database == "sqlite":
        yield f"sqlite:///{run.tmp / 'var-1' / 'comptoir.db'}"
        return
    import psycopg

    name = f"comptoir_load_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=10) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log(f"base PostgreSQL {name} supprimée")


def environment(run: Run, number: int, secret: str, emulator_url: str | None) -> dict[str, str]:
    """The server's environment: the caller's COMPTOIR_* left out, everything under the run's directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
    env |= {"COMPTOIR_DATABASE_URL": run.url, "COMPTOIR_VAR_DIR": str(run.tmp / f"var-{number}"),
            "COMPTOIR_SECRET_KEY": secret, "COMPTOIR_BACKUP_EVERY_H": "0", "COMPTOIR_HOST": "127.0.0.1",
            # Each counter logs in from its own workstation, as the pharmacy would configure them.
            "COMPTOIR_WORKSTATIONS": ",".join(["preparation", "prescripteur",
                                               *(f"comptoir-{n}" for n in range(1, 33))])}
    if emulator_url:
        env["COMPTOIR_EPRESCRIPTION_URL"] = emulator_url
    return env


def load_demo(run: Run, secret: str) -> float:
    started = time.monotonic()
    with (run.tmp / "demo.log").open("wb") as out:
        subprocess.run([str(BIN / "comptoir"), "demo"], env=environment(run, 1, secret, None), cwd=run.tmp,
                       stdout=out, stderr=subprocess.STDOUT, check=True, timeout=DEMO_TIMEOUT_S)
    return time.monotonic() - started


def start_servers(run: Run, secret: str) -> None:
    """One or two `comptoir serve`; the second sends its executions to the first's emulator (one ON base)."""
    emulator_url = None
    for number in range(1, run.servers + 1):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with (run.tmp / f"serve-{number}.log").open("wb") as out:
            process = subprocess.Popen([str(BIN / "comptoir"), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                       env=environment(run, number, secret, emulator_url), cwd=run.tmp,
                                       stdout=out, stderr=subprocess.STDOUT)
        run.processes.append(process)
        wait_until_up(base, process)
        run.hosts.append(base)
        emulator_url = emulator_url or base + EMULATOR
        log(f"serveur {number} prêt sur {base}")


def wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"le serveur {base} s'est arrêté (code {process.returncode})")
        with suppress(httpx.HTTPError):
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"le serveur {base} n'a pas démarré en {START_TIMEOUT_S} s")


def stop_servers(run: Run) -> None:
    for process in run.processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in run.processes:
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def patients(url: str) -> list[dict[str, Any]]:
    """The pharmacy's patients with the identity their doctor types on an ON."""
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlalchemy_url(url))
    query = text("select id, last_name, first_name, birth_date, sex from patient where merged_into_id is null "
                 "order by id")
    try:
        with engine.connect() as db:
            return [{"id": int(i), "last_name": last, "first_name": first, "birth_date": str(born)[:10], "sex": sex}
                    for i, last, first, born, sex in db.execute(query)]
    finally:
        engine.dispose()


def log_in(client: httpx.Client, code: str) -> dict[str, str]:
    answer = client.post("/api/session", json={"code": code, "password": sc.PASSWORD, "workstation": "preparation"})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def prepare(run: Run, patient_ids: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], float]:
    """Warm each server up (the analysis reference loads on first use), then the ONs waiting at the start."""
    import random

    started, rng, prepared = time.monotonic(), random.Random(run.prepared), []
    for base in run.hosts:
        with httpx.Client(base_url=base, timeout=120) as client:
            pharmacist = log_in(client, sc.PHARMACISTS[0])
            case = {"today": datetime.now().date().isoformat(), "patient": {"birth_date": "1966-02-23", "sex": "M"},
                    "lines": [{"drug": x["text"], "posology": x["posology"]} for x in sc.THREE_LINES]}
            client.post("/api/analysis", json=case, headers=pharmacist).raise_for_status()
    with httpx.Client(base_url=run.hosts[0], timeout=120) as client:
        prescriber = log_in(client, sc.PRESCRIBER)
        for _ in range(run.prepared):
            patient = rng.choice(patient_ids)
            answer = client.post("/api/prescriptions", json=sc.prescription_body(patient, rng), headers=prescriber)
            answer.raise_for_status()
            if not answer.json()["recorded"]:
                raise RuntimeError(f"ON non enregistrée par la base : {answer.json()['failure']}")
            prepared.append(sc.issued_entry(answer.json(), patient["id"]))
    return prepared, time.monotonic() - started


class LoadSampler:
    """The machine's load while locust runs: load average and CPU, every few seconds, in a thread."""

    def __init__(self, processes: list[subprocess.Popen[bytes]]) -> None:
        self.samples: list[tuple[float, float, float]] = []
        self.servers = [psutil.Process(p.pid) for p in processes]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        psutil.cpu_percent()
        while not self.stop.wait(LOAD_SAMPLE_S):
            self.samples.append((os.getloadavg()[0], psutil.cpu_percent(), sum(self._cpu(p) for p in self.servers)))

    @staticmethod
    def _cpu(process: psutil.Process) -> float:
        with suppress(psutil.Error):
            return float(process.cpu_percent())
        return 0.0

    def __enter__(self) -> LoadSampler:
        for process in self.servers:
            self._cpu(process)
        self.start = os.getloadavg()
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(timeout=LOAD_SAMPLE_S * 2)
        self.end = os.getloadavg()

    def summary(self) -> dict[str, Any]:
        loads = [s[0] for s in self.samples] or [0.0]
        cpus = [s[1] for s in self.samples] or [0.0]
        servers = [s[2] for s in self.samples] or [0.0]
        return {"cpus": psutil.cpu_count(), "loadavg_debut": [round(x, 2) for x in self.start],
                "loadavg_fin": [round(x, 2) for x in self.end],
                "loadavg_1min": {"min": round(min(loads), 2), "moyenne": round(sum(loads) / len(loads), 2),
                                 "max": round(max(loads), 2)},
                "cpu_machine_pct_moyen": round(sum(cpus) / len(cpus), 1),
                "cpu_serveurs_pct_moyen": round(sum(servers) / len(servers), 1), "echantillons": len(self.samples)}


def run_locust(run: Run, state: Path, acks: Path) -> int:
    users = run.counters + 1
    env = {**os.environ, "PYTHONPATH": str(REPO), "LOAD_HOSTS": ",".join(run.hosts), "LOAD_STATE": str(state),
           "LOAD_ACKS": str(acks), "LOAD_TIMINGS": str(run.tmp / "timings.json")}
    command = [str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless", "--users", str(users),
               "--spawn-rate", str(users), "--run-time", f"{round(run.minutes * 60)}s", "--stop-timeout", "60",
               "--only-summary", "--host", run.hosts[0], "--loglevel", "WARNING"]
    with (run.tmp / "locust.log").open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
        try:
            return process.wait(timeout=run.minutes * 60 + 600)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
            return -9


def drain(url: str) -> tuple[bool, float, int]:
    """Wait (bounded) until no message is left to send; returns (drained, seconds waited, messages left)."""
    from sqlalchemy import create_engine, text

    engine, started, left = create_engine(sqlalchemy_url(url)), time.monotonic(), -1
    try:
        while time.monotonic() - started < DRAIN_TIMEOUT_S:
            with engine.connect() as db:
                left = int(db.execute(text("select count(*) from outbox_message where status = 'a_envoyer'"))
                           .scalar() or 0)
            if left == 0:
                return True, time.monotonic() - started, 0
            time.sleep(1)
    finally:
        engine.dispose()
    return False, time.monotonic() - started, left


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def grouped(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same error on different ONs is one line: the ON's 18-character id is replaced by «ON»."""
    counted: Counter[tuple[str, str]] = Counter()
    for error in errors:
        counted[(error["etape"], re.sub(r"\b\d{18}\b", "«ON»", error["erreur"]))] += error["fois"]
    return [{"etape": step, "erreur": text, "fois": n} for (step, text), n in counted.most_common()]


def steps_of(path: Path, seconds: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, int]]:
    """Per step: requests, errors, p50, p95, p99, max (exact, from every response time); the errors; the
    outcomes of the disputed ONs."""
    found = json.loads(path.read_text(encoding="utf-8"))
    failures = grouped(found["errors"])
    failed = Counter[str]()
    for failure in failures:
        failed[failure["etape"]] += failure["fois"]
    named = sorted(found["timings"].items())
    everything = [t for name, times in named if not name.startswith("attente") for t in times]
    steps = []
    for name, times in [*named, ("total (hors attente)", everything)]:
        if not times:
            continue
        errors = failed[name] if name in found["timings"] else sum(n for k, n in failed.items()
                                                                    if not k.startswith("attente"))
        steps.append({"etape": name, "requetes": len(times), "erreurs": errors,
                      "p50_ms": round(percentile(times, 0.50), 1), "p95_ms": round(percentile(times, 0.95), 1),
                      "p99_ms": round(percentile(times, 0.99), 1), "max_ms": round(max(times), 1),
                      "moyenne_ms": round(sum(times) / len(times), 1), "par_s": round(len(times) / seconds, 2)})
    return steps, failures, dict(found.get("outcomes", {}))


def server_errors(run: Run) -> list[str]:
    """The exceptions in the servers' logs, counted by their last line (what was raised), at most 20."""
    found: Counter[str] = Counter()
    for number in range(1, run.servers + 1):
        text = (run.tmp / f"serve-{number}.log").read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Violation)\b.*", line):
                found[f"serveur {number} : {line[:240]}"] += 1
    return [f"{n} × {line}" for line, n in found.most_common(20)]


def consistency(run: Run, acks: Path) -> tuple[list[checks.Verdict], dict[str, Any]]:
    dispensations, periods, outbox, finess = checks.load_pharmacy(sqlalchemy_url(run.url))
    executions, prescribed, journal = checks.load_emulator(run.tmp / "var-1" / "emulateurs" /
                                                           "ordonnance-numerique.db")
    verdicts = checks.check_all(acknowledged=checks.read_acknowledged(acks), dispensations=dispensations,
                                periods=periods, outbox=outbox, executions=executions, prescribed=prescribed,
                                finess=finess)
    facts = {"delivrances_on": len(dispensations), "ordonnances_dans_la_base": len(prescribed),
             "executions_dans_la_base": len(executions), "journal_emulateur": journal}
    return verdicts, facts


def git_commit() -> str:
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return found.stdout.strip()


def one_run(run: Run) -> dict[str, Any]:
    secret, report = secrets.token_hex(16), {}
    with database(run) as url:
        run.url = url
        try:
            log(f"{run.name} : base {url.split('@')[-1]}, chargement de la démo (référentiel compris)…")
            demo_s = load_demo(run, secret)
            start_servers(run, secret)
            prepared, prepare_s = prepare(run, patients(url))
            state, acks = run.tmp / "state.json", run.tmp / "acks.jsonl"
            state.write_text(json.dumps({"patients": patients(url), "prepared": prepared}), encoding="utf-8")
            log(f"{len(prepared)} ON préparées ; locust {run.counters} comptoirs + 1 prescripteur, {run.minutes} min…")
            with LoadSampler(run.processes) as sampler:
                locust_code = run_locust(run, state, acks)
            drained = drain(url)
            log(f"locust fini (code {locust_code}) ; file d'envoi vidée : {drained[0]} en {drained[1]:.0f} s")
        finally:
            stop_servers(run)
        verdicts, facts = consistency(run, acks)
        steps, failures, disputed = steps_of(run.tmp / "timings.json", run.minutes * 60)
        report = {
            "configuration": {"nom": run.name, "base": run.database, "serveurs": run.servers,
                              "comptoirs": run.counters, "prescripteurs": 1, "minutes": run.minutes,
                              "on_preparees": run.prepared, "commit": git_commit(),
                              "python": platform.python_version(), "machine": platform.machine(),
                              "part_on_disputees": 0.1, "part_delivrances_partielles": 0.2},
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "preparation_s": {"demo": round(demo_s, 1), "prechauffage_et_on": round(prepare_s, 1)},
            "etapes": steps, "erreurs": failures, "on_disputees": disputed, "code_locust": locust_code,
            "file_envoi": {"videe": drained[0], "attente_s": round(drained[1], 1), "restants": drained[2]},
            "controles": [v.to_json() for v in verdicts], "faits": facts,
            "controles_ok": all(v.ok for v in verdicts), "charge_machine": sampler.summary(),
            "erreurs_serveur": server_errors(run)}
    return report


def markdown(report: dict[str, Any]) -> str:
    conf, load = report["configuration"], report["charge_machine"]
    total = next((s for s in report["etapes"] if s["etape"].startswith("total")), {})
    lines = [f"# Charge : {conf['nom']} — {conf['comptoirs']} comptoirs, {conf['minutes']} min", "",
             f"{report['date']}, commit {conf['commit']} ; {conf['serveurs']} serveur(s) sur {conf['base']} ; "
             f"{total.get('requetes', 0)} requêtes, {total.get('erreurs', 0)} erreur(s).", "",
             f"Charge de la machine ({load['cpus']} cœurs, partagée) : load average 1 min moyen "
             f"{load['loadavg_1min']['moyenne']} (min {load['loadavg_1min']['min']}, "
             f"max {load['loadavg_1min']['max']}), "
             f"CPU machine {load['cpu_machine_pct_moyen']} %, serveurs comptoir {load['cpu_serveurs_pct_moyen']} % "
             "(d'un cœur).", "",
             "| étape | requêtes | erreurs | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |",
             "|---|--:|--:|--:|--:|--:|--:|"]
    lines += [f"| {s['etape']} | {s['requetes']} | {s['erreurs']} | {s['p50_ms']} | {s['p95_ms']} | {s['p99_ms']} "
              f"| {s['max_ms']} |" for s in report["etapes"]]
    lines += ["", "## Contrôles (rien de perdu, rien en double)", ""]
    for verdict in report["controles"]:
        counts = ", ".join(f"{k} {v}" for k, v in verdict["counts"].items())
        lines.append(f"- {'OK' if verdict['ok'] else 'ÉCHEC'} — {verdict['name']} ({counts})")
        lines += [f"  - {d}" for d in verdict["details"]]
    drained = report["file_envoi"]
    lines += ["", f"File d'envoi vidée : {'oui' if drained['videe'] else 'NON'} ({drained['attente_s']} s après la "
              f"fin de locust). Journal de l'émulateur : {report['faits']['journal_emulateur']}. "
              f"ON disputées par deux comptoirs (réponses à la délivrance) : {report.get('on_disputees') or '—'}.", ""]
    if report["erreurs"]:
        lines += ["## Erreurs", ""] + [f"- {e['etape']} : {e['erreur']} ({e['fois']} fois)" for e in report["erreurs"]]
    if report["erreurs_serveur"]:
        lines += ["", "## Journaux des serveurs", ""] + [f"    {x}" for x in report["erreurs_serveur"]]
    return "\n".join(lines) + "\n"


def write(report: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    conf = report["configuration"]
    stem = RESULTS / f"{datetime.now():%Y%m%d-%H%M}-{conf['nom']}-{conf['minutes']:g}min"
    Path(f"{stem}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    Path(f"{stem}.md").write_text(markdown(report), encoding="utf-8")
    return stem


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--config", action="append", choices=sorted(CONFIGS),
                        help="sqlite, postgres ou postgres-2 (deux serveurs) ; répétable ; défaut : les trois")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--counters", type=int, default=8)
    parser.add_argument("--prepared", type=int, default=40, help="ON créées avant le lancement")
    parser.add_argument("--keep", action="store_true", help="garder le dossier temporaire (journaux, bases)")
    args = parser.parse_args()
    failed = False
    for name in args.config or ["sqlite", "postgres", "postgres-2"]:
        kind, servers = CONFIGS[name]
        run = Run(name, kind, servers, args.minutes, args.counters, args.prepared,
                  Path(tempfile.mkdtemp(prefix=f"comptoir-load-{name}-")))
        try:
            report = one_run(run)
            stem = write(report)
            verdict = "OK" if report["controles_ok"] else "EN ÉCHEC"
            log(f"rapport : {stem.relative_to(REPO)}.md / .json ; contrôles {verdict}")
            failed |= not report["controles_ok"]
        finally:
            if args.keep:
                log(f"dossier gardé : {run.tmp}")
            else:
                shutil.rmtree(run.tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
