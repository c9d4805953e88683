"""Compare `comptoir bench --json` with the targets of the issues (bench/targets.json).

    ./.venv/bin/comptoir bench --json | ./.venv/bin/python bench/check.py

Prints each figure beside its target; exits 1 when one is missed, 2 when the report lacks a figure
that has a target. The test suite feeds it a `comptoir bench --quick --json` report to check that
every figure is there, never that it meets its target: timings depend on the machine, and CI
machines are shared.
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


def main() -> int:
    measured = flatten(json.loads(sys.stdin.read()))
    missed = absent = 0
    for name, limit in flatten(json.loads(TARGETS.read_text())).items():
        value = measured.get(name)
        verdict = "ABSENT" if value is None else "ok" if value <= limit else "RATÉ"
        absent += verdict == "ABSENT"
        missed += verdict == "RATÉ"
        print(f"{verdict:6} {name:42} {value!s:>10} ≤ {limit}")
    return 2 if absent else 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
