"""What the counter screen's forms send, read into the basket use cases' inputs.

A value that cannot be read (a date that does not exist, boxes that are no count) is refused with
`FieldErrors`, the French message meant to sit beside its field; the page shows the typed value again.
French habits are accepted: 19/02/2026 for a date, spaces inside an RPPS number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from comptoir.domain import bounds
from comptoir.errors import FieldErrors
from comptoir.services.dispensing.views import LineChanges, LineView, PaperLine, PrescriptionInput

_DATE = re.compile(r"^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{2}|\d{4})$")


@dataclass(frozen=True, slots=True)
class Typed:
    """What the user typed, to show again beside the refusal: per basket line, and for the other fields."""

    fields: dict[str, str] = field(default_factory=dict)
    lines: dict[int, dict[str, str]] = field(default_factory=dict)


def french_date(text: str, what: str, name: str) -> date | None:
    """19/02/2026, 19/02/26, 19.02.2026 or 2026-02-19; empty is None."""
    text = text.strip()
    if not text:
        return None
    found = _DATE.match(text)
    try:
        if found:
            day, month, year = (int(part) for part in found.groups())
            return date(year + 2000 if year < 100 else year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise FieldErrors({name: f"{what} : date impossible « {text} » (attendu JJ/MM/AAAA)."}) from None


def count(text: str, *, name: str, what: str, at_least: int, at_most: int) -> int:
    text = text.strip()
    if not text.isdigit() or len(text) > 3 or not at_least <= int(text) <= at_most:
        raise FieldErrors({name: f"{what} : un nombre entier de {at_least} à {at_most}."})
    return int(text)


def prescription_input(fields: dict[str, str]) -> PrescriptionInput:
    rpps = re.sub(r"\s", "", fields.get("prescriber_rpps", ""))
    if rpps and not rpps.isdigit():
        raise FieldErrors({"prescriber_rpps": "RPPS : onze chiffres."})
    renewal = fields.get("renewal", "").strip()
    return PrescriptionInput(
        prescriber_rpps=rpps or None, prescriber_name=fields.get("prescriber_name", "").strip(),
        prescriber_address=fields.get("prescriber_address", "").strip(),
        prescribed_on=french_date(fields.get("prescribed_on", ""), "Date de l'ordonnance", "prescribed_on"),
        renewal=count(renewal, name="renewal", what="Renouvellement", at_least=0,
                      at_most=bounds.RENEWALS_MAX) if renewal else 0)


def line_changes(fields: dict[str, str], line: LineView) -> LineChanges:
    """Only what differs from the line as it is: a field sent unchanged changes nothing."""
    boxes_text = fields.get("boxes")
    boxes = None if boxes_text is None else count(boxes_text, name="boxes", what="Boîtes", at_least=1,
                                                  at_most=bounds.BOXES_MAX)
    posology = fields.get("posology")
    if posology is not None and len(posology) > bounds.POSOLOGY_MAX:
        raise FieldErrors({"posology": f"Posologie : {bounds.POSOLOGY_MAX} caractères au plus."})
    substitute = ("substitute" in fields) if "substitute_shown" in fields else None
    cip13 = fields.get("cip13") or None
    return LineChanges(
        cip13=cip13 if cip13 != line.cip13 else None,
        boxes=boxes if boxes != line.boxes else None,
        posology=posology.strip() if posology is not None and posology.strip() != line.posology else None,
        substitute=substitute if substitute is not None and substitute != line.substituted else None)


def only_changed(fields: dict[str, str], changed: str) -> dict[str, str]:
    """The one field the user just left (`changed`), or every field when the row was sent with Enter."""
    if changed == "substitute":
        return {name: fields[name] for name in ("substitute", "substitute_shown") if name in fields}
    return {changed: fields[changed]} if changed in fields else fields


def paper_lines(drugs: list[str], posologies: list[str]) -> list[PaperLine]:
    """The rows of the F6 table the user kept: a row without a drug is dropped."""
    rows = zip(drugs, posologies + [""] * (len(drugs) - len(posologies)), strict=False)
    lines = [PaperLine(drug.strip(), posology.strip()) for drug, posology in rows if drug.strip()]
    if not lines:
        raise FieldErrors({"drug": "Aucune ligne à ajouter : saisissez au moins un médicament."})
    if len(lines) > bounds.LINES_MAX:
        raise FieldErrors({"drug": f"{bounds.LINES_MAX} lignes au plus par ordonnance."})
    return lines
