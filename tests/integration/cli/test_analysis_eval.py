"""`comptoir analyse eval`: annotated cases scored, the development and blind sets reported apart."""

from __future__ import annotations

import json
from pathlib import Path

from comptoir.services.platform.runtime import Runtime
from tests.integration.cli.test_cli import run

BLIND_CASES = [
    {"id": "met", "today": "2026-02-19", "patient": {"birth_date": "1970-01-01", "allergies": ["aspirine"]},
     "lines": [{"drug": "NUROFEN 200 mg", "posology": "1 cp 3 fois par jour"}],
     "expected": {"must": [{"kind": "allergy", "level": "CI", "substances": ["ibuprofene"]}], "must_not": []}},
    {"id": "missed", "today": "2026-02-19", "patient": {"birth_date": "1970-01-01"},
     "lines": [{"drug": "DOLIPRANE 1000 mg cp", "posology": "1 cp 3 fois par jour"}],
     "expected": {"must": [{"kind": "interaction", "substances": ["paracetamol"]}],
                  "must_not": [{"kind": "unidentified"}]}},
]


def test_eval_reports_the_development_and_the_blind_sets_apart(reference_runtime: Runtime, tmp_path: Path) -> None:
    blind = tmp_path / "blind.json"
    blind.write_text(json.dumps(BLIND_CASES), encoding="utf-8")

    result = run("analyse", "eval", "--aveugle", str(blind), "--json",
                 database_url=reference_runtime.settings.database_url, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    sets = {s["set"]: s for s in json.loads(result.stdout)["sets"]}
    assert set(sets) == {"développement", "à l'aveugle"}
    assert sets["développement"]["cases"] >= 30
    assert sets["à l'aveugle"]["cases"] == 2
    assert sets["à l'aveugle"]["fully_right"] == 0.5 and sets["à l'aveugle"]["must_recall"] == 0.5
    assert sets["à l'aveugle"]["false_alarms"] == 0


def test_eval_of_one_file_counts_false_alarms(reference_runtime: Runtime, tmp_path: Path) -> None:
    cases = tmp_path / "cases.json"
    alarm = {**BLIND_CASES[0], "expected": {"must": [], "must_not": [{"kind": "allergy"}]}}
    cases.write_text(json.dumps([alarm]), encoding="utf-8")

    result = run("analyse", "eval", str(cases), "--json", database_url=reference_runtime.settings.database_url,
                 cwd=tmp_path)

    scored = json.loads(result.stdout)["sets"]
    assert [s["false_alarms"] for s in scored] == [1] and scored[0]["fully_right"] == 0.0
