"""What the counter screen shows around the basket: the patient band, the control window's list of
differences and decisions, the panel after validation. Plain values read from the basket's view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from comptoir.domain.identity.status import IdentityStatus
from comptoir.services.analysis.analyse import patient_for_analysis
from comptoir.services.dispensing.views import BasketView, LineView, Validated
from comptoir.services.identity import patients
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.unit_of_work import UnitOfWork

KINDS = (("ordonnance_numerique", "Ordonnance numérique"), ("ordonnance_papier", "Ordonnance papier"),
         ("sans_ordonnance", "Sans ordonnance"))


@dataclass(frozen=True, slots=True)
class Band:
    """The patient band until the profile's own partial replaces it."""

    name: str
    birth_date: date
    age: int
    sex: str
    status: str
    status_label: str
    ins: str | None
    allergies: tuple[str, ...]
    facts: tuple[str, ...]
    history: tuple[tuple[datetime, str], ...]


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def band_of(patient_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> Band:
    record = patients.read_patient(patient_id, uow=uow, operator=operator, now=now)
    profile = patient_for_analysis(patient_id, uow=uow, operator=operator, now=now)
    status = IdentityStatus(record.identity_status)
    ins = record.nir if status is IdentityStatus.QUALIFIED else None
    return Band(profile.name, profile.birth_date, age_on(profile.birth_date, now.date()), profile.sex, status.value,
                status.label, ins, profile.allergies, (), profile.history)


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
            found.append(f"{alert.level_label} ({products}) — {alert.decision.kind_label}{reason}")
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


@dataclass(frozen=True, slots=True)
class PaperTable:
    """The F6 table: the prescription's header and lines, as read, then as the user corrected them."""

    prescriber_name: str
    prescriber_rpps: str
    prescribed_on: str
    rows: tuple[PaperRow, ...]
    seconds: float | None = None
    warning: str = ""


def paper_table_read(reading: dict[str, Any]) -> PaperTable:
    """From the reader's contract (`comptoir read --json`)."""
    prescriber, day = reading["prescriber"], reading.get("date")
    rows = tuple(PaperRow(line["text"], line["name"] or line["drug"], line["posology"]["text"], line["uncertain"])
                 for line in reading["lines"])
    return PaperTable(prescriber.get("name") or "", prescriber.get("rpps") or "",
                      "/".join(reversed(day.split("-"))) if day else "", rows, reading.get("seconds"),
                      reading.get("warning") or "")


def paper_table_typed(fields: dict[str, str], drugs: list[str], posologies: list[str]) -> PaperTable:
    rows = tuple(PaperRow("", drug, posology) for drug, posology
                 in zip(drugs, posologies + [""] * len(drugs), strict=False) if drug.strip())
    return PaperTable(fields["prescriber_name"], fields["prescriber_rpps"], fields["prescribed_on"], rows)
