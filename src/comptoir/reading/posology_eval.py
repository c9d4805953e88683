"""Scores a posology parser against annotated cases: accuracy per field and share of cases fully right.

A case is `(text, expected)` where `expected` maps contract fields to their values. Only the fields
present in `expected` are scored, so a partial annotation does not count as an error. Numbers match
within a relative tolerance of 1e-3 (and 1e-9 absolute, for zeros); booleans only match booleans,
so `1` is not `True`; strings match exactly after Unicode NFC normalisation.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from comptoir.reading.posology import CONTRACT_FIELDS, Posology, parse_posology

__all__ = ["CaseFailure", "EvalReport", "evaluate", "figures", "read_cases", "values_match"]

RELATIVE_TOLERANCE = 1e-3


@dataclass(frozen=True, slots=True)
class CaseFailure:
    text: str
    wrong_fields: tuple[str, ...]
    expected: Mapping[str, object]
    actual: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class EvalReport:
    count: int
    field_accuracy: Mapping[str, float]
    all_fields_accuracy: float
    failures: tuple[CaseFailure, ...] = field(default_factory=tuple)

    def summary(self) -> str:
        lines = [f"{self.count} cas, tous champs justes : {self.all_fields_accuracy:.1%}"]
        lines += [f"  {name} : {share:.1%}" for name, share in self.field_accuracy.items()]
        return "\n".join(lines)


def values_match(expected: object, actual: object) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return math.isclose(expected, actual, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-9)
    if isinstance(expected, str) and isinstance(actual, str):
        return unicodedata.normalize("NFC", expected) == unicodedata.normalize("NFC", actual)
    return expected == actual


def evaluate(cases: Iterable[tuple[str, Mapping[str, object]]],
             parse: Callable[[str], Posology] = parse_posology) -> EvalReport:
    right = dict.fromkeys(CONTRACT_FIELDS, 0)
    scored = dict.fromkeys(CONTRACT_FIELDS, 0)
    failures: list[CaseFailure] = []
    count = 0
    for text, expected in cases:
        count += 1
        actual = parse(text).contract()
        wrong = _wrong_fields(expected, actual)
        for name in CONTRACT_FIELDS:
            if name in expected:
                scored[name] += 1
                right[name] += name not in wrong
        if wrong:
            failures.append(CaseFailure(text, wrong, expected, actual))
    return _report(count, right, scored, failures)


def _wrong_fields(expected: Mapping[str, object], actual: Mapping[str, object]) -> tuple[str, ...]:
    return tuple(name for name in CONTRACT_FIELDS
                 if name in expected and not values_match(expected[name], actual.get(name)))


def _report(count: int, right: dict[str, int], scored: dict[str, int],
            failures: list[CaseFailure]) -> EvalReport:
    accuracy = {name: right[name] / scored[name] if scored[name] else 1.0 for name in CONTRACT_FIELDS}
    all_right = (count - len(failures)) / count if count else 1.0
    return EvalReport(count, accuracy, all_right, tuple(failures))


def figures(report: EvalReport) -> dict[str, object]:
    """The report's figures as `comptoir posology eval --json` prints them: count, all_fields, fields."""
    return {"count": report.count, "all_fields": round(report.all_fields_accuracy, 4),
            "fields": {name: round(share, 4) for name, share in report.field_accuracy.items()}}


def read_cases(lines: Iterable[str]) -> list[tuple[str, dict[str, object]]]:
    """Reads JSON lines `{"text": ..., "expected": {...}}`; blank lines are skipped."""
    cases: list[tuple[str, dict[str, object]]] = []
    for line in lines:
        if line.strip():
            record = json.loads(line)
            cases.append((str(record["text"]), dict(record["expected"])))
    return cases
