"""What the counter's ON screen shows: for the chosen period, each line with the products a pharmacist
may give (the prescribed one, then its generic group unless "non substituable"), the box that fits
and the boxes needed, what was already delivered here or elsewhere; and the matching of products
scanned or typed by hand against the ON's lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from comptoir.analysis.engine import Analysis
from comptoir.analysis.reference import AnalysisReference
from comptoir.analysis.resolve import resolve
from comptoir.domain.eprescription import prescription as rx
from comptoir.reading.posology import parse_posology
from comptoir.services.analysis.analyse import audited_analysis
from comptoir.services.analysis.reference import AnalysisReferenceCache
from comptoir.services.eprescription import periods
from comptoir.services.eprescription.dispense import delivered_before
from comptoir.services.eprescription.lines import Pack, fitting_pack, generic_group_of, group_alternatives, packs
from comptoir.services.eprescription.scan import kept, patient_mismatch
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.eprescription import EPrescriptionRepository, PrescriptionRecord

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Option:
    cis: str
    name: str
    pack: Pack | None
    prescribed: bool


@dataclass(frozen=True, slots=True)
class PlannedLine:
    line: rx.PrescribedLine
    options: tuple[Option, ...]
    needed: int
    already: int
    closed: bool
    delivered: tuple[tuple[rx.Execution, rx.DeliveredLine], ...]
    """Every earlier delivery of this line (any period, any pharmacy), with its date and pharmacy."""
    note: str = ""
    """Why nothing is offered for this period (not renewable, renewal too early), in French."""


def plan(lookups: EPrescriptionRepository, prescription: rx.Prescription, renewal: int, *,
         limit: int = 8, unavailable: dict[int, str] | None = None) -> list[PlannedLine]:
    """Each line for this period; a line in `unavailable` (line number -> why) is shown, never preselected."""
    notes = unavailable or {}
    return [_unavailable(lookups, prescription, line, renewal, notes[line.number]) if notes.get(line.number)
            else _planned(lookups, prescription, line, renewal, limit) for line in prescription.lines]


def _unavailable(lookups: EPrescriptionRepository, prescription: rx.Prescription, line: rx.PrescribedLine,
                 renewal: int, note: str) -> PlannedLine:
    already = delivered_before(lookups, prescription, line.number, renewal)
    delivered = tuple((e, d) for e in prescription.executions for d in e.lines if d.line_number == line.number)
    return PlannedLine(line, (), 0, already, True, delivered, note)


def _planned(lookups: EPrescriptionRepository, prescription: rx.Prescription, line: rx.PrescribedLine, renewal: int,
             limit: int) -> PlannedLine:
    parsed = parse_posology(line.posology)
    units = parsed.daily_quantity * line.duration_days if parsed.daily_quantity and line.duration_days else None
    members = group_alternatives(lookups, line.cis, limit) if line.cis and line.substitutable else []
    members = members or ([(line.cis, line.text)] if line.cis else [])
    options = tuple(Option(cis, name, _pack(lookups, cis, units, line), cis == line.cis) for cis, name in members)
    first = options[0].pack if options else None
    needed = _needed(parsed.daily_quantity, line, first)
    already = delivered_before(lookups, prescription, line.number, renewal)
    closed = rx.delivered_in(prescription.executions, line.number, renewal)[1] or (already >= needed > 0)
    delivered = tuple((e, d) for e in prescription.executions for d in e.lines if d.line_number == line.number)
    return PlannedLine(line, options, max(needed - already, 0) if not closed else 0, already, closed, delivered)


def _pack(lookups: EPrescriptionRepository, cis: str, units: float | None, line: rx.PrescribedLine) -> Pack | None:
    candidates = packs(lookups, cis)
    exact = next((p for p in candidates if p.cip13 == line.cip13), None)
    return exact or fitting_pack(candidates, units)


def _needed(daily: float | None, line: rx.PrescribedLine, pack: Pack | None) -> int:
    from comptoir.domain.eprescription.dispensing import boxes_needed

    return boxes_needed(daily, line.duration_days, pack.units if pack else None) or line.quantity


def match_products(lookups: EPrescriptionRepository, reference: AnalysisReference, prescription: rx.Prescription,
                   typed: list[str]) -> dict[int, str]:
    """Products scanned or typed by hand (CIP13, name) matched to the ON's lines: line number -> CIS.

    Best first: the prescribed specialty, then its generic group, then a shared substance; each line and
    each product is used once."""
    found: dict[int, str] = {}
    for text in (t for t in typed if t.strip()):
        product = resolve(text.strip(), reference).product
        if product is None:
            continue
        scored = sorted(((_score(lookups, reference, line, product.cis), line.number) for line in prescription.lines
                         if line.number not in found), reverse=True)
        if scored and scored[0][0] > 0:
            found[scored[0][1]] = product.cis
    return found


def _score(lookups: EPrescriptionRepository, reference: AnalysisReference, line: rx.PrescribedLine, cis: str) -> int:
    if line.cis == cis:
        return 3
    if line.cis and line.substitutable and cis in generic_group_of(lookups, line.cis):
        return 2
    prescribed = reference.products.get(line.cis or "") or resolve(line.text, reference).product
    given = reference.products.get(cis)
    if prescribed and given and set(prescribed.substance_names) & set(given.substance_names):
        return 1
    return 0


@dataclass(frozen=True, slots=True)
class CounterScreen:
    record: PrescriptionRecord
    prescription: rx.Prescription
    patient: m.Patient | None
    mismatch: str
    lines: list[PlannedLine]
    matched: dict[int, tuple[str, str, str]]
    """Line number -> (CIS, name, CIP13 of a box) of the products recognised among those typed."""
    analysis: Analysis
    status: rx.Status = rx.Status.ACTIVE
    """From what is left to deliver, this pharmacy's deliveries since the last consultation included."""


