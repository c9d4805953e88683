"""bench/check.py: a part of the report the bench says it skipped (PostgreSQL out of reach) is printed as such and
fails nothing; a figure simply missing still fails."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

CHECK = Path(__file__).resolve().parents[3] / "bench" / "check.py"
TARGETS = json.loads(CHECK.with_name("targets.json").read_text())


def checked(report: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(CHECK)], input=json.dumps(report), capture_output=True, text=True,
                          timeout=60)


def test_a_skipped_part_is_printed_with_its_reason_and_fails_nothing() -> None:
    report = copy.deepcopy(TARGETS)  # every figure exactly on its target
    report["counter_change_postgres"] = {"skipped": "PostgreSQL injoignable (127.0.0.1:5432)"}

    result = checked(report)

    assert result.returncode == 0, result.stdout
    assert "SAUTÉ  counter_change_postgres.p95_ms" in result.stdout
    assert "PostgreSQL injoignable (127.0.0.1:5432)" in result.stdout


def test_a_figure_missing_without_a_reason_is_absent() -> None:
    report = copy.deepcopy(TARGETS)
    del report["counter_validation_postgres"]

    result = checked(report)

    assert result.returncode == 2
    assert "ABSENT counter_validation_postgres.p95_ms" in result.stdout


def test_the_posology_accuracy_is_printed_beside_the_timings_and_fails_nothing() -> None:
    report = copy.deepcopy(TARGETS)
    report["posology_accuracy"] = {"development": {"count": 591, "all_fields": 0.9876, "fields": {}}, "blind": None}

    result = checked(report)

    assert result.returncode == 0, result.stdout
    assert "posology_accuracy.development" in result.stdout and "98,8 % sur 591 cas" in result.stdout
    assert "posology_accuracy.blind" in result.stdout and "pas de jeu" in result.stdout
