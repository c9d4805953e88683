"""Made-up prescriptions for measuring the reader: realistic, varied, with their truth, the same for a seed."""

from __future__ import annotations

import json
import random
from pathlib import Path

from PIL import Image
from stdnum import luhn

from comptoir.devtools.paper_prescriptions.generator import (
    PosologySample,
    generate_pages,
    make_page,
    prescribable,
    rpps_number,
)
from comptoir.refdata.search import DrugRecord

RECORDS = [
    DrugRecord("60234100", "DOLIPRANE 1000 mg, comprimé", ("paracétamol",), ("3400935955838",), (), True, (1000.0,)),
    DrugRecord("61000004", "AMOXICILLINE SANDOZ 500 mg, gélule", ("amoxicilline",), ("3400930000004",), (), True),
    DrugRecord("61000006", "KARDEGIC 75 mg, poudre pour solution buvable en sachet", ("acétylsalicylate de lysine",),
               ("3400930000006",), (), True),
    DrugRecord("61000008", "ANCIEN 5 mg, comprimé", ("ancienne",), ("3400930000008",), (), False),
    DrugRecord("61000009", "CHOSE BOIRON, degré de dilution compris entre 4CH et 30CH", ("chose",), ("3400930000009",),
               (), True),
]
SAMPLES = [
    PosologySample("1 cp matin et soir pendant 5 jours", {"unit": "comprimé", "daily_quantity": 2}),
    PosologySample("1 gélule 3 fois par jour", {"unit": "gélule", "daily_quantity": 3}),
    PosologySample("1 sachet par jour", {"unit": "sachet", "daily_quantity": 1}),
    PosologySample("1-0-1 qsp 3 mois", {"unit": None, "daily_quantity": 2}),
]


def test_only_marketed_products_with_a_strength_and_a_counter_form_are_prescribed() -> None:
    assert {p.record.cis for p in prescribable(RECORDS)} == {"60234100", "61000004", "61000006"}


def test_a_made_up_rpps_carries_a_valid_luhn_key() -> None:
    rng = random.Random(3)

    numbers = [rpps_number(rng) for _ in range(20)]

    assert all(len(n) == 11 and luhn.is_valid(n) for n in numbers)


def test_a_page_has_one_to_eight_lines_whose_posology_fits_the_form() -> None:
    products = prescribable(RECORDS)

    pages = [make_page(random.Random(seed), products, SAMPLES) for seed in range(30)]

    assert all(1 <= len(p.lines) <= 3 for p in pages)  # three products to draw from here
    for line in (line for p in pages for line in p.lines):
        unit = line.expected_posology["unit"]
        assert unit in (None, "comprimé") if line.cis == "60234100" else unit != "comprimé"


def test_pages_and_their_truth_are_written_and_the_same_seed_gives_the_same_pages(tmp_path: Path) -> None:
    first = generate_pages(tmp_path / "a", records=RECORDS, samples=SAMPLES, count=2, seed=7, noise="mild")
    second = generate_pages(tmp_path / "b", records=RECORDS, samples=SAMPLES, count=2, seed=7, noise="mild")

    truth = json.loads(first[0].with_suffix(".json").read_text(encoding="utf-8"))
    assert [p.name for p in first] == [p.name for p in second]
    assert first[0].read_bytes() == second[0].read_bytes()
    assert truth == json.loads(second[0].with_suffix(".json").read_text(encoding="utf-8"))
    assert set(truth) >= {"prescriber", "patient", "date", "lines", "advice", "image", "style"}
    assert truth["lines"][0]["cis"] in {r.cis for r in RECORDS}
    assert Image.open(first[0]).width >= 1600


def test_another_seed_gives_another_prescription(tmp_path: Path) -> None:
    one = generate_pages(tmp_path / "a", records=RECORDS, samples=SAMPLES, count=1, seed=1, noise="clean")[0]
    other = generate_pages(tmp_path / "b", records=RECORDS, samples=SAMPLES, count=1, seed=2, noise="clean")[0]

    assert one.with_suffix(".json").read_text() != other.with_suffix(".json").read_text()
