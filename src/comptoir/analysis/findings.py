"""What the analysis says: findings, each with a kind, a level, the drugs and substances, a French
message and its source. Findings are values, not errors (an interaction is not an exception)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Level(IntEnum):
    """The thesaurus scale, used for every kind of finding (lower value = more severe)."""

    CI = 1
    """contre-indication: must not be dispensed as is."""
    ASDEC = 2
    """association déconseillée / to avoid: dispense only after a documented review."""
    PE = 3
    """précaution d'emploi: dispense with the stated precaution."""
    APEC = 4
    """à prendre en compte: information."""

    @classmethod
    def from_thesaurus(cls, code: str) -> Level:
        return {"CI": cls.CI, "AD": cls.ASDEC, "ASDEC": cls.ASDEC, "PE": cls.PE, "APEC": cls.APEC}[code]

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]


LEVEL_LABELS = {
    Level.CI: "Contre-indication",
    Level.ASDEC: "Association déconseillée",
    Level.PE: "Précaution d'emploi",
    Level.APEC: "À prendre en compte",
}

KINDS = ("unidentified", "interaction", "contraindication", "allergy", "redundancy", "dose", "quantity", "fraud",
         "cost")


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    level: Level
    drugs: tuple[str, ...]
    substances: tuple[str, ...]
    message: str
    source: str
    lines: tuple[int, ...] = field(default=())
    """Indexes of the prescription lines concerned (history items are not lines)."""

    def contract(self) -> dict[str, object]:
        return {"kind": self.kind, "level": self.level.name, "drugs": list(self.drugs),
                "substances": list(self.substances), "message": self.message, "source": self.source}


def ordered(findings: list[Finding]) -> list[Finding]:
    """Unidentified lines first (nothing was checked on them), then most severe first; then by kind in the
    order a pharmacist reads them, then by message."""
    return sorted(findings, key=lambda f: (f.kind != "unidentified", f.level, KINDS.index(f.kind), f.message))
