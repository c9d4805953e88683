"""Fake repositories of the ordonnance numérique: consulted ONs and line periods, the prescriber's side, and
the dispensations it records, in dictionaries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from comptoir.store import models as m
from comptoir.store.eprescription import (
    IssuedPrescription,
    LineDelivery,
    PatientConsent,
    PrescriberProfile,
    PrescriptionRecord,
)

Period = tuple[str, int, int]


class FakeEPrescriptionRepository:
    def __init__(self) -> None:
        self.records: dict[str, PrescriptionRecord] = {}
        self.periods: dict[Period, LineDelivery] = {}
        self.pharmacies: list[m.Pharmacy] = []
        self.rpps: dict[int, str | None] = {}
        self.patients: dict[int, m.Patient] = {}
        self.presentations: dict[str, m.Presentation] = {}
        self.specialties: dict[str, m.Specialty] = {}
        self.groups: list[set[str]] = []
        self.princeps: set[str] = set()
        self.outbox: dict[str, str] = {}

    def consulted(self, prescription_id: str) -> PrescriptionRecord | None:
        return self.records.get(prescription_id)

    def move_patient(self, from_id: int, to_id: int) -> int:
        moved = [r for r in self.records.values() if r.patient_id == from_id]
        for row in moved:
            row.patient_id = to_id
        return len(moved)

    def add_consulted(self, record: PrescriptionRecord) -> PrescriptionRecord:
        return self.records.setdefault(record.prescription_id, record)

    def recently_consulted(self, limit: int) -> list[PrescriptionRecord]:
        return sorted(self.records.values(), key=lambda r: r.last_consulted_at, reverse=True)[:limit]

    def boxes_delivered_here(self, prescription_id: str, line_number: int, renewal: int) -> int:
        period = self.periods.get((prescription_id, line_number, renewal))
        return period.boxes if period else 0

    def periods_of(self, prescription_id: str) -> list[LineDelivery]:
        return [p for (on, _, _), p in sorted(self.periods.items()) if on == prescription_id]

    def locked_period(self, prescription_id: str, line_number: int, renewal: int) -> LineDelivery | None:
        return self.periods.get((prescription_id, line_number, renewal))

    def claim_period(self, period: LineDelivery) -> bool:
        self.periods[(period.prescription_id, period.line_number, period.renewal)] = period
        return True

    def pharmacy(self) -> m.Pharmacy | None:
        return self.pharmacies[0] if self.pharmacies else None

    def rpps_of(self, operator_id: int) -> str | None:
        return self.rpps.get(operator_id)

    def patient(self, patient_id: int) -> m.Patient | None:
        return self.patients.get(patient_id)

    def patients_among(self, ids: set[int]) -> list[m.Patient]:
        return [p for i, p in sorted(self.patients.items()) if i in ids]

    def patients_to_choose(self, limit: int = 300) -> list[m.Patient]:
        return sorted(self.patients.values(), key=lambda p: (p.last_name, p.first_name))[:limit]

    def presentation(self, cip13: str) -> m.Presentation | None:
        return self.presentations.get(cip13)

    def presentations_among(self, cip13s: list[str]) -> dict[str, m.Presentation]:
        return {c: self.presentations[c] for c in cip13s if c in self.presentations}

    def presentations_of(self, cis: str) -> list[m.Presentation]:
        return sorted((p for p in self.presentations.values() if p.cis == cis), key=lambda p: p.cip13)

    def specialty(self, cis: str) -> m.Specialty | None:
        return self.specialties.get(cis)

    def generic_group_of(self, cis: str, *, kinds: tuple[int, ...]) -> set[str]:
        return set().union(*(group for group in self.groups if cis in group))

    def generic_group_kinds(self, cis: str, *, kinds: tuple[int, ...]) -> dict[str, int]:
        """The group's members as generics (kind 1), but for those `princeps` names (kind 0)."""
        members = set().union(*(group for group in self.groups if cis in group))
        return {member: 0 if member in self.princeps else 1 for member in members}

    def marketed_names(self, cises: set[str]) -> list[tuple[str, str]]:
        return sorted(((s.cis, s.name) for s in self.specialties.values() if s.cis in cises), key=lambda x: x[1])

    def outbox_statuses(self, keys: list[str]) -> dict[str, str]:
        return {key: status for key, status in self.outbox.items() if key in keys}


class FakePrescriberRepository:
    def __init__(self, patients: dict[int, m.Patient] | None = None) -> None:
        self.patients = patients if patients is not None else {}
        """The pharmacy's records (shared with the fake ON repository)."""
        self.profiles: dict[str, PrescriberProfile] = {}
        self.consents: list[PatientConsent] = []
        self.issued_ones: list[IssuedPrescription] = []
        self.added_patients: list[m.Patient] = []

    def profile(self, operator_code: str) -> PrescriberProfile | None:
        return self.profiles.get(operator_code)

    def address_of(self, rpps: str) -> str:
        return next((p.address for p in self.profiles.values() if p.rpps == rpps), "")

    def consent(self, patient_id: int, kind: str) -> PatientConsent | None:
        return next((c for c in self.consents if (c.patient_id, c.kind) == (patient_id, kind)), None)

    def add_consent(self, consent: PatientConsent) -> None:
        self.consents.append(consent)

    def consents_of(self, patient_id: int) -> list[PatientConsent]:
        return sorted((c for c in self.consents if c.patient_id == patient_id), key=lambda c: c.kind)

    def move_issued(self, from_id: int, to_id: int) -> int:
        moved = [i for i in self.issued_ones if i.patient_id == from_id]
        for row in moved:
            row.patient_id = to_id
        return len(moved)

    def issued(self, issued_id: int) -> IssuedPrescription | None:
        return next((i for i in self.issued_ones if i.id == issued_id), None)

    def issued_by(self, operator_code: str, *, limit: int = 100) -> list[IssuedPrescription]:
        mine = [i for i in self.issued_ones if i.operator_code == operator_code]
        return sorted(mine, key=lambda i: i.created_at, reverse=True)[:limit]

    def add_issued(self, issued: IssuedPrescription) -> None:
        issued.id = len(self.issued_ones) + 1
        self.issued_ones.append(issued)

    def patient_ids_of(self, operator_code: str) -> set[int]:
        return {i.patient_id for i in self.issued_ones if i.operator_code == operator_code and i.patient_id}

    def add_patient(self, patient: m.Patient) -> None:
        patient.id = 1000 + len(self.added_patients)
        self.added_patients.append(patient)

    def find_own_patients(self, operator_code: str, *, words: Sequence[str], born: date | None,
                          nir_prefix: str | None, limit: int) -> list[m.Patient]:
        mine = self.patient_ids_of(operator_code)
        every = [*self.patients.values(), *self.added_patients]
        found = [p for p in every if p.id in mine
                 and all(any(w.lower() in (n or "").lower() for n in (p.last_name, p.first_name, p.birth_name))
                         for w in words)
                 and (born is None or p.birth_date == born)
                 and (not nir_prefix or (p.nir or "").startswith(nir_prefix))]
        return sorted(found, key=lambda p: (p.last_name, p.first_name, p.id))[:limit]
