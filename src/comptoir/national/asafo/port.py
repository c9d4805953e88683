"""What the services ask of ASAFO, in our words (SPEC §11.2, §15.6).

Two screens of the amelipro service: the list of prescriptions the CPAM **confirmed** fake (filtered by region
or national, by date — "new since my last visit" —, by patient NIR, by prescriber, by product), and the
declaration of a suspicion, which the CPAM reviews: `EN_COURS`, then `CONFIRMEE` (it then alerts every
pharmacy) or `INFIRMEE` [U: the statuses' names are not published; SPEC §11.2 names them so].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class AlertProduct:
    brand: str
    cip13: str | None = None
    substances: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Alert:
    """One prescription confirmed fake by a CPAM."""

    alert_id: str
    anomaly: str
    """falsifiee, volee, modifiee, scannee, inventee."""
    review_ended_on: date
    prescribed_on: date | None
    prescriber_rpps: str | None
    prescriber_structure: str | None
    prescriber_name: str
    patient_nir: str | None
    patient_name: str
    drug_class: str
    products: tuple[AlertProduct, ...]
    region: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class FeedQuery:
    region: str | None = None
    """None: the national list."""
    since: datetime | None = None
    nir: str | None = None
    rpps: str | None = None
    product: str | None = None
    """A brand, a CIP13 or a substance."""


@dataclass(frozen=True, slots=True)
class Declaration:
    key: str
    """The pharmacy's idempotency key: the same declaration sent twice is recorded once."""
    prescriber_rpps: str | None
    prescriber_structure: str | None
    prescriber_name: str
    patient_nir: str | None
    patient_name: str
    products: tuple[AlertProduct, ...]
    authenticated_by_prescriber: bool
    prescribed_on: date | None = None
    comment: str = ""
    document: bytes = b""
    content_type: str = "image/png"


@dataclass(frozen=True, slots=True)
class DeclarationStatus:
    declaration_id: str
    key: str
    status: str
    """EN_COURS, CONFIRMEE, INFIRMEE."""
    declared_at: datetime
    decided_at: datetime | None = None
    reason: str = ""
    alert_id: str | None = None
    duplicate: bool = False


class AsafoService(Protocol):
    def alerts(self, query: FeedQuery) -> list[Alert]: ...

    def declare(self, declaration: Declaration) -> DeclarationStatus: ...

    def declarations(self) -> list[DeclarationStatus]: ...
