import pytest

from comptoir.domain.interventions import Intervention, suggested_intervention, suggested_problem
from comptoir.errors import RuleViolation


def test_an_interaction_suggests_the_matching_sfpc_problem() -> None:
    assert suggested_problem("interaction", "CI") == "6.4"
    assert suggested_problem("interaction", "APEC") == "6.1"
    assert suggested_problem("dose", "CI") == "4.1"


def test_a_contraindicated_drug_suggests_stopping_it() -> None:
    assert suggested_intervention("interaction", "CI") == "2"
    assert suggested_intervention("dose", "ASDEC") == "7"


@pytest.mark.parametrize(("problem", "intervention", "outcome"), [("42", "2", None), ("6.4", "9", None),
                                                                  ("6.4", "2", "3")])
def test_unknown_codes_are_refused(problem: str, intervention: str, outcome: str | None) -> None:
    with pytest.raises(RuleViolation):
        Intervention(problem, intervention, outcome)
