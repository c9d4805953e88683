"""The ordonnancier: written at validation, cancelled by new entries, read, printed and exported.

CSP R.5132-10: every dispensed medicine of liste I, liste II or a stupéfiant is entered with its own
running number, the date, the prescriber's name and address, the patient's name and address, the product
and the quantity delivered; the register is kept ten years (R.5132-10, last paragraph) and nothing in it is
erased: a cancelled dispensation adds entries that cancel the original numbers.

Write side — `record_dispensation` and `record_cancellation` — runs inside the caller's unit of work (the
counter's validation, one transaction): they neither open nor commit it. Read side — `register_page`,
`register_csv`, `register_pdf` — are use cases: health data, `READ_PATIENTS`, each read audited.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from comptoir.domain import bounds
from comptoir.domain.dispensing.conditions import LISTING_LABELS, Listing
from comptoir.domain.operators import Permission
from comptoir.errors import Conflict, RuleViolation
from comptoir.services.dispensing import register_document
from comptoir.services.dispensing.printing import PHARMACY_TIME, local
from comptoir.services.dispensing.register_document import RegisterRow
from comptoir.services.platform.audit_log import Actor, audit, search_digest
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store.registers import CANCELLATION, DELIVERY, RegisterEntry, RegisterQuery

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

PAGE_SIZE = 50


# --- write side: inside the validation's transaction ----------------------------------------------


@dataclass(frozen=True, slots=True)
class RegisterLine:
    """One dispensed line, as the counter has it; `listing` from `read_conditions(...).listing`."""

    position: int
    product: str
    quantity: int
    listing: Listing | None
    cip13: str | None = None
    cis: str | None = None
    unit: str = "boîte"


@dataclass(frozen=True, slots=True)
class RegisterPrescriber:
    name: str
    rpps: str | None = None
    address: str = ""


@dataclass(frozen=True, slots=True)
class RegisterPatient:
    name: str
    address: str = ""
    patient_id: int | None = None


@dataclass(frozen=True, slots=True)
class RegisterInput:
    dispensation_id: int
    operator_code: str
    prescriber: RegisterPrescriber
    patient: RegisterPatient
    lines: tuple[RegisterLine, ...]


def record_dispensation(uow: UnitOfWork, entry: RegisterInput, *, now: datetime) -> list[int]:
    """Enters the listed lines of a dispensation (the others are not registered); returns their numbers in
    line order. Runs in the caller's transaction: a validation that rolls back gives the numbers back."""
    listed = [line for line in entry.lines if line.listing is not None]
    if not listed:
        return []
    _check_parties(entry)
    for line in listed:
        _check_line(line)
    numbers = uow.registers.take_numbers(len(listed))
    uow.registers.append([_delivery(entry, line, number, now) for line, number in zip(listed, numbers, strict=True)])
    return list(numbers)


def record_cancellation(uow: UnitOfWork, dispensation_id: int, *, operator_code: str, reason: str,
                        now: datetime) -> list[int]:
    """Adds one cancelling entry per registered line of the dispensation, each naming the number it cancels;
    returns the new numbers ([] when nothing of it was registered). Runs in the caller's transaction."""
    reason = reason.strip()
    if not reason:
        raise RuleViolation("Ordonnancier : le motif de l'annulation est obligatoire.")
    bounds.check_length(reason, bounds.SHORT_TEXT_MAX, "Motif de l'annulation")
    originals = uow.registers.deliveries_of(dispensation_id)
    cancelled = uow.registers.cancelled_among([o.number for o in originals])
    open_ones = [o for o in originals if o.number not in cancelled]
    if originals and not open_ones:
        raise Conflict(f"Délivrance n° {dispensation_id} déjà annulée dans l'ordonnancier.")
    if not open_ones:
        return []
    numbers = uow.registers.take_numbers(len(open_ones))
    uow.registers.append([_cancelling(o, number, operator_code=operator_code, reason=reason, now=now)
                          for o, number in zip(open_ones, numbers, strict=True)])
    return list(numbers)


def _check_parties(entry: RegisterInput) -> None:
    # R.5132-10: the prescriber and the patient are named in every entry.
    if not entry.prescriber.name.strip() and not entry.prescriber.rpps:
        raise RuleViolation("Ordonnancier : le prescripteur (nom ou RPPS) est obligatoire pour un médicament "
                            "de liste I, de liste II ou stupéfiant.")
    if not entry.patient.name.strip():
        raise RuleViolation("Ordonnancier : le nom du patient est obligatoire pour un médicament de liste I, "
                            "de liste II ou stupéfiant.")


