"""The ground truth of a made-up paper prescription: what the generator wrote, what the reader must find."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, slots=True)
class PosologySample:
    text: str
    expected: dict[str, object]


@dataclass(frozen=True, slots=True)
class Prescriber:
    name: str
    specialty: str
    rpps: str
    am: str
    address: str
    phone: str


@dataclass(frozen=True, slots=True)
class Patient:
    title: str
    last_name: str
    first_name: str
    birth_date: str
    weight_kg: int | None


@dataclass(frozen=True, slots=True)
class TruthLine:
    drug: str
    """The product as written on the page."""
    posology: str
    cis: str
    name: str
    substances: tuple[str, ...]
    strength: str
    written_as: str
    """"brand" or "dci"."""
    expected_posology: dict[str, object]
    ald: bool = False
    """Written in the ALD zone of a bizone prescription."""


@dataclass(frozen=True, slots=True)
class PageTruth:
    prescriber: Prescriber
    patient: Patient
    date: str
    lines: tuple[TruthLine, ...]
    advice: tuple[str, ...]
    chronic_zones: bool
    """Bizone (ALD) layout: the lines marked `ald` are under the ALD heading, the others under the second one."""
    style: dict[str, object] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return asdict(self)
