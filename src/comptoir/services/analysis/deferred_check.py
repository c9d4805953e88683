"""Use case: the deferred double check — re-analyse every dispensation of a period against the
patient's profile and previous dispensations, and queue those that need a pharmacist's review.

Queue: "a_controler" (not checked yet) -> "controlee" (no finding above "à prendre en compte", or a
pharmacist reviewed it) or "a_revoir" (a CI, ASDEC or PE finding awaits a pharmacist).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from comptoir.analysis.case import Case, HistoryItem, PatientProfile, PrescribedLine
from comptoir.analysis.engine import analyse
from comptoir.analysis.findings import Level
from comptoir.analysis.reference import AnalysisReference
from comptoir.domain.operators import Permission
from comptoir.errors import NotFound, RuleViolation
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store.dispensing import CHECK_STATUSES, Dispensation, DispensationRepository, DispensedLine
from comptoir.store.models import Patient

if TYPE_CHECKING:

    from comptoir.services.platform.unit_of_work import UnitOfWork

REVIEW_FROM = Level.PE
HISTORY_DAYS = 365
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class CheckedDispensation:
    id: int
    dispensed_at: datetime
    patient_id: int | None
    level: str | None
    findings: int
    summary: str


@dataclass(frozen=True, slots=True)
class _Record:
    id: int
    dispensed_at: datetime
    patient_id: int | None
    rpps: str | None
    lines: tuple[tuple[str, str, int | None], ...]
    """(drug as a code or text, posology, duration in days)."""


def check_period(since: date, *, uow: UnitOfWork, reference: AnalysisReference, until: date | None = None,
                 progress: Progress | None = None) -> list[CheckedDispensation]:
    """Analyse the period, record each dispensation's level and queue status; return the checked list.

    Two short transactions around the analysis: on SQLite the counters must not wait for it.
    """
    until = until or date.today()
    end = _start(until + timedelta(days=1))
    with uow:
        records = _records(uow.dispensations, _start(since - timedelta(days=HISTORY_DAYS)), end)
        profiles = _profiles(uow.dispensations, {r.patient_id for r in records if r.patient_id})
    in_period = [r for r in records if _start(since) <= _naive(r.dispensed_at) < end]
    checked = _analyse_all(in_period, _histories(records), profiles, reference, progress)
    with uow:
        _store(uow.dispensations, checked)
        uow.commit()
    return checked


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min)


def _naive(value: datetime) -> datetime:
    """UTC without tzinfo: SQLite hands back naive datetimes, PostgreSQL aware ones."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _records(dispensations: DispensationRepository, start: datetime, end: datetime) -> list[_Record]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in dispensations.lines_between(start, end):
        grouped[row.id].append(row)
    return [_Record(rs[0].id, rs[0].dispensed_at, rs[0].patient_id, rs[0].prescriber_rpps,
                    tuple((r.cip13 or r.cis or r.drug, r.posology or "", r.duration_days) for r in rs))
            for rs in grouped.values()]


def _profiles(dispensations: DispensationRepository, patient_ids: set[int]) -> dict[int, PatientProfile]:
    return {p.id: PatientProfile(birth_date=p.birth_date, sex=p.sex, allergies=tuple(p.allergies or ()))
            for p in dispensations.patients_among(patient_ids)}


def _histories(records: list[_Record]) -> dict[int, list[_Record]]:
    by_patient: dict[int, list[_Record]] = defaultdict(list)
    for record in records:
        if record.patient_id is not None:
            by_patient[record.patient_id].append(record)
    return by_patient


def case_for(record: _Record, earlier: Iterable[_Record], profile: PatientProfile) -> Case:
    day = _naive(record.dispensed_at).date()
    history = tuple(HistoryItem(drug, _naive(r.dispensed_at).date(), duration)
                    for r in earlier if _naive(r.dispensed_at) < _naive(record.dispensed_at)
                    and (day - _naive(r.dispensed_at).date()).days <= HISTORY_DAYS
                    for drug, _, duration in r.lines)
    lines = tuple(PrescribedLine(drug, posology) for drug, posology, _ in record.lines)
    return Case(today=day, patient=profile, lines=lines, history=history)


