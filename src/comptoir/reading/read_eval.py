"""Measures the reader on generated prescriptions (`synthetic.generate_pages`): line recall and precision,
posology accuracy, seconds per page.

Two figures for the lines. By substances (`recall`, `precision`, the historical figure): a line is
found when the reader proposes, without marking it uncertain, its product or one with the same
substances and strengths. By product (`product_recall`, `product_precision`): the product proposed
must be the one named on the line — the same brand when the prescriber wrote a brand (a DCI line
"amoxicilline 1 g" may be any amoxicilline), the same strengths, and the same form (a gélule is not a
comprimé, a solution not a suspension). Precision counts the lines the reader asserts (not
uncertain); the uncertain ones are handed to the pharmacist and reported apart. Posology accuracy is
over the lines found by substances: all seven fields equal to the corpus annotation; the ALD accuracy
over the same lines: marked `ald` exactly when the page wrote them in the ALD zone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from comptoir.reading.line_matcher import MatchedLine, describe, form_of, name_head, strength_signature, substance_key
from comptoir.reading.posology import CONTRACT_FIELDS
from comptoir.reading.prescription_reader import ReadResult, read_prescription
from comptoir.refdata.search import DrugIndex, DrugRecord, fold, tokens

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".pdf")


@dataclass(slots=True)
class PageScore:
    image: str
    expected: int = 0
    found: int = 0
    asserted: int = 0
    correct: int = 0
    uncertain: int = 0
    posology_right: int = 0
    product_found: int = 0
    ald_right: int = 0
    seconds: float = 0.0
    missed: list[str] = field(default_factory=list)
    product_missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    posology_wrong: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EvalReport:
    pages: tuple[PageScore, ...]

    def _sum(self, name: str) -> float:
        return float(sum(getattr(page, name) for page in self.pages))

    @property
    def recall(self) -> float:
        return self._sum("found") / max(1.0, self._sum("expected"))

    @property
    def precision(self) -> float:
        return self._sum("correct") / max(1.0, self._sum("asserted"))

    @property
    def product_recall(self) -> float:
        return self._sum("product_found") / max(1.0, self._sum("expected"))

    @property
    def product_precision(self) -> float:
        return self._sum("product_found") / max(1.0, self._sum("asserted"))

    @property
    def ald_accuracy(self) -> float:
        """Over the found lines: the ALD mark (bizone prescriptions) as the page has it."""
        return self._sum("ald_right") / max(1.0, self._sum("found"))

    @property
    def posology_accuracy(self) -> float:
        return self._sum("posology_right") / max(1.0, self._sum("found"))

    @property
    def seconds_per_page(self) -> float:
        return self._sum("seconds") / max(1, len(self.pages))

    @property
    def uncertain_rate(self) -> float:
        return self._sum("uncertain") / max(1.0, self._sum("expected"))

    def as_json(self) -> dict[str, object]:
        return {"pages": len(self.pages), "lines": int(self._sum("expected")), "recall": round(self.recall, 4),
                "precision": round(self.precision, 4), "product_recall": round(self.product_recall, 4),
                "product_precision": round(self.product_precision, 4),
                "ald_accuracy": round(self.ald_accuracy, 4), "posology_accuracy": round(self.posology_accuracy, 4),
                "uncertain_rate": round(self.uncertain_rate, 4),
                "seconds_per_page": round(self.seconds_per_page, 3)}


def truth_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.json") if _image_of(p) is not None)


def _image_of(truth: Path) -> Path | None:
    return next((truth.with_suffix(s) for s in IMAGE_SUFFIXES if truth.with_suffix(s).is_file()), None)


def evaluate_directory(directory: Path, *, index: DrugIndex,
                       on_page: Callable[[str], None] | None = None) -> EvalReport:
    by_cis = {record.cis: record for record in index.records}
    scores = []
    for truth_path in truth_files(directory):
        image = _image_of(truth_path)
        assert image is not None
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        scores.append(score_page(image.name, truth, read_prescription(image, index=index), by_cis))
        if on_page:
            on_page(image.name)
    return EvalReport(tuple(scores))


def score_page(image: str, truth: dict[str, object], result: ReadResult, by_cis: dict[str, DrugRecord]) -> PageScore:
    expected = _truth_lines(truth)
    asserted = [line for line in result.lines if not line.match.uncertain]
    score = PageScore(image, expected=len(expected), asserted=len(asserted), seconds=result.seconds,
                      uncertain=len(result.lines) - len(asserted))
    unused = list(asserted)
    for line in expected:
        proposed = next((p for p in unused if _same_product(p, str(line["cis"]), by_cis)), None)
        if proposed is None:
            score.missed.append(str(line["drug"]))
            continue
        unused.remove(proposed)
        score.found += 1
        score.ald_right += proposed.ald == bool(line.get("ald"))
        if _same_posology(proposed.posology.contract(), line.get("expected_posology")):
            score.posology_right += 1
        else:
            score.posology_wrong.append(f"{line['posology']} → {proposed.posology.contract()}")
    score.correct = score.found
    score.wrong = [p.text for p in unused]
    _score_products(score, expected, asserted, by_cis)
    return score


def _score_products(score: PageScore, expected: list[dict[str, object]], asserted: list[MatchedLine],
                    by_cis: dict[str, DrugRecord]) -> None:
    unused = list(asserted)
    for line in expected:
        proposed = next((p for p in unused if _same_named_product(p, line, by_cis)), None)
        if proposed is None:
            score.product_missed.append(str(line["drug"]))
        else:
            unused.remove(proposed)
            score.product_found += 1


def _same_named_product(line: MatchedLine, truth: dict[str, object], by_cis: dict[str, DrugRecord]) -> bool:
    """The product proposed is the one written: brand (or DCI), strengths and form."""
    proposed, expected = line.match.record, by_cis.get(str(truth.get("cis")))
    if proposed is None:
        return False
    if proposed.cis == truth.get("cis"):
        return True
    name = str(truth.get("name") or (expected.name if expected else ""))
    substances = truth.get("substances") or (expected.substances if expected else ())
    if not name or not isinstance(substances, list | tuple):
        return False
    same_named = (_molecules(proposed.substances) == _molecules(substances) if truth.get("written_as") == "dci"
                  else _brand(proposed.name) == _brand(name))
    return same_named and _strengths(proposed.name) == _strengths(name) and _form(proposed.name) == _form(name)


def _molecules(substances: Iterable[object]) -> frozenset[str]:
    return frozenset(substance_key(str(s)) for s in substances)


def _brand(name: str) -> str:
    words = [w for w in tokens(name_head(_as_record(name))) if not w[0].isdigit()]
    return words[0] if words else ""


def _strengths(name: str) -> tuple[float, ...]:
    return tuple(sorted(describe(name_head(_as_record(name))).strengths))


def _form(name: str) -> str:
    """The form's first word ("comprimé pelliculé sécable" → "comprime"), and its route for liquids and
    powders, whose first word says too little ("solution buvable" vs "solution injectable")."""
    words = fold(form_of(_as_record(name))).split()
    route = next((w for w in words if w in _ROUTES), "")
    return f"{words[0]} {route}".strip() if words else ""


_ROUTES = frozenset({"buvable", "injectable", "inhalation", "nasale", "ophtalmique", "auriculaire", "cutanee",
                     "rectale", "vaginale", "transdermique"})


def _as_record(name: str) -> DrugRecord:
    return DrugRecord("", name, (), (), (), True, ())


def _truth_lines(truth: dict[str, object]) -> list[dict[str, object]]:
    lines = truth.get("lines", [])
    return [line for line in lines if isinstance(line, dict)] if isinstance(lines, list) else []


def _same_product(line: MatchedLine, cis: str, by_cis: dict[str, DrugRecord]) -> bool:
    proposed, expected = line.match.record, by_cis.get(cis)
    if proposed is None:
        return False
    if proposed.cis == cis or expected is None:
        return proposed.cis == cis
    return proposed.name == expected.name or strength_signature(proposed) == strength_signature(expected)


def _same_posology(read: dict[str, object], expected: object) -> bool:
    if not isinstance(expected, dict):
        return False
    return all(_same_value(read.get(name), expected.get(name)) for name in CONTRACT_FIELDS)


def _same_value(read: object, expected: object) -> bool:
    if isinstance(read, int | float) and isinstance(expected, int | float) and not isinstance(read, bool):
        return math.isclose(float(read), float(expected), rel_tol=1e-6, abs_tol=1e-6)
    return read == expected


def worst_pages(report: EvalReport, count: int = 5) -> Iterable[PageScore]:
    return sorted(report.pages, key=lambda p: (p.found - p.expected) - (p.asserted - p.correct))[:count]
