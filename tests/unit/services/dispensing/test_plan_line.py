"""The counter's plan of one line, over a fake catalogue: box, boxes, substitution, narcotics, renewals."""

from __future__ import annotations

from datetime import date

from comptoir.services.dispensing.plan import PlanRequest, plan_line
from tests.fakes.dispensing import FakePlanCatalogue, box, hospital_box, product

TODAY = date(2026, 2, 19)
PRINCEPS_CIS, GENERIC_CIS = "60000001", "60000002"


def catalogue_with_a_princeps_and_its_generic() -> FakePlanCatalogue:
    catalogue = FakePlanCatalogue()
    catalogue.add(product(PRINCEPS_CIS, "PRINCEPS 10 mg, comprimé", "escitalopram"),
                  box(PRINCEPS_CIS, "3400000000011", "plaquette(s) PVC aluminium de 28 comprimé(s)", price=4.68),
                  hospital_box(PRINCEPS_CIS, "3400000000012", "56 plaquette(s) PVC aluminium de 1 comprimé(s)"),
                  text="princeps 10 mg")
    catalogue.add(product(GENERIC_CIS, "GENERIQUE 10 mg, comprimé", "escitalopram"),
                  box(GENERIC_CIS, "3400000000021", "plaquette(s) PVC aluminium de 28 comprimé(s)", price=3.85))
    catalogue.group(**{f"c{PRINCEPS_CIS}": 0, f"c{GENERIC_CIS}": 1})
    return catalogue


def test_the_generic_is_proposed_for_a_substitutable_princeps() -> None:
    catalogue = catalogue_with_a_princeps_and_its_generic()

    planned = plan_line(PlanRequest("princeps 10 mg", posology="1 comprimé par jour pendant 28 jours"),
                        catalogue=catalogue, today=TODAY)

    assert (planned.cip13, planned.boxes, planned.units_per_box, planned.substituted) == ("3400000000021", 1, 28, True)
    assert planned.reason is None


def test_a_valid_non_substitutable_mention_keeps_the_princeps_box() -> None:
    catalogue = catalogue_with_a_princeps_and_its_generic()

    planned = plan_line(PlanRequest("princeps 10 mg", posology="1 comprimé par jour pendant 28 jours",
                                    non_substitutable="CIF"), catalogue=catalogue, today=TODAY)

    assert (planned.cip13, planned.substituted) == ("3400000000011", False)


def test_a_hospital_pack_scanned_at_the_counter_is_replaced_by_a_retail_box() -> None:
    catalogue = catalogue_with_a_princeps_and_its_generic()

    planned = plan_line(PlanRequest("princeps 10 mg", cip13="3400000000012", non_substitutable="CIF",
                                    posology="1 comprimé par jour pendant 28 jours"), catalogue=catalogue, today=TODAY)

    assert planned.cip13 == "3400000000011"
    assert any("collectivités" in w for w in planned.warnings)


def test_an_unknown_drug_is_not_planned_and_says_why() -> None:
    planned = plan_line(PlanRequest("rien de tel"), catalogue=FakePlanCatalogue(), today=TODAY)

    assert planned.cip13 is None and planned.boxes == 0
    assert planned.reason is not None and "rien de tel" in planned.reason


def test_a_renewal_of_a_non_renewable_line_is_not_planned() -> None:
    catalogue = catalogue_with_a_princeps_and_its_generic()

    planned = plan_line(PlanRequest("princeps 10 mg", posology="1 comprimé par jour pendant 28 jours", renewal=1),
                        catalogue=catalogue, today=TODAY)

    assert planned.cip13 is None
    assert planned.reason is not None and "non renouvelable" in planned.reason


def test_a_generic_prescribed_is_kept() -> None:
    catalogue = catalogue_with_a_princeps_and_its_generic()

    planned = plan_line(PlanRequest(GENERIC_CIS, posology="1 comprimé par jour pendant 28 jours"),
                        catalogue=catalogue, today=TODAY)

    assert (planned.cis, planned.substituted) == (GENERIC_CIS, False)


def test_the_princeps_is_kept_when_no_generic_has_a_box_that_fits() -> None:
    catalogue = catalogue_with_a_princeps_and_its_generic()
    catalogue.boxes["3400000000021"] = hospital_box(GENERIC_CIS, "3400000000021", "plaquette(s) de 28 comprimé(s)")

    planned = plan_line(PlanRequest("princeps 10 mg", posology="1 comprimé par jour pendant 28 jours"),
                        catalogue=catalogue, today=TODAY)

    assert (planned.cis, planned.cip13, planned.substituted) == (PRINCEPS_CIS, "3400000000011", False)


def test_mte_outside_the_list_still_substitutes_and_warns() -> None:
    catalogue = catalogue_with_a_princeps_and_its_generic()

    planned = plan_line(PlanRequest("princeps 10 mg", posology="1 comprimé par jour pendant 28 jours",
                                    non_substitutable="MTE"), catalogue=catalogue, today=TODAY)

    assert planned.substituted
    assert any("MTE" in w and "non valable" in w for w in planned.warnings)


