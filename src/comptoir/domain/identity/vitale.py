"""What a carte Vitale, or the appli carte Vitale, tells about the people it covers (SPEC §1.3, §15.1).

The physical card carries the holder's NIR (the "ouvrant droit") and, for each beneficiary, the
names and birth date; the INSi then finds each one's own INS. The appli carte Vitale carries the
INS itself, qualified at enrolment: no document is asked at the counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from comptoir.domain.identity.ins import InsIdentity


class VitaleMedium(StrEnum):
    CARD = "carte"
    APP = "appli"

    @property
    def label(self) -> str:
        return "Carte Vitale" if self is VitaleMedium.CARD else "Application carte Vitale"


@dataclass(frozen=True, slots=True)
class VitaleBeneficiary:
    used_name: str
    birth_name: str
    first_name: str
    birth_date: date
    quality: str = "assuré"
    birth_rank: int = 1
    ins: InsIdentity | None = None
    """Only the appli carte Vitale carries the INS."""
    sex: str | None = None


@dataclass(frozen=True, slots=True)
class VitaleCard:
    card_id: str
    medium: VitaleMedium
    holder_nir: str
    beneficiaries: tuple[VitaleBeneficiary, ...]

    def beneficiary(self, index: int) -> VitaleBeneficiary:
        return self.beneficiaries[index]