def _check_line(line: RegisterLine) -> None:
    if line.quantity < 1:
        raise RuleViolation(f"Ordonnancier : quantité délivrée invalide pour {line.product} ({line.quantity}).")


def _delivery(entry: RegisterInput, line: RegisterLine, number: int, now: datetime) -> RegisterEntry:
    listing = line.listing.value if line.listing else ""
    return RegisterEntry(number=number, recorded_at=now, kind=DELIVERY, dispensation_id=entry.dispensation_id,
                         line_position=line.position, listing=listing, product=line.product, cip13=line.cip13,
                         cis=line.cis, quantity=line.quantity, unit=line.unit,
                         prescriber_name=entry.prescriber.name.strip(), prescriber_rpps=entry.prescriber.rpps,
                         prescriber_address=entry.prescriber.address.strip(), patient_id=entry.patient.patient_id,
                         patient_name=entry.patient.name.strip(), patient_address=entry.patient.address.strip(),
                         operator_code=entry.operator_code, cancels_number=None, reason="")


def _cancelling(original: RegisterEntry, number: int, *, operator_code: str, reason: str,
                now: datetime) -> RegisterEntry:
    return RegisterEntry(number=number, recorded_at=now, kind=CANCELLATION, dispensation_id=original.dispensation_id,
                         line_position=original.line_position, listing=original.listing, product=original.product,
                         cip13=original.cip13, cis=original.cis, quantity=original.quantity, unit=original.unit,
                         prescriber_name=original.prescriber_name, prescriber_rpps=original.prescriber_rpps,
                         prescriber_address=original.prescriber_address, patient_id=original.patient_id,
                         patient_name=original.patient_name, patient_address=original.patient_address,
                         operator_code=operator_code, cancels_number=original.number, reason=reason)


# --- read side: use cases ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegisterFilters:
    """The days from `start` to `end` included (pharmacy time), a listing, a product or patient name part."""

    start: date | None = None
    end: date | None = None
    listing: Listing | None = None
    product: str = ""
    patient: str = ""
    page: int = 1
    patient_id: int | None = None
    """One patient's entries (from the patient's record), whatever the name written then."""

    def query(self) -> RegisterQuery:
        if self.start and self.end and self.start > self.end:
            raise RuleViolation("Période : la date de début est après la date de fin.")
        for text, what in ((self.product, "Produit"), (self.patient, "Patient")):
            bounds.check_length(text, bounds.SHORT_TEXT_MAX, what)
        return RegisterQuery(start=_day_start(self.start), end=_day_start(self.end + timedelta(days=1))
                             if self.end else None, listing=self.listing.value if self.listing else None,
                             product=self.product, patient=self.patient, patient_id=self.patient_id)

    def period(self) -> str:
        if self.start and self.end:
            return f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"
        if self.start:
            return f"depuis le {self.start:%d/%m/%Y}"
        if self.end:
            return f"jusqu'au {self.end:%d/%m/%Y}"
        return "toutes dates"


@dataclass(frozen=True, slots=True)
class RegisterPage:
    rows: list[RegisterRow]
    total: int
    page: int
    pages: int
    filters: RegisterFilters = field(default_factory=RegisterFilters)