def test_alternatives_are_retail_boxes_of_the_group_never_hospital_packs() -> None:
    catalogue = catalogue_with_a_princeps_and_its_generic()

    planned = plan_line(PlanRequest("princeps 10 mg", posology="1 comprimé par jour pendant 28 jours"),
                        catalogue=catalogue, today=TODAY)

    assert [(a.cip13, a.units, a.reimbursement_rate) for a in planned.alternatives] == [("3400000000011", 28, 65)]


def test_a_cip13_written_as_the_drug_is_the_box_given() -> None:
    catalogue = catalogue_with_a_princeps_and_its_generic()
    catalogue.add(product(PRINCEPS_CIS, "PRINCEPS 10 mg, comprimé", "escitalopram"),
                  box(PRINCEPS_CIS, "3400000000013", "plaquette(s) de 84 comprimé(s)", price=12.0))

    planned = plan_line(PlanRequest("3400000000013", posology="1 comprimé par jour pendant 28 jours"),
                        catalogue=catalogue, today=TODAY)

    assert (planned.cip13, planned.boxes, planned.units_per_box, planned.substituted) == ("3400000000013", 1, 84,
                                                                                          False)


def test_a_product_reserved_to_hospitals_is_refused_with_its_reason() -> None:
    catalogue = FakePlanCatalogue()
    catalogue.add(product("61111111", "RESERVE 5 mg", "x", conditions=("réservé à l'usage HOSPITALIER",)),
                  box("61111111", "3400000000031", "plaquette(s) de 30 comprimé(s)"))

    planned = plan_line(PlanRequest("RESERVE 5 mg"), catalogue=catalogue, today=TODAY)

    assert planned.cip13 is None and planned.reason is not None and "usage hospitalier" in planned.reason


def test_a_fractioned_narcotic_gets_the_boxes_of_its_first_fraction() -> None:
    catalogue = FakePlanCatalogue()
    conditions = ("stupéfiants", "prescription limitée à 28 jours", "délivrance fractionnée de 7 jours")
    catalogue.add(product("62222222", "STUPEFIANT 10 mg", "x", conditions=conditions),
                  box("62222222", "3400000000041", "plaquette(s) de 14 comprimé(s)"),
                  box("62222222", "3400000000042", "plaquette(s) de 56 comprimé(s)"))

    planned = plan_line(PlanRequest("STUPEFIANT 10 mg", posology="1 comprimé matin et soir pendant 28 jours"),
                        catalogue=catalogue, today=TODAY)

    assert (planned.cip13, planned.boxes, planned.days) == ("3400000000041", 1, 7)
    assert planned.reason is None and any("fractionnée" in w for w in planned.warnings)


def test_a_posology_in_another_unit_than_the_box_is_said_and_the_prescribed_boxes_kept() -> None:
    catalogue = catalogue_with_a_princeps_and_its_generic()

    planned = plan_line(PlanRequest("princeps 10 mg", posology="10 gouttes par jour pendant 28 jours", boxes=2,
                                    non_substitutable="CIF"), catalogue=catalogue, today=TODAY)

    assert (planned.cip13, planned.boxes) == ("3400000000011", 2)
    assert planned.reason is not None and "goutte" in planned.reason


def catalogue_of_one(label: str, *, atc: str | None = None) -> FakePlanCatalogue:
    catalogue = FakePlanCatalogue()
    catalogue.add(product("63333333", "AMLODIPINE 5 mg, gélule", "amlodipine", atc=atc),
                  box("63333333", "3400000000051", label), text="amlodipine 5 mg")
    return catalogue


def test_three_months_prescribed_are_delivered_a_month_at_a_time_with_the_rule() -> None:
    catalogue = catalogue_of_one("plaquette(s) de 28 gélule(s)")

    planned = plan_line(PlanRequest("amlodipine 5 mg", posology="1 gélule par jour pendant 3 mois"),
                        catalogue=catalogue, today=TODAY)

    assert (planned.boxes, planned.days) == (1, 28)
    assert planned.reason is not None and "CSP R.5123-2" in planned.reason and "au lieu de 4" in planned.reason


def test_a_pack_made_for_three_months_is_given_whole() -> None:
    catalogue = catalogue_of_one("plaquette(s) de 90 gélule(s)")

    planned = plan_line(PlanRequest("amlodipine 5 mg", posology="1 gélule par jour pendant 3 mois"),
                        catalogue=catalogue, today=TODAY)

    assert (planned.boxes, planned.days, planned.reason) == (1, 90, None)


def test_a_contraceptive_is_delivered_for_three_months() -> None:
    catalogue = catalogue_of_one("3 plaquette(s) de 28 comprimé(s)", atc="G03AA07")
    catalogue.boxes["3400000000052"] = box("63333333", "3400000000052", "plaquette(s) de 28 comprimé(s)")

    planned = plan_line(PlanRequest("amlodipine 5 mg", posology="1 comprimé par jour pendant 6 mois"),
                        catalogue=catalogue, today=TODAY)

    assert planned.boxes * (planned.units_per_box or 0) == 84 and planned.days == 84
    assert planned.reason is not None and "trois mois" in planned.reason


def test_a_month_or_less_is_not_capped() -> None:
    catalogue = catalogue_of_one("plaquette(s) de 14 gélule(s)")

    planned = plan_line(PlanRequest("amlodipine 5 mg", posology="1 gélule par jour pendant 28 jours"),
                        catalogue=catalogue, today=TODAY)

    assert (planned.boxes, planned.days, planned.reason) == (2, 28, None)
