"""The posology reader's accuracy as the bench reports it: development and blind apart, blind null when absent."""

import json
from pathlib import Path

from comptoir.devtools.posology_sets import DEVELOPMENT_SET, posology_accuracy


def write(path: Path, *cases: tuple[str, dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps({"text": t, "expected": e}) for t, e in cases), encoding="utf-8")
    return path


def test_development_and_blind_are_scored_apart(tmp_path: Path) -> None:
    development = write(tmp_path / "dev.jsonl", ("1 cp matin et soir", {"daily_quantity": 2.0}))
    blind = write(tmp_path / "blind.jsonl", ("1 cp le soir", {"daily_quantity": 4.0}),
                  ("1 cp le matin", {"daily_quantity": 1.0}))

    accuracy = posology_accuracy(development, blind)

    assert accuracy["development"] == {"count": 1, "all_fields": 1.0, "fields": {
        "unit": 1.0, "daily_quantity": 1.0, "duration_days": 1.0, "as_needed": 1.0, "renewals": 1.0, "boxes": 1.0,
        "total_quantity": 1.0}}
    assert isinstance(accuracy["blind"], dict) and accuracy["blind"]["all_fields"] == 0.5


def test_the_blind_figure_is_null_until_the_blind_set_exists(tmp_path: Path) -> None:
    accuracy = posology_accuracy(DEVELOPMENT_SET, tmp_path / "absent.jsonl")

    assert accuracy["blind"] is None
    assert isinstance(accuracy["development"], dict) and accuracy["development"]["count"] > 500
