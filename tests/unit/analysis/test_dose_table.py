"""The table of maximum daily doses: the packaged file is read and checked; a bad row is refused by its line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from comptoir.analysis.dose_table import COLUMNS, dose_table, parse_table
from comptoir.analysis.reference import dci_display
from comptoir.errors import ReferenceFileError
from comptoir.refdata.search import fold

HEADER = ",".join(COLUMNS)
GOOD = "metoclopramide,orale;rectale,mg,30,,,0.5,,60,1,ANSM 2014,2014-03,"


def test_the_packaged_table_covers_the_common_classes_with_a_source_and_a_date_on_every_row() -> None:
    table = dose_table()

    rows = [row for rows in table.rows.values() for row in rows]
    assert len(table) >= 190
    assert all(row.source and row.source_date for row in rows)
    for substance in ("paracetamol", "metoclopramide", "domperidone", "amoxicilline", "atorvastatine", "metformine",
                      "apixaban", "levetiracetam", "escitalopram", "zolpidem", "cetirizine", "colchicine"):
        assert substance in table.rows, substance


def test_weekly_methotrexate_is_left_to_its_weekly_rule() -> None:
    assert "methotrexate" not in dose_table().rows


def test_every_substance_of_the_table_is_named_as_the_reference_names_it(reference_data: Path) -> None:
    with (reference_data / "bdpm" / "CIS_COMPO_bdpm.txt").open(encoding="utf-8") as compositions:
        names = {fold(dci_display(row[3])) for row in csv.reader(compositions, delimiter="\t") if len(row) > 3}

    unknown = [substance for substance in dose_table().rows if substance not in names]

    assert unknown == []


def test_a_row_is_found_by_its_substance_and_route_and_a_salt_after_the_name_is_accepted() -> None:
    table = parse_table(f"{HEADER}\n{GOOD}\n", "essai.csv")

    assert table.ceiling_for("metoclopramide", ("orale",)) is not None
    assert table.ceiling_for("metoclopramide chlorhydrate", ("rectale",)) is not None
    assert table.ceiling_for("metoclopramide", ("intraveineuse",)) is None
    assert table.ceiling_for("metoprolol", ("orale",)) is None


def test_a_row_in_micrograms_is_compared_in_milligrams() -> None:
    table = parse_table(f"{HEADER}\nlevothyroxine,orale,µg,200,,,,,,,RCP,2026,\n", "essai.csv")

    row = table.ceiling_for("levothyroxine", ("orale",))

    assert row is not None and row.mg(row.adult_max) == pytest.approx(0.2)


@pytest.mark.parametrize(("row", "problem"), [
    ("metoclopramide,orale,mg,trente,,,,,,,ANSM,2014,", "adult_max_per_day : « trente » n'est pas un nombre"),
    ("metoclopramide,orale,mg,,,,,,,,ANSM,2014,", "colonne adult_max_per_day vide"),
    ("metoclopramide,orale,mg,30,,,,,,,,2014,", "colonne source vide"),
    ("metoclopramide,orale,UI,30,,,,,,,ANSM,2014,", "unité inconnue « UI »"),
    ("metoclopramide,orale,mg,30,40,65,,,,,ANSM,2014,", "le maximum du sujet âgé dépasse celui de l'adulte"),
    ("metoclopramide,orale,mg,30,15,,,,,,ANSM,2014,", "elderly_max_per_day et elderly_from_age vont ensemble"),
    ("metoclopramide,orale,mg,-30,,,,,,,ANSM,2014,", "doit être positif"),
    ("metoclopramide,orale,mg,30,,,,,,,ANSM,2014", "nombre de colonnes incorrect"),
    ("metoclopramide,orale,mg,30,,,,,40,,ANSM,2014,", "weight_dosing_below_kg sans child_per_kg_per_day"),
])
def test_a_malformed_row_is_refused_with_its_line_and_the_reason(row: str, problem: str) -> None:
    with pytest.raises(ReferenceFileError) as refused:
        parse_table(f"{HEADER}\n{GOOD}\n{row}\n", "doses.csv")

    assert str(refused.value).startswith("doses.csv, ligne 3 : ")
    assert problem in str(refused.value)


def test_two_rows_for_the_same_substance_and_route_are_refused() -> None:
    with pytest.raises(ReferenceFileError, match="ligne 3 : metoclopramide : voie déjà décrite"):
        parse_table(f"{HEADER}\n{GOOD}\n{GOOD}\n", "doses.csv")


def test_a_table_without_its_columns_is_refused() -> None:
    with pytest.raises(ReferenceFileError, match=r"colonnes manquantes : .*source_date"):
        parse_table("substance,routes,unit,adult_max_per_day,source\nparacetamol,orale,mg,4000,RCP\n", "doses.csv")
