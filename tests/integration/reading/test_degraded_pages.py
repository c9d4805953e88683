"""Reading pages a counter receives beyond clean scans: a bizone ALD prescription, a phone photo, a fax.

The photo and fax pages come from the generator's DEVELOPMENT degradations (the reader was tuned on
such pages): these tests guard what works, they are no blind measure.
"""

from __future__ import annotations

import io
import random
import shutil
from pathlib import Path

import pytest

from comptoir.devtools.paper_prescriptions import drawing
from comptoir.devtools.paper_prescriptions.generator import load_posology_samples, make_page, prescribable
from comptoir.devtools.paper_prescriptions.truth import PageTruth
from comptoir.reading.line_matcher import substance_key
from comptoir.reading.prescription_reader import read_prescription
from comptoir.refdata.search import DrugIndex

CORPUS = Path(__file__).resolve().parents[2] / "data" / "posology_corpus.jsonl"
pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr absent")


def a_page(drug_index: DrugIndex, *, bizone: bool, seed: int = 1) -> tuple[PageTruth, random.Random]:
    """The first made-up page from `seed` on that is (or is not) a bizone prescription."""
    products, samples = prescribable(drug_index.records), load_posology_samples(CORPUS)
    while True:
        rng = random.Random(seed)
        truth = make_page(rng, products, samples)
        if truth.chronic_zones == bizone and len(truth.lines) <= 4:
            return truth, rng
        seed += 1


def drawn(truth: PageTruth, rng: random.Random, noise: str) -> bytes:
    style = drawing.pick_style(rng)
    image = drawing.soil(drawing.draw_page(truth, style, rng), rng, noise, style.dpi)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def molecules(substances: object) -> frozenset[str]:
    assert isinstance(substances, list | tuple)
    return frozenset(substance_key(str(s)) for s in substances)


def test_the_lines_of_the_ald_zone_are_marked_ald(drug_index: DrugIndex) -> None:
    truth, rng = a_page(drug_index, bizone=True)

    result = read_prescription(drawn(truth, rng, "clean"), index=drug_index).contract()

    read = {molecules(line["substances"]): line["ald"] for line in result["lines"]}
    assert read == {molecules(line.substances): line.ald for line in truth.lines}
    assert any(read.values()) and not all(read.values())


@pytest.mark.parametrize("noise", ["photo", "fax"])
def test_a_photographed_or_faxed_page_gives_its_lines(drug_index: DrugIndex, noise: str) -> None:
    truth, rng = a_page(drug_index, bizone=False, seed=40)

    result = read_prescription(drawn(truth, rng, noise), index=drug_index).contract()

    found = {molecules(line["substances"]) for line in result["lines"] if not line["uncertain"]}
    assert found == {molecules(line.substances) for line in truth.lines}
