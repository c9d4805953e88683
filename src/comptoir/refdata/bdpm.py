"""Readers of the BDPM download files (Base de données publique des médicaments).

Publishers: ANSM, HAS and UNCAM (base-donnees-publique.medicaments.gouv.fr), Licence
Ouverte / Etalab: cite "Base de données publique des médicaments" with the data's date.

Format: tab-separated, no header, no quoting, `;` between several values in a field;
dates DD/MM/YYYY except the HAS files (YYYYMMDD). Official files are cp1252, some
mirrors UTF-8: we try UTF-8 first, then cp1252. Every reader checks the column count
and the identifiers of each line, and names the file and line of the first bad one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from comptoir.errors import ReferenceFileError

BDPM_LICENCE = "Base de données publique des médicaments (ANSM, HAS, UNCAM), Licence Ouverte / Etalab"


@dataclass(frozen=True, slots=True)
class SpecialtyRow:
    cis: str
    name: str
    form: str
    routes: str
    amm_status: str
    amm_procedure: str
    marketing_status: str
    amm_date: date | None
    bdm_status: str
    holders: str
    reinforced_monitoring: bool


@dataclass(frozen=True, slots=True)
class PresentationRow:
    cis: str
    cip7: str
    label: str
    status: str
    marketing_state: str
    marketing_date: date | None
    cip13: str
    collectivities: str
    reimbursement_rate: str
    price_eur: Decimal | None
    price_with_fees_eur: Decimal | None
    fees_eur: Decimal | None
    indications: str


@dataclass(frozen=True, slots=True)
class CompositionRow:
    cis: str
    element: str
    substance_code: str
    substance_name: str
    dosage: str
    dosage_reference: str
    nature: str
    link_number: int | None


@dataclass(frozen=True, slots=True)
class GenericRow:
    group_id: int
    group_label: str
    cis: str
    kind: int
    sort_order: int


@dataclass(frozen=True, slots=True)
class ConditionRow:
    cis: str
    condition: str


@dataclass(frozen=True, slots=True)
class AtcRow:
    cis: str
    atc_code: str
    method: str


@dataclass(frozen=True, slots=True)
class AvailabilityRow:
    cis: str
    cip13: str | None
    status_code: int
    status_label: str
    started: date | None
    updated: date | None
    back_on: date | None
    link: str


@dataclass(frozen=True, slots=True)
class OpinionRow:
    cis: str
    kind: str
    dossier: str
    reason: str
    opinion_date: date | None
    value: str
    label: str


class _Line:
    """The fields of one line, with converters that report the file and line on failure."""

    def __init__(self, file_name: str, number: int, fields: list[str]) -> None:
        self.file_name = file_name
        self.number = number
        self.fields = fields

    def fail(self, problem: str) -> ReferenceFileError:
        return ReferenceFileError(self.file_name, self.number, problem)

    def text(self, index: int) -> str:
        return self.fields[index].strip()

    def digits(self, index: int, lengths: tuple[int, ...], *, optional: bool = False) -> str:
        value = self.text(index)
        if optional and not value:
            return ""
        if not value.isdigit() or len(value) not in lengths:
            raise self.fail(f"identifiant invalide « {value} » (colonne {index + 1})")
        return value

    def french_date(self, index: int) -> date | None:
        value = self.text(index)
        if not value:
            return None
        try:
            day, month, year = (int(part) for part in value.split("/"))
            return _plausible(date(year, month, day))
        except ValueError as exc:
            raise self.fail(f"date invalide « {value} »") from exc

    def compact_date(self, index: int) -> date | None:
        value = self.text(index)
        try:
            return _plausible(date(int(value[:4]), int(value[4:6]), int(value[6:8]))) if value else None
        except ValueError as exc:
            raise self.fail(f"date invalide « {value} »") from exc

    def price(self, index: int) -> Decimal | None:
        value = self.text(index).replace(" ", "")
        if not value:
            return None
        # Prices are printed "1 234,56" or, in a few rows, "1,234,56"; the last comma is the decimal one.
        whole, _, cents = value.rpartition(",")
        try:
            return Decimal(f"{whole.replace(',', '') or '0'}.{cents}" if whole else cents)
        except InvalidOperation as exc:
            raise self.fail(f"prix invalide « {value} »") from exc

    def integer(self, index: int, *, optional: bool = False) -> int | None:
        value = self.text(index)
        if optional and not value:
            return None
        try:
            return int(value)
        except ValueError as exc:
            raise self.fail(f"nombre invalide « {value} »") from exc


def _plausible(value: date) -> date | None:
    # The BDPM holds at least one impossible year (2924): treat such a date as unknown.
    return value if 1900 <= value.year <= 2100 else None


def read_lines(path: Path, columns: int) -> Iterator[_Line]:
    """Yield each non-empty line of a BDPM file, checking its column count."""
    text = _decode(path)
    if text and not text.endswith("\n"):
        # A complete download ends with a newline; a missing one means a cut-off transfer.
        raise ReferenceFileError(path.name, text.count("\n") + 1, "fichier tronqué (dernière ligne incomplète)")
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.rstrip("\r")
        if not raw.strip():
            continue
        fields = raw.split("\t")
        if len(fields) != columns:
            raise ReferenceFileError(
                path.name, number, f"{len(fields)} colonnes au lieu de {columns} (fichier tronqué ou corrompu ?)"
            )
        yield _Line(path.name, number, fields)


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ReferenceFileError(path.name, line, "octets nuls : fichier corrompu")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


def read_specialties(path: Path) -> list[SpecialtyRow]:
    return [
        SpecialtyRow(
            cis=line.digits(0, (8,)),
            name=line.text(1),
            form=line.text(2),
            routes=line.text(3),
            amm_status=line.text(4),
            amm_procedure=line.text(5),
            marketing_status=line.text(6),
            amm_date=line.french_date(7),
            bdm_status=line.text(8),
            holders=line.text(10),
            reinforced_monitoring=line.text(11).lower() == "oui",
        )
        for line in read_lines(path, 12)
    ]


def read_presentations(path: Path) -> list[PresentationRow]:
    return [
        PresentationRow(
            cis=line.digits(0, (8,)),
            cip7=line.digits(1, (7,)),
            label=line.text(2),
            status=line.text(3),
            marketing_state=line.text(4),
            marketing_date=line.french_date(5),
            cip13=line.digits(6, (13,)),
            collectivities=line.text(7),
            reimbursement_rate=line.text(8),
            price_eur=line.price(9),
            price_with_fees_eur=line.price(10),
            fees_eur=line.price(11),
            indications=line.text(12),
        )
        for line in read_lines(path, 13)
    ]


def read_compositions(path: Path) -> list[CompositionRow]:
    rows = []
    for line in read_lines(path, 8):
        nature = line.text(6)
        if nature not in ("SA", "FT"):
            raise line.fail(f"nature du composant inconnue « {nature} »")
        rows.append(
            CompositionRow(
                cis=line.digits(0, (8,)),
                element=line.text(1),
                substance_code=line.digits(2, (1, 2, 3, 4, 5, 6)),
                substance_name=line.text(3),
                dosage=line.text(4),
                dosage_reference=line.text(5),
                nature=nature,
                link_number=line.integer(7, optional=True),
            )
        )
    return rows


def read_generics(path: Path) -> list[GenericRow]:
    return [
        GenericRow(
            group_id=line.integer(0) or 0,
            group_label=line.text(1),
            cis=line.digits(2, (8,)),
            kind=line.integer(3) or 0,
            sort_order=line.integer(4, optional=True) or 0,
        )
        for line in read_lines(path, 5)
    ]


def read_conditions(path: Path) -> list[ConditionRow]:
    return [ConditionRow(cis=line.digits(0, (8,)), condition=line.text(1)) for line in read_lines(path, 2)]


def read_mitm_atc(path: Path) -> list[AtcRow]:
    return [
        AtcRow(cis=line.digits(0, (8,)), atc_code=line.text(1), method="bdpm_CIS_MITM")
        for line in read_lines(path, 4)
    ]


def read_availability(path: Path) -> list[AvailabilityRow]:
    return [
        AvailabilityRow(
            cis=line.digits(0, (8,)),
            cip13=line.digits(1, (13,), optional=True) or None,
            status_code=line.integer(2) or 0,
            status_label=line.text(3),
            started=line.french_date(4),
            updated=line.french_date(5),
            back_on=line.french_date(6),
            link=line.text(7),
        )
        for line in read_lines(path, 8)
    ]


def read_opinions(path: Path, kind: str) -> list[OpinionRow]:
    return [
        OpinionRow(
            cis=line.digits(0, (8,)),
            kind=kind,
            dossier=line.text(1),
            reason=line.text(2),
            opinion_date=line.compact_date(3),
            value=line.text(4),
            label=line.text(5),
        )
        for line in read_lines(path, 6)
    ]


def read_has_links(path: Path) -> dict[str, str]:
    return {line.text(0): line.text(1) for line in read_lines(path, 2)}
