"""Lines written as full BDPM denominations, with their form, or with the prescriber's abbreviations, are
identified (issue 17): an unidentified line escapes every check."""

from __future__ import annotations

import re

import pytest

from comptoir.analysis.reference import AnalysisReference
from comptoir.analysis.resolve import resolve, spelt_out


def denominations(reference: AnalysisReference, every: int = 97) -> list[str]:
    """Every 97th denomination of the loaded reference holding a form after its comma."""
    names = sorted(p.name for p in reference.products.values() if "," in p.name)
    return names[::every]


def test_every_full_denomination_with_its_form_is_its_own_product(analysis_reference: AnalysisReference) -> None:
    wrong = [name for name in denominations(analysis_reference)
             if (found := resolve(name, analysis_reference).product) is None or found.name != name]

    assert wrong == []


def test_a_denomination_without_its_brackets_or_comma_keeps_its_substances(
        analysis_reference: AnalysisReference) -> None:
    wrong = []
    for name in denominations(analysis_reference):
        product = next(p for p in analysis_reference.products.values() if p.name == name)
        written = re.sub(r"\([^)]*\)", " ", name).replace(",", " ").lower()
        found = resolve(written, analysis_reference).product
        if found is None or set(found.substance_names) != set(product.substance_names):
            wrong.append(written)

    assert len(wrong) <= len(denominations(analysis_reference)) // 50


@pytest.mark.parametrize(("written", "expected"), [
    ("DOLIPRANE 1000 mg cp", "DOLIPRANE 1000 mg, comprimé"),
    ("KEPPRA 100 mg/ml sol buv", "KEPPRA 100 mg/ml, solution buvable"),
    ("XATRAL LP 10 mg cp", "XATRAL LP 10 mg, comprimé à libération prolongée"),
])
def test_prescriber_abbreviations_are_spelt_out(written: str, expected: str,
                                                analysis_reference: AnalysisReference) -> None:
    if not any(p.name == expected for p in analysis_reference.products.values()):
        pytest.fail(f"{expected} is no longer in the test reference")
    found = resolve(written, analysis_reference).product

    assert found is not None and found.name == expected


def test_a_powder_in_sachets_written_with_its_form_is_amoxicillin(analysis_reference: AnalysisReference) -> None:
    found = resolve("AUGMENTIN 1 g/125 mg pdre pour susp buv en sachet-dose adultes", analysis_reference).product

    assert found is not None and "amoxicilline" in " ".join(found.substance_names)
    assert "sachet" in found.name


def test_abbreviations_are_spelt_out_word_by_word() -> None:
    assert spelt_out("Amoxicilline 500 mg gél, susp buv LP") == (
        "amoxicilline 500 mg gel suspension buvable a liberation prolongee")
