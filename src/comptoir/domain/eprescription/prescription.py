"""An ordonnance numérique in our words: prescriber, patient, lines, executions, status (SPEC §4.4–4.6).

Deliveries are counted per line and per period: period 0 is the first delivery, period n the n-th
renewal (`repeatNumber`, SPEC §4.5). A period is closed by a delivery that is not partial; a partial
delivery leaves it open for a complement ("délivrance séquencée", SPEC §4.6 [P]).

Statuses are the SPEC's suggestion [U]: ACTIVE, PARTIELLEMENT_EXECUTEE (something delivered, periods
left), EXECUTEE (every period of every line closed: the code cannot be reused), ANNULEE (by the
prescriber), EXPIREE (validity over with periods left).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from comptoir.domain import bounds
from comptoir.errors import Conflict, RuleViolation

PRESENTATION_MONTHS = 3
"""A first delivery must happen within 3 months of the prescription (CSP R.5132-22, listed substances;
applied to every line here [P])."""
MAX_MONTHS = 12
"""No prescription runs beyond 12 months (CSP R.5132-21) [P]."""


class Status(StrEnum):
    ACTIVE = "ACTIVE"
    PARTIAL = "PARTIELLEMENT_EXECUTEE"
    EXECUTED = "EXECUTEE"
    CANCELLED = "ANNULEE"
    EXPIRED = "EXPIREE"

    @property
    def label(self) -> str:
        return {"ACTIVE": "Active", "PARTIELLEMENT_EXECUTEE": "Partiellement délivrée", "EXECUTEE": "Délivrée",
                "ANNULEE": "Annulée", "EXPIREE": "Expirée"}[self.value]


class LineKind(StrEnum):
    MEDICINE = "medicament"
    DEVICE = "dispositif"
    PREPARATION = "preparation"

    @property
    def label(self) -> str:
        return {"medicament": "Médicament", "dispositif": "Dispositif médical", "preparation": "Préparation"}[self]


NON_SUBSTITUTION_REASONS = {
    "MTE": "Marge thérapeutique étroite",
    "EFG": "Enfant de moins de 6 ans, aucune forme générique adaptée",
    "CIF": "Contre-indication formelle à un excipient",
}
"""Motifs of "non substituable" (SPEC §4.5; only MTE seen in the ANS example, the others [U])."""

SUBSTITUTION_CODES = {"G": "Substitution par un générique", "E": "Équivalent", "EC": "Composition équivalente",
                      "BC": "Princeps de même composition", "TE": "Alternative thérapeutique"}
"""HL7 substitution codes (2.16.840.1.113883.5.1070, SPEC §4.6)."""


@dataclass(frozen=True, slots=True)
class Prescriber:
    rpps: str
    am: str
    last_name: str
    first_name: str
    specialty: str = ""
    finess: str | None = None
    replaced_rpps: str | None = None


@dataclass(frozen=True, slots=True)
class PatientTraits:
    last_name: str
    first_name: str
    birth_date: date
    sex: str | None = None
    ins: str | None = None
    ins_oid: str | None = None


@dataclass(frozen=True, slots=True)
class PrescribedLine:
    number: int
    kind: LineKind
    text: str
    posology: str
    quantity: int = 1
    """Boxes (EDQM 30009000) for one period."""
    renewals: int = 0
    duration_days: int | None = None
    cis: str | None = None
    cip13: str | None = None
    substitutable: bool = True
    non_substitution_reason: str | None = None
    ald: bool = False

    def __post_init__(self) -> None:
        if not self.substitutable and self.non_substitution_reason not in NON_SUBSTITUTION_REASONS:
            raise RuleViolation(f"Ligne {self.number} : « non substituable » demande un motif (MTE, EFG ou CIF).")
        if self.quantity < 1 or self.renewals < 0:
            raise RuleViolation(f"Ligne {self.number} : quantité d'au moins 1 et renouvellements positifs.")


@dataclass(frozen=True, slots=True)
class Intervention:
    problem: str
    intervention: str
    outcome: str | None = None
    comment: str = ""


@dataclass(frozen=True, slots=True)
class DeliveredLine:
    line_number: int
    label: str
    quantity: int
    cip13: str | None = None
    partial: bool = False
    substitution: str | None = None
    """HL7 code (G, E…) when another product than the prescribed one was given."""
    intervention: Intervention | None = None
    posology: str = ""


@dataclass(frozen=True, slots=True)
class Execution:
    key: str
    """The idempotency key the pharmacy chose: the same request twice records once."""
    at: datetime
    renewal: int
    pharmacy_finess: str
    pharmacy_name: str
    pharmacist_rpps: str
    lines: tuple[DeliveredLine, ...]
    id: str = ""
    billed: bool = False


@dataclass(frozen=True, slots=True)
class Draft:
    prescriber: Prescriber
    patient: PatientTraits
    issued_on: date
    lines: tuple[PrescribedLine, ...]
    consent: bool
    secure: bool = False
    """"Ordonnance sécurisée" (stupéfiants, SPEC §4.5 MED-1098)."""
    comment: str = ""

    def __post_init__(self) -> None:
        if not self.lines:
            raise RuleViolation("Une ordonnance numérique a au moins une ligne.")
        if not (self.prescriber.rpps and self.prescriber.am and self.prescriber.last_name):
            raise RuleViolation("Nom, N° RPPS et N° AM du prescripteur sont obligatoires (SPEC §15.2).")
        check_draft_bounds(self)


def check_draft_bounds(draft: Draft) -> None:
    """What the base, the PDF and the QR code can carry: checked before anything is sent (domain/bounds.py)."""
    if len(draft.lines) > bounds.LINES_MAX:
        raise RuleViolation(f"{len(draft.lines)} lignes : une ordonnance numérique en a {bounds.LINES_MAX} au plus.")
    bounds.check_name(draft.patient.last_name, "Nom du patient")
    bounds.check_name(draft.patient.first_name, "Prénom du patient")
    bounds.check_birth_date(draft.patient.birth_date, today=draft.issued_on)
    bounds.check_length(draft.comment, bounds.NOTE_MAX, "Commentaire")
    for line in draft.lines:
        check_line_bounds(line)


def check_line_bounds(line: PrescribedLine) -> None:
    where = f"Ligne {line.number}"
    bounds.check_length(line.text, bounds.SHORT_TEXT_MAX, f"{where}, désignation")
    bounds.check_length(line.posology, bounds.POSOLOGY_MAX, f"{where}, posologie")
    if line.quantity > bounds.BOXES_MAX or line.renewals > bounds.RENEWALS_MAX:
        raise RuleViolation(f"{where} : {bounds.BOXES_MAX} boîtes et {bounds.RENEWALS_MAX} renouvellements au plus.")
    if line.duration_days is not None and not 1 <= line.duration_days <= bounds.DURATION_DAYS_MAX:
        raise RuleViolation(f"{where} : durée de 1 à {bounds.DURATION_DAYS_MAX} jours.")


@dataclass(frozen=True, slots=True)
class Prescription:
    id: str
    issued_on: date
    valid_until: date
    prescriber: Prescriber
    patient: PatientTraits
    lines: tuple[PrescribedLine, ...]
    consent: bool
    secure: bool = False
    cancelled: bool = False
    executions: tuple[Execution, ...] = field(default=())
    consulted: int = 0

    def line(self, number: int) -> PrescribedLine:
        found = next((line for line in self.lines if line.number == number), None)
        if found is None:
            raise RuleViolation(f"L'ordonnance {self.id} n'a pas de ligne {number}.")
        return found

    def status(self, today: date) -> Status:
        return status_of(self, today)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validity_end(issued_on: date, lines: tuple[PrescribedLine, ...]) -> date:
    """Presented within 3 months, then running as long as the longest treatment with its renewals,
    never beyond 12 months [U: the CNAM base's own rule is not public]."""
    covered = max(((line.duration_days or 0) * (line.renewals + 1) for line in lines), default=0)
    end = max(add_months(issued_on, PRESENTATION_MONTHS), issued_on + timedelta(days=covered))
    return min(end, add_months(issued_on, MAX_MONTHS))


def delivered_in(executions: tuple[Execution, ...], line: int, renewal: int) -> tuple[int, bool]:
    """(boxes given, closed?) for one line and one period."""
    given = [d for e in executions if e.renewal == renewal for d in e.lines if d.line_number == line]
    return sum(d.quantity for d in given), any(not d.partial for d in given)


def periods_left(prescription: Prescription) -> int:
    return sum(1 for line in prescription.lines for renewal in range(line.renewals + 1)
               if not delivered_in(prescription.executions, line.number, renewal)[1])


def status_of(prescription: Prescription, today: date) -> Status:
    if prescription.cancelled:
        return Status.CANCELLED
    if periods_left(prescription) == 0:
        return Status.EXECUTED
    if today > prescription.valid_until:
        return Status.EXPIRED
    return Status.PARTIAL if prescription.executions else Status.ACTIVE


def check_deliverable(prescription: Prescription, line_number: int, renewal: int, *, today: date) -> None:
    """Refuse, in French, a delivery the prescription does not allow; `Conflict` when already given."""
    status = status_of(prescription, today)
    if status in (Status.CANCELLED, Status.EXPIRED):
        raise RuleViolation(f"Ordonnance {prescription.id} {status.label.lower()} : rien ne peut être délivré.")
    line = prescription.line(line_number)
    if not 0 <= renewal <= line.renewals:
        raise RuleViolation(f"Ligne {line_number} : renouvellement {renewal} impossible "
                            f"({line.renewals} renouvellement(s) prescrit(s)).")
    if delivered_in(prescription.executions, line_number, renewal)[1]:
        raise Conflict(already_delivered(line_number, renewal))
    if renewal and not delivered_in(prescription.executions, line_number, renewal - 1)[1]:
        raise RuleViolation(f"Ligne {line_number} : le renouvellement {renewal} suit la délivrance précédente, "
                            "qui n'est pas terminée.")


def already_delivered(line_number: int, renewal: int) -> str:
    period = "délivrance initiale" if renewal == 0 else f"renouvellement {renewal}"
    return f"Ligne {line_number} déjà délivrée ({period})."
