"""Use cases of the patient's band at the counter: who the patient is (name, INS status, age), the profile a
prescription is analysed against, changed in place, and this pharmacy's dispensations of the last twelve months.

Every reading and every change goes to the audit trail. A profile refused (`FieldErrors`, one French message per
field) changes nothing. `analysis_profile` hands a record's profile to the analysis, its term counted on `today`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from comptoir.analysis.case import PatientProfile
from comptoir.domain.identity.profile import (
    Profile,
    egfr_label,
    form_values,
    pregnancy_label,
    read_profile,
    weight_label,
)
from comptoir.domain.identity.status import IdentityStatus
from comptoir.domain.operators import Permission
from comptoir.errors import NotFound, RuleViolation
from comptoir.services.identity.patients import actor_of
from comptoir.services.platform.audit_log import audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

HISTORY_MAX = 200
"""Lines the band's history shows at most: a year of a patient's treatments, even a heavy one."""
FIELD_LABELS = {"allergies": "allergies", "pregnant": "grossesse", "amenorrhoea_start": "terme",
                "breastfeeding": "allaitement", "weight_kg": "poids", "egfr": "DFG", "egfr_on": "date du DFG"}
"""The audit trail says which parts of the profile changed, never their values."""


@dataclass(frozen=True, slots=True)
class DispensedItem:
    """One line this pharmacy dispensed to the patient."""

    dispensed_at: datetime
    product: str
    boxes: int
    posology: str
    dispensation_id: int


@dataclass(frozen=True, slots=True)
class PatientBand:
    """What the counter shows of the patient in one row, and the history beside it."""

    id: int
    name: str
    ins_status: str
    """The INS status in French ("Identité qualifiée")."""
    ins_status_code: str
    birth_date: date
    age: int
    sex: str
    profile: Profile
    history: tuple[DispensedItem, ...]
    """This pharmacy's dispensed lines of the last twelve months, newest first."""
    today: date

    @property
    def allergies(self) -> tuple[str, ...]:
        return self.profile.allergies

    @property
    def age_label(self) -> str:
        """"45 ans"; under two, in months ("18 mois"), as doses are given."""
        months = (self.today.year - self.birth_date.year) * 12 + self.today.month - self.birth_date.month
        months -= self.today.day < self.birth_date.day
        return f"{months} mois" if months < 24 else f"{self.age} ans"

    @property
    def pregnancy(self) -> str:
        return pregnancy_label(self.profile, self.today)

    @property
    def weight(self) -> str:
        return weight_label(self.profile)

    @property
    def egfr(self) -> str:
        return egfr_label(self.profile)

    def form_values(self) -> dict[str, str]:
        """What the edit form shows: the profile as the operator would type it."""
        return form_values(self.profile, today=self.today)


def profile_of(record: m.Patient) -> Profile:
    return Profile(allergies=tuple(record.allergies or ()), pregnant=bool(record.pregnant),
                   amenorrhoea_start=record.amenorrhoea_start, breastfeeding=bool(record.breastfeeding),
                   weight_kg=record.weight_kg, weight_on=record.weight_on, egfr=record.egfr, egfr_on=record.egfr_on)


def analysis_profile(record: m.Patient, today: date) -> PatientProfile:
    """The record's profile as the analysis reads it: the term counted on `today` (unknown once past 42 SA: the
    record waits for an update, and the analysis still treats her as pregnant)."""
    profile = profile_of(record)
    weeks = None if profile.term_overdue(today) else profile.pregnancy_weeks(today)
    return PatientProfile(
        birth_date=record.birth_date, sex=record.sex, pregnant=profile.pregnant, pregnancy_weeks=weeks,
        breastfeeding=profile.breastfeeding, allergies=profile.allergies,
        weight_kg=float(profile.weight_kg) if profile.weight_kg is not None else None,
        egfr=float(profile.egfr) if profile.egfr is not None else None)


