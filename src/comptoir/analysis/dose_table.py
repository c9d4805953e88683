"""The table of maximum daily doses (data/max_daily_doses.csv), read once and checked row by row.

One row per substance, and per route where the label's maximum differs. Each row names its source: the
section 4.2 of the RCP of a named French specialty, or an ANSM document, with its date. The columns:

- substance: the substance as the reference names it, folded (`fold(dci_display(...))`: "tramadol",
  "candesartan cilexetil", "acide valproique");
- routes: the BDPM routes the row applies to, separated by ";" ("orale;rectale");
- unit: the unit of the dose columns: mg, µg or g;
- adult_max_per_day: the adult's maximum per day;
- elderly_max_per_day, elderly_from_age: a lower ceiling from that age, only where the label gives one;
- child_per_kg_per_day, child_max_per_day: the label's weight-based maximum for a child, and its cap;
- weight_dosing_below_kg: the weight under which the label doses by weight ("enfant de moins de 40 kg");
  empty: every patient under 18;
- min_age_years: the age under which the label gives no dose;
- source, source_date, note.

A row is there only when its maximum is that of the French label; a substance whose label gives no ceiling
(opioids titrated to pain, corticosteroids, levothyroxine, PPIs in the Zollinger-Ellison syndrome) is left out,
and so are topicals, insulins, heparins and vaccines. source_date is the label's revision or the ANSM
document's date, or "date de consultation 2026-11" when only the current text is known; a note ending in
"vérifié par recherche" marks a row checked against a published copy of its label or ANSM text.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from comptoir.errors import ReferenceFileError

FILE_NAME = "max_daily_doses.csv"
COLUMNS = ("substance", "routes", "unit", "adult_max_per_day", "elderly_max_per_day", "elderly_from_age",
           "child_per_kg_per_day", "child_max_per_day", "weight_dosing_below_kg", "min_age_years", "source",
           "source_date", "note")
UNIT_IN_MG = {"mg": 1.0, "g": 1000.0, "µg": 0.001}
CHILD_UNTIL = 18
"""Under 18 a patient is a child for the table when the label gives no weight threshold."""


@dataclass(frozen=True, slots=True)
class DoseCeiling:
    """One row of the table; dose values in the row's own unit."""

    substance: str
    routes: tuple[str, ...]
    unit: str
    adult_max: float
    elderly_max: float | None
    elderly_from_age: int | None
    child_per_kg: float | None
    child_max: float | None
    weight_dosing_below_kg: float | None
    min_age_years: float | None
    source: str
    source_date: str
    note: str = ""

    def mg(self, value: float) -> float:
        """A value of the row, in its unit, as milligrams."""
        return value * UNIT_IN_MG[self.unit]

    def in_unit(self, mg: float) -> float:
        return mg / UNIT_IN_MG[self.unit]

    @property
    def citation(self) -> str:
        return f"{self.source} ({self.source_date})"

    def doses_by_weight(self, age: int | None, weight: float) -> bool:
        if self.child_per_kg is None:
            return False
        if self.weight_dosing_below_kg is not None:
            return weight < self.weight_dosing_below_kg
        return age is not None and age < CHILD_UNTIL

    def needs_weight(self, age: int | None) -> bool:
        """A child the label doses by weight: without the weight, the dose cannot be checked."""
        return self.child_per_kg is not None and age is not None and age < CHILD_UNTIL


@dataclass(frozen=True, slots=True)
class DoseTable:
    rows: dict[str, tuple[DoseCeiling, ...]]

    def ceiling_for(self, substance: str, routes: Iterable[str]) -> DoseCeiling | None:
        """The row of this folded substance for one of the product's routes (a salt or a qualifier after the
        name is accepted: "fer" does not take "fenofibrate", "morphine" takes "morphine sulfate")."""
        given = set(routes)
        for name in _names_from_longest(substance):
            for row in self.rows.get(name, ()):
                if given & set(row.routes):
                    return row
        return None

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def _names_from_longest(substance: str) -> list[str]:
    words = substance.split()
    return [" ".join(words[:n]) for n in range(len(words), 0, -1)]


@cache
def dose_table() -> DoseTable:
    """The packaged table, read on the first call only."""
    text = resources.files("comptoir.analysis").joinpath("data", FILE_NAME).read_text(encoding="utf-8")
    return parse_table(text, FILE_NAME)


def parse_table(text: str, file_name: str) -> DoseTable:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ReferenceFileError(file_name, 1, f"colonnes manquantes : {', '.join(missing)}")
    rows: dict[str, list[DoseCeiling]] = defaultdict(list)
    for number, record in enumerate(reader, start=2):
        row = _row(record, file_name, number)
        if any(set(row.routes) & set(other.routes) for other in rows[row.substance]):
            raise ReferenceFileError(file_name, number, f"{row.substance} : voie déjà décrite par une autre ligne")
        rows[row.substance].append(row)
    return DoseTable({name: tuple(found) for name, found in rows.items()})


def _row(record: dict[str, str | None], file_name: str, number: int) -> DoseCeiling:
    def fail(problem: str) -> ReferenceFileError:
        return ReferenceFileError(file_name, number, problem)

    text = {column: (record.get(column) or "").strip() for column in COLUMNS}
    if None in record or any(record.get(c) is None for c in COLUMNS):
        raise fail("nombre de colonnes incorrect")
    for required in ("substance", "routes", "unit", "adult_max_per_day", "source", "source_date"):
        if not text[required]:
            raise fail(f"colonne {required} vide")
    if text["unit"] not in UNIT_IN_MG:
        raise fail(f"unité inconnue « {text['unit']} » (mg, µg ou g)")
    number_of = _numbers(text, fail)
    row = DoseCeiling(
        substance=text["substance"], routes=tuple(r.strip() for r in text["routes"].split(";") if r.strip()),
        unit=text["unit"], adult_max=_required(number_of("adult_max_per_day")),
        elderly_max=number_of("elderly_max_per_day"), elderly_from_age=_whole(number_of("elderly_from_age")),
        child_per_kg=number_of("child_per_kg_per_day"), child_max=number_of("child_max_per_day"),
        weight_dosing_below_kg=number_of("weight_dosing_below_kg"), min_age_years=number_of("min_age_years"),
        source=text["source"], source_date=text["source_date"], note=text["note"])
    _check_consistency(row, fail)
    return row


def _numbers(text: dict[str, str], fail: Callable[[str], ReferenceFileError]) -> Callable[[str], float | None]:
    def number_of(column: str) -> float | None:
        value = text[column].replace(",", ".")
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            raise fail(f"{column} : « {text[column]} » n'est pas un nombre") from None
        if number <= 0:
            raise fail(f"{column} : {text[column]} doit être positif")
        return number

    return number_of


def _required(value: float | None) -> float:
    assert value is not None  # checked non-empty before
    return value


def _whole(value: float | None) -> int | None:
    return None if value is None else int(value)


def _check_consistency(row: DoseCeiling, fail: Callable[[str], ReferenceFileError]) -> None:
    if (row.elderly_max is None) != (row.elderly_from_age is None):
        raise fail("elderly_max_per_day et elderly_from_age vont ensemble")
    if row.elderly_max is not None and row.elderly_max > row.adult_max:
        raise fail("le maximum du sujet âgé dépasse celui de l'adulte")
    if row.child_max is not None and row.child_max > row.adult_max:
        raise fail("le maximum de l'enfant dépasse celui de l'adulte")
    if row.weight_dosing_below_kg is not None and row.child_per_kg is None:
        raise fail("weight_dosing_below_kg sans child_per_kg_per_day")