def _analyse_all(records: list[_Record], histories: dict[int, list[_Record]], profiles: dict[int, PatientProfile],
                 reference: AnalysisReference, progress: Progress | None) -> list[CheckedDispensation]:
    """Analyse every record; on several cores, in forked workers that share the reference copy-on-write."""
    global _SHARED
    _SHARED = (histories, profiles, reference)
    chunks = [records[start:start + CHUNK] for start in range(0, len(records), CHUNK)]
    processes = min(os.cpu_count() or 1, 4) if len(records) > PARALLEL_FROM else 1
    checked: list[CheckedDispensation] = []
    if processes == 1:
        results: Iterable[list[CheckedDispensation]] = map(_check_chunk, chunks)
        return _collect(results, len(records), progress, checked)
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return _collect(pool.imap(_check_chunk, chunks), len(records), progress, checked)


CHUNK = 1000
PARALLEL_FROM = 5000
_SHARED: tuple[dict[int, list[_Record]], dict[int, PatientProfile], AnalysisReference] | None = None


def _collect(results: Iterable[list[CheckedDispensation]], total: int, progress: Progress | None,
             checked: list[CheckedDispensation]) -> list[CheckedDispensation]:
    for batch in results:
        checked.extend(batch)
        if progress:
            progress(len(checked), total)
    return checked


def _check_chunk(records: list[_Record]) -> list[CheckedDispensation]:
    assert _SHARED is not None
    histories, profiles, reference = _SHARED
    return [_check_one(r, histories, profiles, reference) for r in records]


def _check_one(record: _Record, histories: dict[int, list[_Record]], profiles: dict[int, PatientProfile],
               reference: AnalysisReference) -> CheckedDispensation:
    earlier = histories.get(record.patient_id, []) if record.patient_id else []
    profile = profiles.get(record.patient_id or 0, PatientProfile())
    analysis = analyse(case_for(record, earlier, profile), reference)
    # The most severe finding: an unidentified line is listed first whatever its level (analysis/findings.py).
    top = min(analysis.findings, key=lambda f: f.level) if analysis.findings else None
    return CheckedDispensation(record.id, record.dispensed_at, record.patient_id, top.level.name if top else None,
                               len(analysis.findings), top.message[:300] if top else "")


def _store(dispensations: DispensationRepository, checked: list[CheckedDispensation]) -> None:
    groups: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for c in checked:
        groups[(_status_for(c.level), c.level)].append(c.id)
    for (status, level), ids in groups.items():
        dispensations.record_check(ids, status=status, level=level)


def _status_for(level: str | None) -> str:
    return "a_revoir" if level is not None and Level[level] <= REVIEW_FROM else "controlee"


def mark_checked(dispensation_id: int, *, uow: UnitOfWork, operator: CurrentOperator, note: str,
                 now: datetime) -> Dispensation:
    """A pharmacist closes a dispensation of the review queue."""
    operator.require(Permission.PHARMACIST_ACT)
    with uow:
        dispensation = uow.dispensations.by_id(dispensation_id)
        if dispensation is None:
            raise NotFound(f"Aucune délivrance n° {dispensation_id}.")
        if dispensation.check_status == "controlee":
            raise RuleViolation("Cette délivrance est déjà contrôlée.")
        dispensation.check_status, dispensation.checked_by, dispensation.checked_at = "controlee", operator.code, now
        dispensation.check_note = note.strip()
        audit(uow, Actor(operator.code, operator.workstation), action="write", object_type="dispensation",
              object_id=str(dispensation_id), detail="contrôle différé : contrôlée", now=now)
        uow.commit()
        return dispensation


QueueEntry = tuple[Dispensation, list[DispensedLine], Patient | None]


def queue(status: str, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime,
          limit: int = 200) -> list[QueueEntry]:
    """One file of the deferred check's queue, with each dispensation's lines and patient (audited)."""
    operator.require(Permission.READ_PATIENTS)
    if status not in CHECK_STATUSES:
        raise RuleViolation(f"File inconnue : {status}.")
    with uow:
        rows = uow.dispensations.in_queue(status, limit=limit)
        lines = uow.dispensations.lines_of([d.id for d in rows])
        audit(uow, Actor(operator.code, operator.workstation), action="read", object_type="check_queue",
              object_id=status, detail=f"{len(rows)} délivrance(s)", now=now)
        entries = [(d, lines.get(d.id, []), uow.dispensations.patient(d.patient_id) if d.patient_id else None)
                   for d in rows]
        uow.commit()
        return entries
