"""The input of an analysis: today, the patient's profile, the lines, the history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class PatientProfile:
    birth_date: date | None = None
    sex: str | None = None
    pregnant: bool = False
    pregnancy_weeks: int | None = None
    """Weeks of amenorrhoea (SA) when known."""
    breastfeeding: bool = False
    allergies: tuple[str, ...] = ()
    weight_kg: float | None = None
    egfr: float | None = None
    """Renal function, ml/min/1.73 m² (or creatinine clearance when that is what is known)."""

    def age_on(self, today: date) -> int | None:
        if self.birth_date is None:
            return None
        before_birthday = (today.month, today.day) < (self.birth_date.month, self.birth_date.day)
        return today.year - self.birth_date.year - before_birthday


@dataclass(frozen=True, slots=True)
class PrescribedLine:
    drug: str
    posology: str = ""


@dataclass(frozen=True, slots=True)
class HistoryItem:
    drug: str
    dispensed_on: date
    duration_days: int | None = None
    """How long the dispensed quantity lasts, when the pharmacy knows it (early-renewal check)."""


@dataclass(frozen=True, slots=True)
class Prescriber:
    rpps: str | None = None
    known: bool | None = None
    """Whether this pharmacy delivered an earlier prescription of this prescriber (None: not said)."""


@dataclass(frozen=True, slots=True)
class Case:
    today: date
    patient: PatientProfile = field(default_factory=PatientProfile)
    lines: tuple[PrescribedLine, ...] = ()
    history: tuple[HistoryItem, ...] = ()
    prescriber: Prescriber = field(default_factory=Prescriber)
    history_window_days: int = 365
    patient_known: bool | None = None
    """Whether the patient has a history in this pharmacy (None: not said, as for `comptoir analyse`)."""
    authenticated: bool = False
    """The prescription was read from the ON base (QR code or identifier): its authenticity is proven (SPEC §11.1)."""

    @property
    def first_presentation(self) -> bool:
        """Unknown patient, unknown prescriber, a prescription not authenticated by the ON base (SPEC §11.1)."""
        return not self.authenticated and self.patient_known is False and self.prescriber.known is False
