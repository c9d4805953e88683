"""What the counter's basket use cases take and give back: small frozen inputs, the whole basket as the
screen shows it after each change (`BasketView`), and the two refusals of their own (`Ambiguous`, `Blocked`).

Every text a user sees is French; products are named by name and DCI, never by a code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from comptoir.errors import FieldErrors
from comptoir.services.asafo.supply import SecureSupplyView

BasketKind = Literal["ordonnance_numerique", "ordonnance_papier", "sans_ordonnance"]
BasketStatus = Literal["ouvert", "en_attente", "valide", "abandonne"]
KIND_LABELS = {"ordonnance_numerique": "Ordonnance numérique", "ordonnance_papier": "Ordonnance papier",
               "sans_ordonnance": "Sans ordonnance"}
STATUS_LABELS = {"ouvert": "En cours", "en_attente": "En attente d'un pharmacien", "valide": "Validé",
                 "abandonne": "Abandonné"}


def basket_ref(basket_id: int) -> str:
    """The reference a basket's documents wait under until validation (services/dispensing/scans.py)."""
    return f"panier-{basket_id}"


# --- inputs -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PrescriptionInput:
    """A paper prescription's header, or the renewal chosen on an ON."""

    prescriber_rpps: str | None = None
    prescriber_name: str = ""
    prescribed_on: date | None = None
    renewal: int = 0
    prescriber_address: str = ""


@dataclass(frozen=True, slots=True)
class PaperLine:
    """One line read by the OCR (F6), after the user's corrections."""

    drug: str
    posology: str = ""
    duration_days: int | None = None


@dataclass(frozen=True, slots=True)
class LineChanges:
    """What the user changes on a line; None leaves the field as it is."""

    cip13: str | None = None
    boxes: int | None = None
    posology: str | None = None
    duration_days: int | None = None
    substitute: bool | None = None
    """True: give a generic of the prescribed product's group; False: back to the prescribed product."""
    overlap_allowed: bool | None = None
    """"Chevauchement autorisé par le prescripteur": the prescription's express mention (CSP R.5132-33)."""


@dataclass(frozen=True, slots=True)
class DecisionInput:
    """A pharmacist's decision on an alert: an SFPC intervention (refusal, call to the prescriber, change of
    product or dose: SPEC §13) or an override with its reason."""

    kind: Literal["intervention", "override"]
    reason: str = ""
    problem_code: str | None = None
    intervention_code: str | None = None
    outcome: str | None = None


# --- the basket as shown -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductName:
    name: str
    dci: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.dci})" if self.dci else self.name


@dataclass(frozen=True, slots=True)
class LineView:
    position: int
    prescription_line: int | None
    drug: str
    """As prescribed, scanned or typed."""
    name: str | None
    dci: str | None
    cis: str | None
    cip13: str | None
    pack_label: str | None
    units_per_box: int | None
    boxes: int
    posology: str
    duration_days: int | None
    substituted: bool
    non_substitutable: str | None
    """The prescriber's motif (MTE, EFG, CIF), None when substitutable."""
    price_eur: Decimal | None
    reimbursement_rate: int | None
    lot: str | None
    serial: str | None
    expiry: date | None
    reason: str
    """Why the line cannot be delivered as it is ("" when it can)."""
    warnings: tuple[str, ...]
    listing: str | None = None
    """"Liste I", "Liste II", "Stupéfiant" or None."""
    scanned: int = 0
    """Packs scanned for this line."""
    prescribed_boxes: int | None = None
    overlap_allowed: bool = False
    """The pharmacist ticked "chevauchement autorisé par le prescripteur" (CSP R.5132-33)."""
    packs: tuple[ScannedPack, ...] = ()
    """Every box scanned for the line (its DataMatrix), in scan order."""


@dataclass(frozen=True, slots=True)
class ScannedPack:
    lot: str | None
    expiry: date | None
    serial: str | None
    verification: str = ""
    """What the NMVS said at the scan: "verifiee", "en_attente" (the system did not answer), "" (not asked)."""


@dataclass(frozen=True, slots=True)
class DecisionView:
    kind: str
    kind_label: str
    reason: str
    problem_code: str | None
    intervention_code: str | None
    outcome: str | None
    operator_code: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AlertView:
    key: str
    """Stable across re-analysis: kind, level, substances and products."""
    level: str
    level_label: str
    kind: str
    message: str
    products: tuple[ProductName, ...]
    needs_decision: bool
    decision: DecisionView | None
    source: str = ""
    positions: tuple[int, ...] = ()
    """The basket lines concerned."""


@dataclass(frozen=True, slots=True)
class PrescriptionView:
    kind: str
    on_id: str | None
    renewal: int
    prescriber_name: str
    prescriber_rpps: str | None
    rpps_valid: bool | None
    """None when no RPPS was given."""
    prescribed_on: date | None
    scan_id: int | None
    prescriber_address: str = ""


@dataclass(frozen=True, slots=True)
class Totals:
    price_eur: Decimal
    reimbursed_eur: Decimal


@dataclass(frozen=True, slots=True)
class BasketView:
    id: int
    version: int
    status: str
    kind: str
    patient_id: int | None
    prescription: PrescriptionView | None
    lines: tuple[LineView, ...]
    alerts: tuple[AlertView, ...]
    blocking: tuple[str, ...]
    """Why validation is refused now, in French (empty: the basket may be validated)."""
    can_decide: bool
    can_validate: bool
    totals: Totals
    patient_name: str = ""
    advice: tuple[str, ...] = ()
    """Advice for the patient (alcohol, grapefruit): not alerts on the prescription."""
    created_by: str = ""
    handed_over_by: str | None = None
    dispensation_id: int | None = None
    secure: SecureSupplyView = field(default_factory=SecureSupplyView)
    """ASAFO and the reinforced check of medicines over 300 € (services/asafo/panel.py)."""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True, slots=True)
class BasketSummary:
    id: int
    status: str
    kind: str
    patient_id: int | None
    patient_name: str
    lines: int
    created_by: str
    handed_over_by: str | None
    handed_over_at: datetime | None
    workstation: str


# --- refusals of their own ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    cis: str
    name: str
    dci: str
    cip13: str | None


class Ambiguous(FieldErrors):
    """A typed name or DCI that several products answer: the user picks one (nothing was added)."""

    def __init__(self, text: str, candidates: tuple[Candidate, ...]) -> None:
        self.candidates = candidates
        super().__init__({"text": f"Plusieurs produits répondent à « {text} » : choisissez-en un."})

    def details(self) -> dict[str, object]:
        return super().details() | {"candidates": [
            {"cis": c.cis, "name": c.name, "dci": c.dci, "cip13": c.cip13} for c in self.candidates]}


class Blocked(FieldErrors):
    """A validation refused: the reasons, each in French (nothing was recorded)."""

    def __init__(self, reasons: tuple[str, ...]) -> None:
        self.reasons = reasons
        super().__init__({"validation": " ".join(reasons)})

    def details(self) -> dict[str, object]:
        return super().details() | {"reasons": list(self.reasons)}


@dataclass(frozen=True, slots=True)
class OutboxRef:
    kind: str
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Validated:
    dispensation_id: int
    ordonnancier_numbers: tuple[int, ...]
    outbox_messages: tuple[OutboxRef, ...]
