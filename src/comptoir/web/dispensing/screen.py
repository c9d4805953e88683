"""What the counter screen shows around the basket: the control window's list of differences and decisions,
the panel after validation, the F6 table. Plain values read from the basket's view and the reader's result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from comptoir.services.dispensing.views import BasketView, LineView, Validated

KINDS = (("ordonnance_numerique", "Ordonnance numérique"), ("ordonnance_papier", "Ordonnance papier"),
         ("sans_ordonnance", "Sans ordonnance"))


@dataclass(frozen=True, slots=True)
class Done:
    dispensation_id: int
    ordonnancier_numbers: tuple[int, ...]
    with_interventions: bool
    scan_id: int | None


def done_panel(validated: Validated, before: BasketView) -> Done:
    interventions = any(a.decision and a.decision.kind == "intervention" for a in before.alerts)
    scan = before.prescription.scan_id if before.prescription else None
    return Done(validated.dispensation_id, validated.ordonnancier_numbers, interventions, scan)


def differences(basket: BasketView) -> list[str]:
    """What the pharmacist checks before validating: the lines that differ from the prescription, then the
    decisions taken on the alerts."""
    found = [text for line in basket.lines for text in _line_differences(basket, line)]
    for alert in basket.alerts:
        if alert.decision is not None:
            products = " + ".join(p.label for p in alert.products)
            reason = f" : {alert.decision.reason}" if alert.decision.reason else ""
            named = f" ({products})" if products else ""
            found.append(f"{alert.level_label}{named} — {alert.decision.kind_label}{reason}")
    return found


def _line_differences(basket: BasketView, line: LineView) -> list[str]:
    name = line.name or line.drug
    found = []
    if line.substituted:
        found.append(f"Substitution générique : {name} pour « {line.drug} ».")
    if line.prescribed_boxes is not None and line.boxes != line.prescribed_boxes:
        found.append(f"{name} : {line.boxes} boîte(s) pour {line.prescribed_boxes} prescrite(s).")
    if basket.kind == "ordonnance_numerique" and line.prescription_line is None:
        found.append(f"{name} : ajouté hors ordonnance.")
    if line.reason:
        found.append(f"{name} : {line.reason}")
    return found


@dataclass(frozen=True, slots=True)
class PaperRow:
    text: str
    """As read on the page ("" for a row the user typed)."""
    drug: str
    posology: str
    uncertain: bool = False
    ald: bool = False
    """Read in the ALD zone of a bizone prescription."""


@dataclass(frozen=True, slots=True)
class PaperTable:
    """The F6 table: the prescription's header and lines, as read, then as the user corrected them."""

    prescriber_name: str
    prescriber_rpps: str
    prescribed_on: str
    rows: tuple[PaperRow, ...]
    seconds: float | None = None
    warning: str = ""
    uncertain_fields: frozenset[str] = frozenset()
    """The header fields read unsurely: "prescriber_name", "prescriber_rpps", "prescribed_on"."""


def paper_table_read(reading: dict[str, Any]) -> PaperTable:
    """From the reader's contract (`comptoir read --json`)."""
    prescriber, day = reading["prescriber"], reading.get("date")
    rows = tuple(PaperRow(line["text"], line["name"] or line["drug"], line["posology"]["text"], line["uncertain"],
                          bool(line.get("ald"))) for line in reading["lines"])
    unsure = set(prescriber.get("uncertain") or ())
    fields = {name for name, flagged in (("prescriber_name", "name" in unsure), ("prescriber_rpps", "rpps" in unsure),
                                         ("prescribed_on", bool(reading.get("date_uncertain")))) if flagged}
    return PaperTable(prescriber.get("name") or "", prescriber.get("rpps") or "",
                      "/".join(reversed(day.split("-"))) if day else "", rows, reading.get("seconds"),
                      reading.get("warning") or "", frozenset(fields))


def paper_table_typed(fields: dict[str, str], drugs: list[str], posologies: list[str]) -> PaperTable:
    rows = tuple(PaperRow("", drug, posology) for drug, posology
                 in zip(drugs, posologies + [""] * len(drugs), strict=False) if drug.strip())
    return PaperTable(fields["prescriber_name"], fields["prescriber_rpps"], fields["prescribed_on"], rows)
