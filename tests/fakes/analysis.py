"""Fake repository of the analysis: dispensations, their queue and the pharmacist's decisions in memory."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from comptoir.store import models as m
from comptoir.store.dispensing import AnalysisDecision, Dispensation, DispensedLine, EarlierLine, HistoryLine


class PeriodLine(NamedTuple):
    id: int
    dispensed_at: datetime
    patient_id: int | None
    prescriber_rpps: str | None
    cip13: str | None
    cis: str | None
    drug: str
    posology: str
    duration_days: int | None


class FakeDispensationRepository:
    def __init__(self) -> None:
        self.dispensations: dict[int, Dispensation] = {}
        self.lines: list[DispensedLine] = []
        self.patients: dict[int, m.Patient] = {}
        self.decisions: list[AnalysisDecision] = []
        self.packs: dict[tuple[str, str], int] = {}

    def dispensed(self, dispensation: Dispensation, *drugs: str) -> Dispensation:
        """Arrange: a dispensation with one line per drug."""
        self.dispensations[dispensation.id] = dispensation
        self.lines += [DispensedLine(dispensation_id=dispensation.id, position=n, drug=drug, posology="")
                       for n, drug in enumerate(drugs)]
        return dispensation

    def claim_pack(self, cip13: str, serial: str, dispensation_id: int) -> Dispensation | None:
        holder = self.dispensations.get(self.packs.get((cip13, serial), 0))
        if holder is not None and holder.cancelled_at is None:
            return holder
        self.packs[(cip13, serial)] = dispensation_id
        return None

    def move_patient(self, from_id: int, to_id: int) -> int:
        moved = [d for d in self.dispensations.values() if d.patient_id == from_id]
        for row in [*moved, *(d for d in self.decisions if d.patient_id == from_id)]:
            row.patient_id = to_id
        return len(moved)

    def by_id(self, dispensation_id: int) -> Dispensation | None:
        return self.dispensations.get(dispensation_id)

    def lines_between(self, start: datetime, end: datetime) -> list[PeriodLine]:
        chosen = sorted((d for d in self.dispensations.values() if start <= d.dispensed_at < end),
                        key=lambda d: (d.dispensed_at, d.id))
        return [PeriodLine(d.id, d.dispensed_at, d.patient_id, d.prescriber_rpps, line.cip13, line.cis, line.drug,
                           line.posology, line.duration_days)
                for d in chosen for line in self.lines_of([d.id])[d.id]]

    def patients_among(self, patient_ids: Iterable[int]) -> list[m.Patient]:
        return [self.patients[i] for i in patient_ids if i in self.patients]

    def record_check(self, ids: list[int], *, status: str, level: str | None) -> None:
        for d in (self.dispensations[i] for i in ids):
            if d.check_status == "a_controler":
                d.check_status, d.check_level, d.checked_by = status, level, "analyse différée"

    def in_queue(self, status: str, *, limit: int) -> list[Dispensation]:
        chosen = [d for d in self.dispensations.values() if d.check_status == status]
        return sorted(chosen, key=lambda d: d.dispensed_at, reverse=True)[:limit]

    def lines_of(self, dispensation_ids: list[int]) -> dict[int, list[DispensedLine]]:
        lines: dict[int, list[DispensedLine]] = defaultdict(list)
        for line in sorted(self.lines, key=lambda line: line.position):
            if line.dispensation_id in dispensation_ids:
                lines[line.dispensation_id].append(line)
        return lines

    def patient(self, patient_id: int) -> m.Patient | None:
        return self.patients.get(patient_id)

    def dispensed_lines_of(self, patient_id: int, *, since: datetime,
                           limit: int) -> list[tuple[int, datetime, str, int, str]]:
        chosen = sorted((d for d in self.dispensations.values() if d.patient_id == patient_id
                         and d.dispensed_at >= since), key=lambda d: (d.dispensed_at, d.id), reverse=True)
        return [(d.id, d.dispensed_at, line.drug, line.boxes, line.posology)
                for d in chosen for line in self.lines_of([d.id])[d.id]][:limit]

    def add_decision(self, decision: AnalysisDecision) -> None:
        decision.id = len(self.decisions) + 1
        self.decisions.append(decision)

    # The ordonnance numérique's use (services/eprescription)
    def add_with_lines(self, dispensation: Dispensation, lines: list[DispensedLine]) -> None:
        dispensation.id = max(self.dispensations, default=0) + 1
        self.dispensations[dispensation.id] = dispensation
        for line in lines:
            line.dispensation_id = dispensation.id
        self.lines.extend(lines)

    def add_lines(self, dispensation: Dispensation, lines: list[DispensedLine]) -> None:
        for line in lines:
            line.dispensation_id = dispensation.id
        self.lines.extend(lines)

    def locked(self, dispensation_id: int) -> Dispensation | None:
        return self.dispensations.get(dispensation_id)

    def history_lines(self, patient_id: int, *, since: datetime, limit: int) -> list[HistoryLine]:
        found = [HistoryLine(d.dispensed_at, line.cis, line.cip13, line.drug, line.duration_days)
                 for d in self.dispensations.values() for line in self.lines
                 if line.dispensation_id == d.id and d.patient_id == patient_id and d.dispensed_at >= since
                 and d.cancelled_at is None]
        return sorted(found, key=lambda h: h.dispensed_at, reverse=True)[:limit]

    def earlier_lines(self, patient_id: int, *, since: datetime, limit: int = 500) -> list[EarlierLine]:
        found = [EarlierLine(d.dispensed_at, d.prescription_id, line.cis, line.cip13, line.drug, line.boxes,
                               line.posology, line.duration_days)
                 for d in self.dispensations.values() for line in self.lines
                 if line.dispensation_id == d.id and d.patient_id == patient_id and d.dispensed_at >= since
                 and d.cancelled_at is None]
        return sorted(found, key=lambda h: h.dispensed_at, reverse=True)[:limit]

    def of_prescription(self, prescription_id: str) -> list[Dispensation]:
        return sorted((d for d in self.dispensations.values() if d.prescription_id == prescription_id),
                      key=lambda d: d.dispensed_at)

    def recent_lines_of_patient(self, patient_id: int, *, since: datetime,
                                limit: int) -> list[tuple[datetime, str | None, str]]:
        found = [(d.dispensed_at, line.cip13, line.drug) for d in self.dispensations.values()
                 for line in self.lines if line.dispensation_id == d.id
                 and d.patient_id == patient_id and d.dispensed_at >= since]
        return sorted(found, reverse=True)[:limit]
