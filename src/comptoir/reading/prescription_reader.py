"""A paper prescription (photo, scan or PDF) → the lines it prescribes, for the pharmacist to confirm.

`read_prescription(...).contract()` is the stable shape of `comptoir read IMAGE --json`:
`{lines: [{text, substances, cis, posology}], prescriber, patient, date}` plus what helps the
pharmacist decide (`confidence`, `uncertain`, `candidates`, `ald`, `advice`, `warning`; for the header
fields, `prescriber.confidence`/`uncertain`, the same for `patient`, `date_confidence`/`date_uncertain`). A page that
holds no prescription, or cannot be read, gives no lines and a French warning, never an error.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pytesseract
from PIL import Image

from comptoir.errors import ConfigurationError, NotFound
from comptoir.reading.line_matcher import LineMatcher, MatchedLine
from comptoir.reading.ocr import OcrLine, UnreadableDocument, load_pages, read_page
from comptoir.reading.prescription_layout import Patient, Prescriber, PrescriptionLayout, lay_out
from comptoir.refdata.search import DrugIndex

FIELD_UNCERTAIN_BELOW = 0.75
"""A header field (prescriber, patient, date) read from a line whose least sure word Tesseract gives under
this is flagged for checking. On 18 DEVELOPMENT pages (scan, photo, fax; 2026-11) the four RPPS read
wrong came with 0.0 to 0.03, the 45 values read right with 0.74 to 0.96 save five (0.12 to 0.58, a stray
mark on the line): 0.75 flags every wrong value for about one needless check in nine. A wrong RPPS or
date costs more than a second look. Lines keep the matcher's own bar (`line_matcher.UNCERTAIN_BELOW`),
which weighs the reference's agreement with the OCR confidence."""
NO_TEXT = "Aucun texte lisible : l'image est vide, trop floue ou trop petite. Rescannez l'ordonnance."
NO_LINES = "Aucune ligne de prescription reconnue sur ce document : vérifiez qu'il s'agit bien d'une ordonnance."


@dataclass(frozen=True, slots=True)
class ReadResult:
    lines: tuple[MatchedLine, ...] = ()
    prescriber: Prescriber = field(default_factory=Prescriber)
    patient: Patient = field(default_factory=Patient)
    date: str | None = None
    advice: tuple[str, ...] = ()
    warning: str | None = None
    pages: int = 0
    seconds: float = 0.0
    field_confidence: dict[str, float] = field(default_factory=dict)

    @property
    def to_check(self) -> int:
        return sum(1 for line in self.lines if line.match.uncertain)

    def contract(self) -> dict[str, object]:
        date_confidence = self.field_confidence.get("date")
        return {"lines": [line.contract() for line in self.lines],
                "prescriber": self._with_confidence("prescriber", self.prescriber.contract()),
                "patient": self._with_confidence("patient", self.patient.contract()), "date": self.date,
                "date_confidence": None if date_confidence is None else round(date_confidence, 3),
                "date_uncertain": date_confidence is not None and date_confidence < FIELD_UNCERTAIN_BELOW,
                "advice": list(self.advice), "warning": self.warning, "pages": self.pages,
                "seconds": round(self.seconds, 3)}

    def _with_confidence(self, part: str, fields: dict[str, object]) -> dict[str, object]:
        """The part's fields, with the confidence of each one read and the list of those to check."""
        known = {name: self.field_confidence[f"{part}.{name}"] for name in fields
                 if fields[name] is not None and f"{part}.{name}" in self.field_confidence}
        return {**fields, "confidence": {name: round(value, 3) for name, value in known.items()},
                "uncertain": sorted(name for name, value in known.items() if value < FIELD_UNCERTAIN_BELOW)}


def read_prescription(source: Path | str | bytes, *, index: DrugIndex) -> ReadResult:
    """Reads every page of the document; the lines are matched against `index`."""
    started = time.perf_counter()
    try:
        pages = load_pages(_bytes_or_path(source))
    except UnreadableDocument as exc:
        return ReadResult(warning=str(exc), seconds=time.perf_counter() - started)
    ocr_lines = [line for page in pages for line in _recognised(page)]
    matcher = LineMatcher(index)
    layout = lay_out(ocr_lines, names_drug=matcher.names_drug)
    lines = tuple(matcher.read(item.text, posology=item.posology, ocr_confidence=item.confidence, ald=item.ald)
                  for item in layout.items)
    return _result(layout, lines, ocr_lines, pages=len(pages), seconds=time.perf_counter() - started)


def _bytes_or_path(source: Path | str | bytes) -> Path | bytes:
    if isinstance(source, bytes):
        return source
    path = Path(source)
    if not path.is_file():
        raise NotFound(f"Fichier introuvable : {path}")
    return path


def _recognised(page: Image.Image) -> tuple[OcrLine, ...]:
    try:
        return read_page(page).lines
    except pytesseract.TesseractNotFoundError as exc:
        raise ConfigurationError("Tesseract est absent : installez les paquets tesseract-ocr et tesseract-ocr-fra.") \
            from exc
    except pytesseract.TesseractError as exc:
        raise ConfigurationError(f"Tesseract n'a pas pu lire la page (modèle français installé ?) : {exc}") from exc


def _result(layout: PrescriptionLayout, lines: tuple[MatchedLine, ...], ocr_lines: list[OcrLine], *, pages: int,
            seconds: float) -> ReadResult:
    warning = NO_TEXT if not ocr_lines else NO_LINES if not lines else None
    return ReadResult(lines=lines, prescriber=layout.prescriber, patient=layout.patient, date=layout.date,
                      advice=tuple(layout.advice), warning=warning, pages=pages, seconds=seconds,
                      field_confidence=dict(layout.field_confidence))
