"""Declared allergies read against the reference's substance classes, indexed once with the reference."""

from __future__ import annotations

from comptoir.analysis.allergy import understand
from comptoir.analysis.reference import AnalysisReference, Component, Product
from comptoir.refdata.search import DrugIndex


def product(cis: str, substance: str, atc: str | None) -> Product:
    return Product(cis=cis, name=f"{substance.upper()} 500 mg, gélule", form="gélule", routes=("orale",), atc=atc,
                   components=(Component(cis, substance, 500.0, frozenset()),))


def reference(*products: Product) -> AnalysisReference:
    return AnalysisReference(index=DrugIndex([]), products={p.cis: p for p in products}, thesaurus=None)


def test_the_reference_indexes_each_substance_by_its_atc_subgroups_when_built() -> None:
    built = reference(product("1", "Amoxicilline", "J01CA04"), product("2", "amoxicilline", "J01CR02"),
                      product("3", "paracétamol", None))

    assert built.substance_classes == {"amoxicilline": ("J01CA", "J01CR")}


def test_a_substance_allergy_takes_the_subgroups_of_the_products_holding_it() -> None:
    built = reference(product("1", "amoxicilline", "J01CA04"), product("2", "céfalexine", "J01DB01"))

    allergy = understand("Amoxicilline ", built)

    assert allergy.substances == frozenset({"amoxicilline"})
    assert allergy.atc == ("J01CA",)


def test_a_substance_the_reference_does_not_know_has_no_class() -> None:
    allergy = understand("iode", reference(product("1", "amoxicilline", "J01CA04")))

    assert allergy.substances == frozenset({"iode"})
    assert allergy.atc == ()


def test_a_class_word_gives_its_atc_prefixes_without_a_substance() -> None:
    allergy = understand("Pénicillines", reference())

    assert allergy.substances == frozenset()
    assert allergy.atc == ("J01C",)
