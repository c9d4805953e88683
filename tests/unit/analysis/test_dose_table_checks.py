"""The daily dose read against the table, as the labels say: adult, elderly, child by weight, child unweighed."""

from __future__ import annotations

from datetime import date

from comptoir.analysis.case import Case, PatientProfile
from comptoir.analysis.doses import dose_findings
from comptoir.analysis.findings import Finding, Level
from comptoir.analysis.items import Item
from comptoir.analysis.reference import Component, Product
from comptoir.reading.posology import parse_posology

TODAY = date(2026, 11, 20)


def line(substance: str, mg: float, posology: str, *, form: str = "comprimé", route: str = "orale") -> Item:
    product = Product(cis="1", name=f"{substance.upper()} {mg:g} mg, {form}", form=form, routes=(route,), atc=None,
                      components=(Component("1", substance, mg, frozenset()),))
    return Item(text=product.name, product=product, posology=parse_posology(posology), line=0)


def patient(age: int, weight: float | None = None) -> Case:
    born = date(TODAY.year - age, 1, 1)
    return Case(today=TODAY, patient=PatientProfile(birth_date=born, weight_kg=weight))


def doses(item: Item, case: Case) -> list[Finding]:
    return [f for f in dose_findings([item], case) if f.kind == "dose"]


def test_metoclopramide_four_times_a_day_is_above_the_30_mg_ceiling() -> None:
    found = doses(line("métoclopramide", 10, "1 cp 4 fois par jour"), patient(45, 70))

    assert [f.level for f in found] == [Level.ASDEC]
    assert "40 mg > maximum 30 mg/j" in found[0].message
    assert "ANSM" in found[0].source and "2014" in found[0].source


def test_metoclopramide_three_times_a_day_is_within_the_label() -> None:
    assert doses(line("métoclopramide", 10, "1 cp 3 fois par jour"), patient(45, 70)) == []


def test_metoclopramide_for_a_light_adult_is_held_to_half_a_milligram_per_kilogram() -> None:
    found = doses(line("métoclopramide", 10, "1 cp 3 fois par jour"), patient(80, 42))

    assert "maximum 21 mg/j (0,5 mg/kg/j pour 42 kg)" in found[0].message


def test_a_20_kg_child_on_3_g_of_amoxicillin_a_day_is_above_100_mg_per_kg() -> None:
    found = doses(line("amoxicilline", 1000, "1 cp matin, midi et soir", form="comprimé dispersible"), patient(6, 20))

    assert [f.level for f in found] == [Level.CI]
    assert "3000 mg > maximum 2000 mg/j (100 mg/kg/j pour 20 kg)" in found[0].message
    assert "RCP CLAMOXYL" in found[0].source


def test_the_same_amoxicillin_is_right_for_an_adult() -> None:
    assert doses(line("amoxicilline", 1000, "1 cp matin, midi et soir"), patient(35, 70)) == []


def test_a_child_without_a_weight_is_said_unchecked_not_passed_in_silence() -> None:
    found = doses(line("amoxicilline", 1000, "1 cp matin, midi et soir"), patient(6))

    assert [f.level for f in found] == [Level.APEC]
    assert "non vérifiée" in found[0].message and "sans poids" in found[0].message
    assert "100 mg/kg/j" in found[0].message


def test_a_child_without_a_weight_above_the_adult_ceiling_is_still_an_overdose() -> None:
    found = doses(line("amoxicilline", 1000, "3 cp 3 fois par jour"), patient(6))

    assert [f.level for f in found] == [Level.CI]


def test_an_80_year_old_on_full_dose_dabigatran_is_above_the_ceiling_from_80() -> None:
    item = line("dabigatran etexilate", 150, "1 gél matin et soir", form="gélule")

    found = doses(item, patient(80, 70))

    assert [f.level for f in found] == [Level.ASDEC]
    assert "300 mg > maximum 220 mg/j (sujet de 80 ans" in found[0].message
    assert doses(item, patient(79, 70)) == []


def test_tramadol_keeps_its_full_dose_until_75() -> None:
    item = line("tramadol", 100, "1 gél 4 fois par jour", form="gélule")

    assert doses(item, patient(70)) == []
    assert [f.level for f in doses(item, patient(76))] == [Level.ASDEC]


def test_the_ceiling_of_one_route_is_not_applied_to_another() -> None:
    rectal = line("diclofénac", 100, "1 suppositoire 2 fois par jour", form="suppositoire", route="rectale")
    skin = line("diclofénac", 100, "1 application 4 fois par jour", form="gel", route="cutanée")

    assert [f.level for f in doses(rectal, patient(50))] == [Level.ASDEC]
    assert doses(skin, patient(50)) == []


def test_below_the_labels_youngest_age_the_dose_is_said_unchecked() -> None:
    found = doses(line("codéine", 30, "1 cp 3 fois par jour"), patient(8, 25))

    assert [f.level for f in found] == [Level.APEC]
    assert "pas de dose avant 12 ans" in found[0].message


def test_colchicine_is_held_to_the_lower_dose_the_ansm_set_in_2023() -> None:
    found = doses(line("colchicine", 1, "1 cp matin et soir"), patient(60, 80))

    assert "2 mg > maximum 1,5 mg/j" in found[0].message
    assert "ANSM" in found[0].source and "2023" in found[0].source


def test_a_light_old_patient_is_held_to_the_lowest_ceiling_that_applies() -> None:
    found = doses(line("hydroxyzine", 25, "1 cp 3 fois par jour"), patient(85, 35))

    assert "75 mg > maximum 50 mg/j (sujet de 85 ans" in found[0].message
