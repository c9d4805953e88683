"""The ANSM "Thésaurus des interactions médicamenteuses": its model and its CSV form.

Source: ANSM, Thésaurus des interactions médicamenteuses, edition of 15 September 2023.
Reuse falls under CRPA art. L.321-1: the text is kept verbatim and its source and date
are cited wherever a finding quotes it.

Three CSV files (entries, protagonists, class members) are the form we load in
development; `thesaurus_pdf` turns the official PDF's `pdftotext -layout` text into
the same `Thesaurus` value, so a new edition needs no CSV.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from comptoir.errors import ReferenceFileError

LEVEL_ORDER = ("CI", "AD", "PE", "APEC")
"""Constraint levels in decreasing severity; "AD" is the thesaurus' own code for ASDEC."""

INTERACTIONS_CSV = "ansm_thesaurus_2023-09_interactions.csv"
PROTAGONISTS_CSV = "ansm_thesaurus_2023-09_protagonists.csv"
MEMBERS_CSV = "ansm_thesaurus_2023-09_class_members.csv"


@dataclass(frozen=True, slots=True)
class InteractionEntry:
    """One printed entry "A + B": risk, level(s) and what to do."""

    protagonist_a: str
    protagonist_b: str
    level_raw: str
    levels: tuple[str, ...]
    risk: str
    conduct: str
    pdf_page: int
    block: str = "entry"

    @property
    def max_level(self) -> str:
        return min(self.levels, key=LEVEL_ORDER.index)


@dataclass(frozen=True, slots=True)
class Protagonist:
    """A header of the thesaurus: a substance, or a class with its member list."""

    name: str
    kind: str
    members: tuple[str, ...] = ()
    see_also_classes: tuple[str, ...] = ()
    header_note: str = ""
    pdf_page: int = 0


@dataclass(frozen=True, slots=True)
class Thesaurus:
    edition: str
    entries: tuple[InteractionEntry, ...]
    protagonists: tuple[Protagonist, ...] = field(default=())

    def class_members(self) -> dict[str, tuple[str, ...]]:
        return {p.name: p.members for p in self.protagonists if p.members}


def levels_from_raw(level_raw: str) -> tuple[str, ...]:
    """Codes of a printed level: "CI - ASDEC - APEC" -> ("CI", "AD", "APEC")."""
    codes = []
    for part in level_raw.replace("–", "-").split(" - "):
        word = part.strip().upper()
        if word.startswith(("CONTRE", "CI")):
            codes.append("CI")
        elif "DECONSEILL" in word or "DÉCONSEILL" in word or word == "ASDEC":
            codes.append("AD")
        elif word.startswith(("PRÉCAUTION", "PRECAUTION", "PE")):
            codes.append("PE")
        elif word.startswith(("A PRENDRE", "À PRENDRE", "APEC")):
            codes.append("APEC")
    return tuple(codes)


def read_thesaurus_csv(directory: Path) -> Thesaurus:
    """Read the three CSV files of the 2023-09 edition from `directory`."""
    entries = tuple(_read_entries(directory / INTERACTIONS_CSV))
    members = _read_members(directory / MEMBERS_CSV)
    protagonists = tuple(_read_protagonists(directory / PROTAGONISTS_CSV, members))
    return Thesaurus(edition="2023-09-15", entries=entries, protagonists=protagonists)


def _rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise ReferenceFileError(path.name, 1, f"colonnes manquantes : {', '.join(missing)}")
            return [(reader.line_num, row) for row in reader]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ReferenceFileError(path.name, 0, f"fichier illisible ({exc})") from exc


def _read_entries(path: Path) -> list[InteractionEntry]:
    required = ("protagonist_a", "protagonist_b", "level_raw", "levels", "risk", "conduct", "pdf_page", "block")
    entries = []
    for line, row in _rows(path, required):
        levels = tuple(code for code in (row["levels"] or "").split(";") if code)
        if not levels or any(code not in LEVEL_ORDER for code in levels) or not row["protagonist_b"]:
            raise ReferenceFileError(path.name, line, "entrée incomplète ou niveau inconnu")
        entries.append(
            InteractionEntry(
                protagonist_a=row["protagonist_a"],
                protagonist_b=row["protagonist_b"],
                level_raw=row["level_raw"],
                levels=levels,
                risk=row["risk"] or "",
                conduct=row["conduct"] or "",
                pdf_page=_page(path, line, row["pdf_page"]),
                block=row["block"] or "entry",
            )
        )
    return entries


def _read_members(path: Path) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    for line, row in _rows(path, ("class_name", "substance")):
        if not row["class_name"] or not row["substance"]:
            raise ReferenceFileError(path.name, line, "ligne incomplète")
        members.setdefault(row["class_name"], []).append(row["substance"])
    return members


def _read_protagonists(path: Path, members: dict[str, list[str]]) -> list[Protagonist]:
    required = ("name", "kind", "see_also_classes", "header_note", "pdf_page")
    protagonists = []
    for line, row in _rows(path, required):
        protagonists.append(
            Protagonist(
                name=row["name"],
                kind=row["kind"],
                members=tuple(members.get(row["name"], ())),
                see_also_classes=tuple(s for s in (row["see_also_classes"] or "").split(";") if s),
                header_note=row["header_note"] or "",
                pdf_page=_page(path, line, row["pdf_page"]),
            )
        )
    return protagonists


def _page(path: Path, line: int, value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError as exc:
        raise ReferenceFileError(path.name, line, f"numéro de page invalide « {value} »") from exc
