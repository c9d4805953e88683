"""Builders: a case states only what the test is about."""

from __future__ import annotations

from typing import Any

from comptoir.analysis.reference import AnalysisReference
from comptoir.services.analysis.analyse import analyse_data

TODAY = "2026-02-19"


def line(drug: str, posology: str = "") -> dict[str, str]:
    return {"drug": drug, "posology": posology}


def case(*lines: dict[str, str], history: tuple[tuple[str, str], ...] = (), **patient: Any) -> dict[str, Any]:
    return {"today": TODAY, "patient": {"birth_date": "1970-01-01", "sex": "F", **patient}, "lines": list(lines),
            "history": [{"drug": drug, "date": day} for drug, day in history]}


def findings(data: dict[str, Any], reference: AnalysisReference, kind: str | None = None) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = analyse_data(data, reference).contract()["findings"]  # type: ignore[assignment]
    return [f for f in result if kind is None or f["kind"] == kind]


def levels(data: dict[str, Any], reference: AnalysisReference, kind: str) -> list[str]:
    return [f["level"] for f in findings(data, reference, kind)]
