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
