"""Compare `comptoir bench --json` with the targets of the issues (bench/targets.json).

    ./.venv/bin/comptoir bench --json | ./.venv/bin/python bench/check.py

Prints each figure beside its target; exits 1 when one is missed, 2 when the report lacks a figure
that has a target. Targets are nested as the report is (`counter_change.p95_ms` is the report's
`counter_change` → `p95_ms`). A part of the report that the bench could not measure says so itself,
`{"skipped": why}` (PostgreSQL not reachable, or left out): its figures are printed SAUTÉ with the
reason, neither missed nor absent. The test suite feeds it a `comptoir bench --quick --json` report to check that
every figure is there, never that it meets its target: timings depend on the machine, and CI
machines are shared. `posology_accuracy` (the posology reader's accuracy on its development and blind
sets) has no target: it is printed as `info`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

TARGETS = Path(__file__).with_name("targets.json")


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, float]:
    flat: dict[str, float] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat |= flatten(value, f"{name}.")
        elif isinstance(value, int | float):
            flat[name] = float(value)
    return flat


def skipped(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """{"counter_change_postgres.": why} for each part of the report that says it was skipped."""
    found: dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            if isinstance(value.get("skipped"), str):
                found[f"{prefix}{key}."] = value["skipped"]
            found |= skipped(value, f"{prefix}{key}.")
    return found


def main() -> int:
    report = json.loads(sys.stdin.read())
    measured, left_out = flatten(report), skipped(report)
    missed = absent = 0
    for name, limit in flatten(json.loads(TARGETS.read_text())).items():
        value = measured.get(name)
        why = next((reason for part, reason in left_out.items() if name.startswith(part)), None)
        if value is None and why is not None:
            print(f"{'SAUTÉ':6} {name:42} {'—':>10} ≤ {limit} ({why})")
            continue
        verdict = "ABSENT" if value is None else "ok" if value <= limit else "RATÉ"
        absent += verdict == "ABSENT"
        missed += verdict == "RATÉ"
        print(f"{verdict:6} {name:42} {value!s:>10} ≤ {limit}")
    _print_accuracy(report.get("posology_accuracy"))
    return 2 if absent else 1 if missed else 0


def _print_accuracy(accuracy: object) -> None:
    """Accuracy is no timing and has no target here: printed for the reader, it fails nothing."""
    if not isinstance(accuracy, dict):
        return
    for part, label in (("development", "développement"), ("blind", "à l'aveugle")):
        figures = accuracy.get(part)
        shown = (f"{figures['all_fields'] * 100:.1f} % sur {figures['count']} cas".replace(".", ",")
                 if isinstance(figures, dict) else "pas de jeu")
        print(f"{'info':6} {'posology_accuracy.' + part:42} {shown} ({label}, tous champs justes)")


if __name__ == "__main__":
    sys.exit(main())
