"""What the services ask of the Dossier Pharmaceutique, in our words (SPEC §6, §15.6).

A DP belongs to one beneficiary of the Assurance Maladie, named as the carte Vitale names him: the NIR read on
the card and the beneficiary's birth date (`Beneficiary`). [U] The CNOP's key is not public; the card's NIR and
birth date are what the LGO reads at the counter, and the birth date tells apart the beneficiaries of one card.

Errors: the adapter raises `comptoir.errors.ExternalServiceError` — permanent when the DP refused the act for
good (no DP, a closed DP, the patient's refusal, no card read), with the DP's French reason; not permanent when
it is down or slow (the outbox retries, the counter says « DP indisponible » and goes on).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

DEFAULT_WINDOW_MONTHS = 4
"""What the counter shows by default (the issue's 4 months, the display before the 2023 decree)."""
MAX_WINDOW_MONTHS = 12
"""Ordinary medicines are shown up to 12 months since décret n° 2023-551 (SPEC §6)."""


class Category(StrEnum):
    """How long the DP shows a line (SPEC §6: vaccines 21 years, biological medicines 3 years)."""

    ORDINARY = "ordinaire"
    VACCINE = "vaccin"
    BIOLOGICAL = "biologique"


class DpStatus(StrEnum):
    OPEN = "ouvert"
    CLOSED = "ferme"
    ABSENT = "absent"


@dataclass(frozen=True, slots=True)
class Beneficiary:
    nir: str
    """The NIR read on the carte Vitale (13 characters, or 15 with its key)."""
    birth_date: date


@dataclass(frozen=True, slots=True)
class FedLine:
    line_number: int
    cip13: str
    label: str
    quantity: int
    category: Category


@dataclass(frozen=True, slots=True)
class Feed:
    """One dispensation's lines, under the dispensation's key (the same key and line number are stored once)."""

    key: str
    dispensed_on: date
    pharmacy_finess: str
    pharmacy_name: str
    lines: tuple[FedLine, ...]


@dataclass(frozen=True, slots=True)
class DpLine:
    dispensed_on: date
    cip13: str
    label: str
    quantity: int
    category: Category
    pharmacy_finess: str
    pharmacy_name: str


@dataclass(frozen=True, slots=True)
class Consultation:
    status: DpStatus
    lines: tuple[DpLine, ...] = ()
    """Newest first, each within its category's window."""


@dataclass(frozen=True, slots=True)
class Fed:
    received: int
    duplicates: int


@dataclass(frozen=True, slots=True)
class Access:
    at: datetime
    structure: str
    rpps: str
    action: str
    """French: « consultation », « alimentation », « ouverture »…"""


@dataclass(frozen=True, slots=True)
class Printout:
    status: DpStatus
    opened_on: date | None
    lines: tuple[DpLine, ...]
    accesses: tuple[Access, ...]


class DossierPharmaceutique(Protocol):
    def open(self, beneficiary: Beneficiary, *, card_read: bool, consent: bool) -> DpStatus:
        """Opens (or reopens) the beneficiary's DP; refused unless the card was read and the patient consents."""
        ...

    def consult(self, beneficiary: Beneficiary, *, months: int = DEFAULT_WINDOW_MONTHS) -> Consultation: ...

    def feed(self, beneficiary: Beneficiary, feed: Feed) -> Fed: ...

    def cancel(self, beneficiary: Beneficiary, key: str) -> int:
        """Withdraws the lines fed under `key` (a dispensation cancelled); returns how many."""
        ...

    def refuse_feeding(self, beneficiary: Beneficiary, key: str) -> int:
        """The patient refuses that this dispensation feed the DP: its lines withdrawn, later feeds refused."""
        ...

    def refuse_consultation(self, beneficiary: Beneficiary) -> None:
        """The patient refuses this consultation: the caller's consultations of the day are refused."""
        ...

    def close(self, beneficiary: Beneficiary) -> None:
        """Closes the DP at the patient's request: its data erased, feeds refused until reopened."""
        ...

    def printout(self, beneficiary: Beneficiary) -> Printout: ...