def counter_screen(prescription_id: str, *, uow: UnitOfWork, operator: CurrentOperator,
                   references: AnalysisReferenceCache, patient_id: int | None, renewal: int, typed: list[str],
                   now: datetime) -> CounterScreen:
    """The ON beside its dispensing lines and the analysis (an access to health data, so audited)."""
    with uow:
        record, prescription = kept(uow, prescription_id)
        prescription = periods.known_here(uow, prescription)
        patient_id = record.patient_id if patient_id is None else patient_id
        patient = uow.eprescriptions.patient(patient_id) if patient_id else None
        mismatch = patient_mismatch(patient, prescription) if patient else ""
        notes = {line.number: periods.unavailable(uow, prescription, line, renewal, now.date())
                 for line in prescription.lines}
        lines = plan(uow.eprescriptions, prescription, renewal, unavailable=notes)
        reference = references.get(uow.reference)
        matched = match_products(uow.eprescriptions, reference, prescription, typed)
        analysis = audited_analysis(_case(uow, prescription, patient, now), uow=uow, operator=operator,
                                    reference=reference, now=now, patient_id=patient_id)
        screen = CounterScreen(record, prescription, patient, mismatch, lines,
                               _matched_packs(uow.eprescriptions, matched), analysis,
                               periods.status_here(uow, prescription, now.date()))
        uow.commit()
    return screen


def _matched_packs(lookups: EPrescriptionRepository, matched: dict[int, str]) -> dict[int, tuple[str, str, str]]:
    found = {}
    for number, cis in matched.items():
        specialty, pack = lookups.specialty(cis), fitting_pack(packs(lookups, cis), None)
        if specialty and pack:
            found[number] = (cis, specialty.name, pack.cip13)
    return found


def _case(uow: UnitOfWork, prescription: rx.Prescription, patient: m.Patient | None, now: datetime) -> dict[str, Any]:
    lines = [{"drug": line.cip13 or line.text, "posology": line.posology} for line in prescription.lines]
    case: dict[str, Any] = {"today": now.date().isoformat(), "lines": lines, "history": [],
                            "prescriber": {"rpps": prescription.prescriber.rpps}}
    if patient is None:
        return case | {"patient": {"birth_date": prescription.patient.birth_date.isoformat()}}
    history = uow.dispensations.recent_lines_of_patient(patient.id, since=now - timedelta(days=365), limit=60)
    return case | {"patient": {"birth_date": patient.birth_date.isoformat(), "sex": patient.sex,
                               "allergies": list(patient.allergies or [])},
                   "history": [{"drug": cip or drug, "date": when.date().isoformat()} for when, cip, drug in history]}
