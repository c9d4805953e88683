"""Which products a prescriber's line names, on the real reference: one, several to choose from, or none."""

from __future__ import annotations

import pytest

from comptoir.analysis.reference import AnalysisReference
from comptoir.services.eprescription.product_choice import choose_product


@pytest.mark.parametrize("text", ["AMLOR 5 mg, gélule", "METFORMINE BIOGARAN 1000 mg", "LEVOTHYROX 50 microgrammes",
                                  "SKENAN L.P. 30 mg", "oxycodone 10 mg gélule", "doliprane 1000 cp", "efferalgan 500"])
def test_a_text_naming_one_product_is_not_ambiguous(text: str, analysis_reference: AnalysisReference) -> None:
    chosen = choose_product(text, analysis_reference)
    assert chosen.product is not None and not chosen.ambiguous


def test_a_brand_without_strength_offers_each_strength_and_route(analysis_reference: AnalysisReference) -> None:
    chosen = choose_product("doliprane", analysis_reference)

    names = [p.name for p in chosen.candidates]
    assert chosen.ambiguous and chosen.product is not None and chosen.product.name == names[0]
    assert {"DOLIPRANE 500 mg, gélule", "DOLIPRANE 1000 mg, comprimé", "DOLIPRANE 150 mg, suppositoire"} <= set(names)
    assert all(n.startswith("DOLIPRANE") for n in names)  # never another molecule


def test_a_dci_without_strength_leaves_out_the_combinations(analysis_reference: AnalysisReference) -> None:
    names = [p.name for p in choose_product("paracetamol", analysis_reference).candidates]
    assert names and not any("TRAMADOL" in n or "CODEINE" in n for n in names)


def test_a_code_names_one_product_and_nothing_names_none(analysis_reference: AnalysisReference) -> None:
    picked = choose_product("doliprane", analysis_reference).candidates[1]

    assert choose_product(picked.cis, analysis_reference).product == picked
    assert not choose_product(picked.cis, analysis_reference).ambiguous
    assert choose_product("Xyzzyfantaisie", analysis_reference).product is None
