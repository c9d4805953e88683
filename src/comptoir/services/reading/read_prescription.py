"""Use cases around paper prescriptions: read one, measure the reader.

Each loads the drug index through the runtime's cache in a short unit of work, ended before the OCR:
on SQLite its transaction holds the write lock, and a second of Tesseract must not keep the other
counters waiting.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from comptoir.errors import Busy, NotFound, RuleViolation
from comptoir.reading.prescription_reader import ReadResult, read_prescription
from comptoir.reading.read_eval import EvalReport, evaluate_directory, truth_files
from comptoir.refdata.search import DrugIndex
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.refdata.drugs import DrugIndexCache

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class OcrSlots:
    """At most `jobs` readings at once in this process: each takes a core and a few hundred MB, and a burst
    of uploads must not take the server's memory. A reading that finds no slot within `wait_s` is refused."""

    def __init__(self, jobs: int, wait_s: float) -> None:
        self._free, self.wait_s = threading.BoundedSemaphore(jobs), wait_s

    @contextmanager
    def taken(self) -> Iterator[None]:
        if not self._free.acquire(timeout=self.wait_s):
            raise Busy("Le lecteur d'ordonnances est occupé par d'autres lectures : réessayez dans un instant.")
        try:
            yield
        finally:
            self._free.release()


@cache
def ocr_slots(jobs: int, wait_s: float) -> OcrSlots:
    """The process-wide slots for these settings (one set per process, whatever the number of requests)."""
    return OcrSlots(jobs, wait_s)


def read_paper_prescription(source: Path | bytes, *, uow: UnitOfWork, drug_index: DrugIndexCache,
                            actor: Actor, now: datetime, slots: OcrSlots | None = None) -> ReadResult:
    """The reading (in one of the process's OCR slots), then its audit entry: which file, how much was read."""
    index = _index(uow, drug_index)
    if slots is None:
        result = read_with_index(source, index)
    else:
        with slots.taken():
            result = read_with_index(source, index)
    content = source if isinstance(source, bytes) else source.read_bytes()
    with uow:
        audit(uow, actor, action="read", object_type="prescription_reading",
              object_id="sha256:" + hashlib.sha256(content).hexdigest()[:32],
              detail=f"{len(result.lines)} ligne(s), {result.pages} page(s), "
                     f"patient {'lu' if result.patient.name else 'non lu'}", now=now)
        uow.commit()
    return result


def _index(uow: UnitOfWork, drug_index: DrugIndexCache) -> DrugIndex:
    with uow:
        return drug_index.get(uow.reference)


def read_with_index(source: Path | bytes, index: DrugIndex) -> ReadResult:
    """The reading itself: no database, so a caller may end its transaction before this second of OCR."""
    if isinstance(source, bytes) and len(source) > MAX_UPLOAD_BYTES:
        raise RuleViolation(f"Fichier trop volumineux (plus de {MAX_UPLOAD_BYTES // (1024 * 1024)} Mo).")
    return read_prescription(source, index=index)


def count_pages(directory: Path) -> int:
    if not directory.is_dir():
        raise NotFound(f"Dossier introuvable : {directory}")
    return len(truth_files(directory))


def evaluate_reading(directory: Path, *, uow: UnitOfWork, drug_index: DrugIndexCache,
                     on_page: Callable[[str], None] | None = None) -> EvalReport:
    if count_pages(directory) == 0:
        raise NotFound(f"Aucune ordonnance de test (image + .json) dans {directory} : "
                       "lancez « comptoir read generate ».")
    return evaluate_directory(directory, index=_index(uow, drug_index), on_page=on_page)


def analysis_case(result: ReadResult, *, today: str) -> dict[str, object]:
    """The reading in the shape `POST /api/analysis` and `comptoir analyse` take (DESIGN.md): a recognised line
    goes by its CIS, an uncertain one by the text read, for the pharmacist to correct before analysing."""
    patient: dict[str, object] = {"birth_date": result.patient.birth_date, "weight_kg": result.patient.weight_kg}
    lines = [{"drug": line.match.record.cis if line.match.record and not line.match.uncertain else line.designation,
              "posology": line.posology.text} for line in result.lines]
    return {"today": result.date or today, "patient": {k: v for k, v in patient.items() if v is not None},
            "lines": lines, "history": []}
