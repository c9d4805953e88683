"""The contract commands timed as an outside check runs them: a new `comptoir` process each time.

- help_s: `comptoir --help` (lists every command, imports none).
- ins_check_s: `comptoir ins check NIR --json` (no database).
- drugs_search_s: `comptoir drugs search "doliprane 1000" --json` (database, index read from var/cache).
- read_page_s: `comptoir read PAGE --json` on one made-up prescription (OCR included).

Each command runs once to warm the caches (files, var/cache), then `runs` times; we report the
median (`*_s`) and the slowest (`*_max_s`) wall time, and the median CPU time of the process
(`*_cpu_s`), which a loaded machine inflates less than the wall time. `load_1m` says how loaded
the machine was.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

from comptoir.devtools.paper_prescriptions.generator import generate_pages
from comptoir.devtools.paper_prescriptions.truth import PosologySample
from comptoir.services.platform.runtime import Runtime

NIR = "2 39 08 88 154 002 43"
QUERY = "doliprane 1000"
SAMPLES = (
    PosologySample("1 comprimé matin et soir pendant 7 jours", {"daily_quantity": 2.0, "duration_days": 7}),
    PosologySample("1 gélule 3 fois par jour pendant 10 jours", {"daily_quantity": 3.0, "duration_days": 10}),
    PosologySample("1 cp le soir qsp 3 mois", {"daily_quantity": 1.0, "duration_days": 90}),
)


def cli_timings(runtime: Runtime, *, runs: int = 5) -> dict[str, float]:
    """Seconds per command, p50 and max of `runs` fresh processes on the runtime's database and var/."""
    env = {**os.environ, "COMPTOIR_DATABASE_URL": runtime.settings.database_url,
           "COMPTOIR_VAR_DIR": str(runtime.settings.var_dir)}
    report: dict[str, float] = {"runs": runs}
    with tempfile.TemporaryDirectory() as scratch:
        commands = {"help": ["--help"], "ins_check": ["ins", "check", NIR, "--json"],
                    "drugs_search": ["drugs", "search", QUERY, "--json"],
                    "read_page": ["read", str(_one_page(runtime, Path(scratch))), "--json"]}
        for name, args in commands.items():
            report |= _timed(name, [*_comptoir(), *args], env=env, runs=runs)
    report["load_1m"] = round(os.getloadavg()[0], 2)
    return report


def _comptoir() -> list[str]:
    script = Path(sys.executable).with_name("comptoir")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "comptoir"]


def _one_page(runtime: Runtime, directory: Path) -> Path:
    with closing(runtime.unit_of_work()) as uow, uow:
        records = runtime.drug_index.get(uow.reference).records
    return generate_pages(directory, records=records, samples=SAMPLES, count=1, seed=1, noise="mild")[0]


def _timed(name: str, command: list[str], *, env: dict[str, str], runs: int) -> dict[str, float]:
    _run(command, env=env)
    walls, cpus = zip(*(_run(command, env=env) for _ in range(runs)), strict=True)
    return {f"{name}_s": round(statistics.median(walls), 3), f"{name}_max_s": round(max(walls), 3),
            f"{name}_cpu_s": round(statistics.median(cpus), 3)}


def _run(command: list[str], *, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=120)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
