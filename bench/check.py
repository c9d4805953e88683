"""Compare `comptoir bench --json` with the targets of the issues (bench/targets.json).

    ./.venv/bin/comptoir bench --json | ./.venv/bin/python bench/check.py

Prints each figure beside its target and exits 1 when one is missed. Not part of the
test suite: timings depend on the machine, and CI machines are shared.
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
    missed = 0
    for name, limit in flatten(json.loads(TARGETS.read_text())).items():
        value = measured.get(name)
        ok = value is not None and value <= limit
        missed += not ok
        print(f"{'ok ' if ok else 'RATÉ'} {name:28} {value!s:>10} ≤ {limit}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