def register_page(filters: RegisterFilters, *, uow: UnitOfWork, operator: CurrentOperator,
                  now: datetime) -> RegisterPage:
    operator.require(Permission.READ_PATIENTS)
    query = filters.query()
    page = max(filters.page, 1)
    with uow:
        entries, total = uow.registers.page(query, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        cancelled = _cancelled(uow, entries)
        rows = [_row(e, cancelled) for e in entries]
        _audit_read(uow, operator, filters, rows, what="consultation", now=now)
        uow.commit()
    return RegisterPage(rows, total, page, max(1, -(-total // PAGE_SIZE)), filters)


CSV_HEADERS = ("N° d'ordre", "Date", "Heure", "Nature", "Liste", "Produit", "CIP13", "Quantité", "Unité",
               "Prescripteur", "RPPS du prescripteur", "Adresse du prescripteur", "Patient", "Adresse du patient",
               "Opérateur", "Motif d'annulation", "N° de délivrance")


def register_csv(filters: RegisterFilters, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> bytes:
    """The matching entries as a CSV French spreadsheets open as they are: UTF-8 with its BOM, `;` between
    fields, French headers."""
    operator.require(Permission.READ_PATIENTS)
    query = filters.query()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_HEADERS)
    with uow:
        rows = list(_all_rows(uow, query))
        writer.writerows(_csv_cells(row) for row in rows)
        _audit_read(uow, operator, filters, rows, what="export CSV", now=now)
        uow.commit()
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def register_pdf(filters: RegisterFilters, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> bytes:
    """The matching entries printed: A4 landscape, one line per entry, the pharmacy and the period on top."""
    operator.require(Permission.READ_PATIENTS)
    query = filters.query()
    with uow:
        rows = list(_all_rows(uow, query))
        pharmacy = uow.eprescriptions.pharmacy()
        header = register_document.Header(
            pharmacy=pharmacy.name if pharmacy else "Pharmacie non configurée",
            address=pharmacy.address if pharmacy else "", finess=pharmacy.finess if pharmacy else "",
            period=filters.period(), printed_at=local(now), selection=_selection(filters))
        _audit_read(uow, operator, filters, rows, what="impression", now=now)
        uow.commit()
    return register_document.pdf(header, rows)


def _all_rows(uow: UnitOfWork, query: RegisterQuery) -> Iterator[RegisterRow]:
    entries = list(uow.registers.matching(query))
    cancelled = _cancelled(uow, entries)
    return (_row(e, cancelled) for e in entries)


def _cancelled(uow: UnitOfWork, entries: list[RegisterEntry]) -> set[int]:
    numbers = [e.number for e in entries if e.kind == DELIVERY]
    return uow.registers.cancelled_between(min(numbers), max(numbers)) if numbers else set()


def _row(entry: RegisterEntry, cancelled: set[int]) -> RegisterRow:
    nature = "Délivrance" if entry.kind == DELIVERY else f"Annulation du n° {entry.cancels_number}"
    return RegisterRow(number=entry.number, at=local(entry.recorded_at), nature=nature,
                       listing=_listing_label(entry.listing), product=entry.product, cip13=entry.cip13 or "",
                       quantity=entry.quantity, unit=entry.unit, prescriber=entry.prescriber_name,
                       prescriber_rpps=entry.prescriber_rpps or "", prescriber_address=entry.prescriber_address,
                       patient=entry.patient_name, patient_address=entry.patient_address,
                       operator_code=entry.operator_code, reason=entry.reason, dispensation_id=entry.dispensation_id,
                       cancelled=entry.number in cancelled)


def _listing_label(value: str) -> str:
    try:
        return LISTING_LABELS[Listing(value)]
    except ValueError:
        return value


def _csv_cells(row: RegisterRow) -> list[str]:
    cells = [str(row.number), f"{row.at:%d/%m/%Y}", f"{row.at:%H:%M}", row.nature, row.listing, row.product,
             row.cip13, str(row.quantity), row.unit, row.prescriber, row.prescriber_rpps, row.prescriber_address,
             row.patient, row.patient_address, row.operator_code, row.reason, str(row.dispensation_id)]
    return [_inert(cell) for cell in cells]


def _inert(cell: str) -> str:
    """A text a spreadsheet would read as a formula (=, +, -, @ first) is kept as text (CSV injection)."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell


def _selection(filters: RegisterFilters) -> str:
    parts = [LISTING_LABELS[filters.listing]] if filters.listing else []
    parts += [f"produit « {filters.product.strip()} »"] if filters.product.strip() else []
    parts += [f"patient « {filters.patient.strip()} »"] if filters.patient.strip() else []
    return ", ".join(parts)


def _audit_read(uow: UnitOfWork, operator: CurrentOperator, filters: RegisterFilters, rows: Iterable[RegisterRow],
                *, what: str, now: datetime) -> None:
    numbers = [row.number for row in rows]
    span = f"n° {numbers[0]} à {numbers[-1]}" if numbers else "aucune entrée"
    searched = [f"{name} {search_digest(uow, text)}" for name, text in (("produit", filters.product),
                                                                       ("patient", filters.patient)) if text.strip()]
    patient = [f"patient n° {filters.patient_id}"] if filters.patient_id else []
    detail = " ; ".join([what, filters.period(), *([filters.listing.value] if filters.listing else []), *searched,
                         *patient, span])
    audit(uow, Actor(operator.code, operator.workstation), action="read", object_type="ordonnancier",
          object_id=f"{len(numbers)} entrée(s)", detail=detail, now=now)


def _day_start(day: date | None) -> datetime | None:
    # In UTC, as the rows are stored: SQLite compares the written wall-clock times, ignoring any offset.
    return None if day is None else datetime.combine(day, time.min, tzinfo=PHARMACY_TIME).astimezone(UTC)