def patient_band(patient_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> PatientBand:
    """The band of one patient, with the history of the last twelve months (audited)."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        record = _record(uow, patient_id)
        rows = uow.dispensations.dispensed_lines_of(patient_id, since=year_before(now), limit=HISTORY_MAX)
        history = tuple(DispensedItem(when, drug, boxes, posology, dispensation)
                        for dispensation, when, drug, boxes, posology in rows)
        audit(uow, actor_of(operator), action="read", object_type="patient", object_id=str(patient_id),
              detail=f"bandeau : profil et {len(history)} ligne(s) délivrée(s) sur 12 mois", now=now)
        band = band_of(record, history, today=now.date())
        uow.commit()
        return band


def patient_profile(patient_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> Profile:
    """The profile alone (audited)."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        record = _record(uow, patient_id)
        audit(uow, actor_of(operator), action="read", object_type="patient_profile", object_id=str(patient_id),
              now=now)
        found = profile_of(record)
        uow.commit()
        return found


def band_of(record: m.Patient, history: tuple[DispensedItem, ...], *, today: date) -> PatientBand:
    age = today.year - record.birth_date.year - ((today.month, today.day) < (record.birth_date.month,
                                                                             record.birth_date.day))
    status = IdentityStatus(record.identity_status)
    return PatientBand(id=record.id, name=f"{record.last_name} {record.first_name}", ins_status=status.label,
                       ins_status_code=status.value, birth_date=record.birth_date, age=age, sex=record.sex,
                       profile=profile_of(record), history=history, today=today)


def update_profile(patient_id: int, form: Mapping[str, str], *, uow: UnitOfWork, operator: CurrentOperator,
                   now: datetime) -> m.Patient:
    """The whole profile as typed in the form ({field: text}: allergies, pregnant, pregnancy_weeks, breastfeeding,
    weight_kg, egfr, egfr_on; a field left out is empty). `FieldErrors` when a field cannot be kept, and then
    nothing changes; the change is audited."""
    return _update(patient_id, lambda _: form, uow=uow, operator=operator, now=now)


def patch_profile(patient_id: int, changes: Mapping[str, str], *, uow: UnitOfWork, operator: CurrentOperator,
                  now: datetime) -> m.Patient:
    """Only the fields given change (same fields and texts as `update_profile`; "" empties one)."""
    return _update(patient_id, lambda before: form_values(before, today=now.date()) | dict(changes), uow=uow,
                   operator=operator, now=now)


def _update(patient_id: int, typed: Callable[[Profile], Mapping[str, str]], *, uow: UnitOfWork,
            operator: CurrentOperator, now: datetime) -> m.Patient:
    operator.require(Permission.WRITE_PATIENTS)
    with uow:
        record = _record(uow, patient_id, for_change=True)
        if record.merged_into_id:
            raise RuleViolation(f"Dossier fusionné : modifiez le dossier n° {record.merged_into_id}.")
        before = profile_of(record)
        profile = read_profile(typed(before), sex=record.sex, today=now.date(), before=before)
        changed = apply_profile(record, profile)
        audit(uow, actor_of(operator), action="write", object_type="patient_profile", object_id=str(patient_id),
              detail="modifié : " + (", ".join(FIELD_LABELS[name] for name in changed) or "rien"), now=now)
        uow.commit()
        return record


def _record(uow: UnitOfWork, patient_id: int, *, for_change: bool = False) -> m.Patient:
    record = uow.patients.for_change(patient_id) if for_change else uow.patients.by_id(patient_id)
    if record is None:
        raise NotFound(f"Aucun patient n° {patient_id}.")
    return record


def apply_profile(record: m.Patient, profile: Profile) -> list[str]:
    """Writes the profile on the record; the names of the fields that changed."""
    values: dict[str, object] = {
        "allergies": list(profile.allergies), "pregnant": profile.pregnant,
        "amenorrhoea_start": profile.amenorrhoea_start, "breastfeeding": profile.breastfeeding,
        "weight_kg": profile.weight_kg, "weight_on": profile.weight_on, "egfr": profile.egfr,
        "egfr_on": profile.egfr_on}
    changed = [name for name, value in values.items() if getattr(record, name) != value]
    for name in changed:
        setattr(record, name, values[name])
    return [name for name in changed if name in FIELD_LABELS]


def year_before(now: datetime) -> datetime:
    """The same moment twelve months earlier (29 February: the 28th)."""
    try:
        return now.replace(year=now.year - 1)
    except ValueError:
        return now.replace(year=now.year - 1, day=28)
