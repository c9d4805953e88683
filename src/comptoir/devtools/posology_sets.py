"""The posology reader's two annotated sets: development (tuned on) and blind (only ever read).

The development corpus is where the parser's phenomena are added with their tests; the blind set is
written by people who have not seen the parser and is never used to tune it: its figure says how the
parser does on text it was not shaped for. Both are JSON lines `{"text": ..., "expected": {...}}`.
"""

from __future__ import annotations

from pathlib import Path

from comptoir.reading.posology_eval import EvalReport, evaluate, figures, read_cases

REPOSITORY = Path(__file__).resolve().parents[3]
DEVELOPMENT_SET = REPOSITORY / "tests" / "data" / "posology_corpus.jsonl"
BLIND_SET = REPOSITORY / "tests" / "data" / "blind" / "posology_blind.jsonl"


def evaluate_file(path: Path) -> EvalReport:
    """Raises FileNotFoundError, or ValueError/KeyError/TypeError on an unreadable line."""
    return evaluate(read_cases(path.read_text(encoding="utf-8").splitlines()))


def evaluate_sets(development: Path = DEVELOPMENT_SET, blind: Path = BLIND_SET
                  ) -> tuple[EvalReport, EvalReport | None]:
    """The development report, and the blind one (None when that file does not exist)."""
    return evaluate_file(development), evaluate_file(blind) if blind.is_file() else None


def posology_accuracy(development: Path = DEVELOPMENT_SET, blind: Path = BLIND_SET) -> dict[str, object]:
    """`{"development": {count, all_fields, fields}, "blind": {...} or null}` for reports and the bench."""
    dev_report, blind_report = evaluate_sets(development, blind)
    return {"development": figures(dev_report), "blind": figures(blind_report) if blind_report else None}
