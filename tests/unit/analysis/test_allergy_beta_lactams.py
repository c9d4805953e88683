"""Penicillins and cephalosporins: a declared allergy to one warns on the other (rare but severe cross-reactivity),
while a penicillin allergy still forbids every penicillin."""

from __future__ import annotations

from datetime import date

from comptoir.analysis.allergy import allergy_findings
from comptoir.analysis.case import Case, PatientProfile
from comptoir.analysis.findings import Finding, Level
from comptoir.analysis.items import Item
from comptoir.analysis.reference import AnalysisReference, Component, Product
from comptoir.refdata.search import DrugIndex


def product(cis: str, substance: str, atc: str | None) -> Product:
    return Product(cis=cis, name=f"{substance.upper()} 500 mg, comprimé", form="comprimé", routes=("orale",), atc=atc,
                   components=(Component(cis, substance, 500.0, frozenset()),))


AMOXICILLIN = product("1", "amoxicilline", "J01CA04")
CEFPODOXIME = product("2", "cefpodoxime", "J01DD13")
CEFUROXIME = product("3", "céfuroxime", "J01DC02")
REFERENCE = AnalysisReference(index=DrugIndex([]), products={p.cis: p for p in (AMOXICILLIN, CEFPODOXIME, CEFUROXIME)},
                              thesaurus=None)


def allergies(drug: Product, *declared: str) -> list[Finding]:
    case = Case(today=date(2026, 11, 20), patient=PatientProfile(allergies=declared))
    return allergy_findings([Item(text=drug.name, product=drug, line=0)], case, REFERENCE)


def test_an_amoxicillin_allergy_warns_on_a_cephalosporin_without_forbidding_it() -> None:
    found = allergies(CEFPODOXIME, "amoxicilline")

    assert [(f.kind, f.level) for f in found] == [("allergy", Level.PE)]
    assert "réactivité croisée" in found[0].message
    assert "RCP" in found[0].source and "SFAR" in found[0].source


def test_the_penicillin_class_warns_on_every_generation_of_cephalosporin() -> None:
    assert [f.level for f in allergies(CEFUROXIME, "Pénicillines")] == [Level.PE]
    assert [f.level for f in allergies(CEFPODOXIME, "pénicilline")] == [Level.PE]


def test_a_cephalosporin_allergy_warns_on_a_penicillin() -> None:
    assert [f.level for f in allergies(AMOXICILLIN, "cefpodoxime")] == [Level.PE]
    assert [f.level for f in allergies(AMOXICILLIN, "céphalosporines")] == [Level.PE]


def test_a_penicillin_allergy_still_forbids_a_penicillin() -> None:
    assert [f.level for f in allergies(AMOXICILLIN, "pénicilline")] == [Level.CI]


def test_a_cephalosporin_the_bdpm_left_without_an_atc_is_known_by_its_name() -> None:
    generic = product("9", "céfixime", None)

    assert [f.level for f in allergies(generic, "amoxicilline")] == [Level.PE]


def test_a_penicillin_allergy_the_reference_cannot_classify_is_known_by_its_name() -> None:
    assert [f.level for f in allergies(CEFPODOXIME, "pivmécillinam")] == [Level.PE]
    assert [f.level for f in allergies(AMOXICILLIN, "cloxacilline")] == [Level.CI]


def test_an_allergy_to_another_antibiotic_family_says_nothing_of_the_beta_lactams() -> None:
    assert allergies(CEFPODOXIME, "clarithromycine") == []
