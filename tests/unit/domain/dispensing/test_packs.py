"""Which box the counter gives: the BDPM labels read, hospital packs left out, the least left over."""

from __future__ import annotations

import pytest

from comptoir.domain.dispensing.packs import Need, Presentation, choose_pack, pack_size, parse_pack, plan_boxes


def box(cip13: str, label: str, *, price: float | None = 2.0, rate: str = "65%", collectivities: str = "oui",
        marketing_state: str = "Déclaration de commercialisation", status: str = "Présentation active") -> Presentation:
    return Presentation(cip13=cip13, cis="60000001", label=label, status=status, marketing_state=marketing_state,
                        collectivities=collectivities, reimbursement_rate=rate, price_eur=price)


@pytest.mark.parametrize(("label", "units"), [
    ("plaquette(s) PVC aluminium de 28 comprimé(s)", 28),
    ("plaquette(s) thermoformée(s) PVC-aluminium de 8  comprimé(s)", 8),
    ("2 plaquettes de 14 gélules", 28),
    ("56 plaquette(s) PVC polyéthylène PVDC aluminium de 1 comprimé(s)", 56),
    ("28 plaquette(s) PVC PVDC aluminium avec fermeture de sécurité enfant de 1 comprimé(s)", 28),
    ("30 sachets", 30),
    ("28 (4 x7) sachet(s) BoPET : polyéthylène téréphtalate", 28),
    ("boîte de 4 stylos pré-remplis", 4),
    ("4 dispositif(s) transdermique(s)", 4),
    ("plaquette(s) PVC de 30 x 1 comprimés (dose unitaire)", 30),
    ("plaquettes aluminium de  90 (3 x 30) comprimés, (conditionnement multiple)", 90),
    ("16 comprimés conditionnés en 4 plaquettes PVC de 4 comprimés suremballées", 16),
    ("3 plaquette(s) PVC-Aluminium de 24 comprimé(s) blancs et de 4 comprimé(s) jaunes placebo", 84),
    ("1 plaquette(s) PVC de 21 comprimé(s) - 1 plaquette(s) PVC de 7 comprimé(s)", 28),
    ("1 flacon(s) pressurisé(s) aluminium de 200 dose(s) avec valve doseuse", 200),
])
def test_a_label_gives_the_dose_units_of_one_box(label: str, units: int) -> None:
    assert pack_size(label) == units


@pytest.mark.parametrize("label", ["1 flacon de 100 ml", "10 ampoule(s) en verre de 5 ml",
                                   "1 tube(s) aluminium de 30 g", "plaquette(s) PVC de 90", "évaporateur fixe acier"])
def test_a_box_measured_in_volume_or_mass_has_no_dose_count(label: str) -> None:
    assert pack_size(label) is None


def test_a_bottle_is_counted_in_ml_and_ampoules_in_either_unit() -> None:
    bottle, ampoules = parse_pack("1 flacon de 100 ml"), parse_pack("10 ampoule(s) en verre de 5 ml")

    assert bottle is not None and ampoules is not None
    assert bottle.amount_in("ml") == 100 and bottle.amount_in("comprimé") is None
    assert ampoules.amount_in("ampoule") == 10 and ampoules.amount_in("ml") == 50


def test_a_posology_without_unit_counts_the_box_own_solid_units_only() -> None:
    tablets, syrup = parse_pack("plaquette(s) de 28 comprimé(s)"), parse_pack("1 flacon de 150 ml")

    assert tablets is not None and syrup is not None
    assert tablets.amount_in(None) == 28
    assert syrup.amount_in(None) is None


def test_a_puff_is_a_dose_of_an_inhaler() -> None:
    inhaler = parse_pack("1 flacon(s) pressurisé(s) aluminium de 200 dose(s)")

    assert inhaler is not None and inhaler.amount_in("bouffée") == 200


def test_a_hospital_pack_is_never_chosen_even_when_it_fits_best() -> None:
    retail = box("3400935955838", "plaquette(s) PVC-aluminium de 8 comprimé(s)", price=1.16)
    hospital = box("3400956369553", "plaquette(s) PVC-aluminium de 100 comprimé(s)", price=None, rate="")

    chosen = choose_pack([hospital, retail], Need(units=100, unit="comprimé"))

    assert chosen.pack == retail and chosen.boxes == 13


def test_the_box_with_the_least_left_over_wins_then_the_fewest_boxes() -> None:
    small, month, big = (box("1", "plaquette(s) de 8 comprimé(s)"), box("2", "plaquette(s) de 28 comprimé(s)"),
                         box("3", "plaquette(s) de 30 comprimé(s)"))

    assert choose_pack([small, month, big], Need(units=28, unit="comprimé")).pack == month
    assert choose_pack([small, month, big], Need(units=16, unit="comprimé")).pack == small
    sixteen = box("4", "plaquette(s) de 16 comprimé(s)")
    chosen = choose_pack([small, sixteen], Need(units=15, unit="comprimé"))
    assert (chosen.pack, chosen.boxes, chosen.left_over) == (sixteen, 1, 1)


def test_a_reimbursed_box_comes_before_an_unreimbursed_one_that_fits_better() -> None:
    reimbursed = box("1", "plaquette(s) de 30 comprimé(s)")
    unreimbursed = box("2", "plaquette(s) de 28 comprimé(s)", price=None, rate="", collectivities="non")

    assert choose_pack([unreimbursed, reimbursed], Need(units=28, unit="comprimé")).pack == reimbursed


def test_stopped_and_abrogated_presentations_are_not_candidates() -> None:
    stopped = box("1", "plaquette(s) de 28 comprimé(s)", marketing_state="Déclaration d'arrêt de commercialisation")
    abrogated = box("2", "plaquette(s) de 28 comprimé(s)", status="Présentation abrogée")
    marketed = box("3", "plaquette(s) de 30 comprimé(s)")

    assert choose_pack([stopped, abrogated, marketed], Need(units=28, unit="comprimé")).pack == marketed


def test_without_posology_the_smallest_reimbursed_box_once_or_as_prescribed() -> None:
    packs = [box("1", "plaquette(s) de 90 comprimé(s)"), box("2", "plaquette(s) de 30 comprimé(s)"),
             box("3", "plaquette(s) de 10 comprimé(s)", price=None, rate="", collectivities="non")]

    assert (choose_pack(packs, Need()).pack, choose_pack(packs, Need()).boxes) == (packs[1], 1)
    assert choose_pack(packs, Need(boxes=3)).boxes == 3


def test_units_that_do_not_match_are_said_not_converted() -> None:
    tablets = box("1", "plaquette(s) de 28 comprimé(s)")

    chosen = choose_pack([tablets], Need(units=30, unit="ml", boxes=2))

    assert chosen.pack == tablets and chosen.boxes == 2
    assert chosen.reason is not None and "ml" in chosen.reason and "comprimé" in chosen.reason


def test_only_hospital_packs_leave_nothing_to_give() -> None:
    chosen = choose_pack([box("1", "plaquette(s) de 100 comprimé(s)", price=None, rate="")], Need(units=10))

    assert chosen.pack is None and chosen.reason is not None and "collectivités" in chosen.reason


def test_a_given_box_is_planned_for_the_need_in_its_units() -> None:
    syrup = box("1", "1 flacon(s) en verre de 100 ml")

    planned = plan_boxes(syrup, Need(units=150, unit="ml"))

    assert (planned.boxes, planned.left_over) == (2, 50)
