"""`comptoir analyse eval`: how often the analysis says what a pharmacist expects on written cases.

A case is the JSON of `comptoir analyse FILE` plus
"expected": {"must": [{kind, level?, substances[]}], "must_not": [...]}. A must entry is met by a finding of
its kind, of its level when given, whose substances include every listed one (folded, a listed name found
inside the finding's substance name: "aspirine" never, "acide acetylsalicylique" yes); a must_not entry that is
met is a false alarm. A case is fully right when every must is met and no must_not is.

The development set (tests/data/analysis_dev.json) is ours; the blind set (tests/data/blind/) is written by
someone who has not seen the code and is reported apart: nobody tunes against it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from comptoir.analysis.reference import AnalysisReference
from comptoir.errors import RuleViolation
from comptoir.refdata.search import fold
from comptoir.services.analysis.analyse import analyse_data


@dataclass(frozen=True, slots=True)
class SetScore:
    name: str
    cases: int
    fully_right: int
    must: int
    must_met: int
    must_not: int
    false_alarms: int
    failures: tuple[str, ...] = ()
    """One French line per case not fully right."""

    @property
    def accuracy(self) -> float:
        return self.fully_right / self.cases if self.cases else 0.0

    @property
    def recall(self) -> float:
        return self.must_met / self.must if self.must else 1.0

    def contract(self) -> dict[str, Any]:
        return {"set": self.name, "cases": self.cases, "fully_right": round(self.accuracy, 3),
                "must_recall": round(self.recall, 3), "must": self.must, "must_met": self.must_met,
                "must_not": self.must_not, "false_alarms": self.false_alarms, "failures": list(self.failures)}


def matches(expected: dict[str, Any], finding: dict[str, Any]) -> bool:
    if finding.get("kind") != expected.get("kind"):
        return False
    if expected.get("level") and finding.get("level") != expected["level"]:
        return False
    names = [fold(str(s)) for s in finding.get("substances", [])]
    return all(any(fold(str(wanted)) in name for name in names) for wanted in expected.get("substances", []))


def score_set(name: str, cases: list[dict[str, Any]], reference: AnalysisReference) -> SetScore:
    right = must = met = must_not = alarms = 0
    failures: list[str] = []
    for number, case in enumerate(cases, 1):
        expected = case.get("expected") or {}
        findings: list[dict[str, Any]] = analyse_data(case, reference).contract()["findings"]  # type: ignore[assignment]
        missed = [e for e in expected.get("must", []) if not any(matches(e, f) for f in findings)]
        raised = [e for e in expected.get("must_not", []) if any(matches(e, f) for f in findings)]
        must += len(expected.get("must", []))
        met += len(expected.get("must", [])) - len(missed)
        must_not += len(expected.get("must_not", []))
        alarms += len(raised)
        if missed or raised:
            failures.append(f"cas {case.get('id', number)} : {len(missed)} attendu(s) manquant(s), "
                            f"{len(raised)} fausse(s) alerte(s)")
        else:
            right += 1
    return SetScore(name, len(cases), right, must, met, must_not, alarms, tuple(failures))


def read_cases(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RuleViolation(f"Fichier de cas illisible ({path}) : {exc}") from exc
    cases = data if isinstance(data, list) else data.get("cases") if isinstance(data, dict) else None
    if not isinstance(cases, list):
        raise RuleViolation(f"{path} : une liste de cas est attendue.")
    return cases


def evaluate_files(files: dict[str, Path], reference: AnalysisReference) -> list[SetScore]:
    """Each named set that exists, scored on its own ("développement", "à l'aveugle")."""
    return [score_set(name, read_cases(path), reference) for name, path in files.items() if path.exists()]


DEVELOPMENT, BLIND = "développement", "à l'aveugle"


def default_sets(repository: Path) -> dict[str, Path]:
    data = repository / "tests" / "data"
    return {DEVELOPMENT: data / "analysis_dev.json", BLIND: data / "blind" / "analysis_blind.json"}


def accuracy_summary(scores: list[SetScore]) -> dict[str, float | None]:
    """{development, blind}: the share of cases fully right (None for a set that does not exist)."""
    by_name = {s.name: round(s.accuracy, 3) for s in scores}
    return {"development": by_name.get(DEVELOPMENT), "blind": by_name.get(BLIND)}
