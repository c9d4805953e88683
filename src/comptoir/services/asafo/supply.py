"""What the counter shows of secure supply beside the basket: the ASAFO check's state, the declarations made from
this basket, the reinforced check of medicines over 300 €, and what of these still holds the validation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

OUTCOMES = {"securisee": "Délivrance sécurisée", "temporaire": "Délivrance temporaire",
            "refus": "Refus de délivrance"}
"""The mentions written on the prescription (SPEC §11.1)."""
DECLARATION_STATUSES = {"a_envoyer": "En attente d'envoi", "EN_COURS": "En cours d'instruction par la CPAM",
                        "CONFIRMEE": "Confirmée fausse par la CPAM", "INFIRMEE": "Infirmée par la CPAM"}


@dataclass(frozen=True, slots=True)
class CheckDone:
    prescriber_verified: bool
    original_seen: bool
    identity_checked: bool
    specialty_coherent: bool
    outcome: str
    comment: str
    operator_code: str
    at: datetime
    products: tuple[str, ...] = ()

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome, self.outcome)


@dataclass(frozen=True, slots=True)
class ChecklistView:
    """The reinforced check: the expensive lines it is about, and the check once done."""

    lines: tuple[str, ...]
    done: CheckDone | None
    current: bool
    """The check done covers every expensive line of the basket as it is now."""
    required: bool = True
    """Required before validation (SPEC §11.1: a patient or a prescriber unknown); else offered, on request."""


@dataclass(frozen=True, slots=True)
class DeclarationView:
    id: int
    declared_at: datetime
    operator_code: str
    status: str
    prescriber: str
    patient: str
    products: tuple[str, ...]
    authenticated_by_prescriber: bool
    remote_id: str | None = None
    decision_reason: str = ""

    @property
    def status_label(self) -> str:
        return DECLARATION_STATUSES.get(self.status, self.status)


@dataclass(frozen=True, slots=True)
class SecureSupplyView:
    asafo_status: str = ""
    """« » when the list is fresh; else « ASAFO indisponible… »."""
    asafo_alerts: tuple[str, ...] = ()
    declarations: tuple[DeclarationView, ...] = ()
    checklist: ChecklistView | None = None
    blocking: tuple[str, ...] = ()
    has_scan: bool = False
    """The basket holds the paper prescription's scan (sent with a declaration)."""
