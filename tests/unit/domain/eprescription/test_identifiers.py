from __future__ import annotations

import pytest

from comptoir.domain.eprescription.identifiers import check_am, check_finess, check_rpps, is_prescription_id


@pytest.mark.parametrize("rpps", ["99900038441", "10000001916", "10000005479", "100 0000 1916"])
def test_accepts_rpps_whose_luhn_key_is_right(rpps: str) -> None:
    assert check_rpps(rpps).key_valid


def test_a_wrong_rpps_key_is_a_warning_not_a_malformed_number() -> None:
    check = check_rpps("10003456789")

    assert check.well_formed and not check.key_valid
    assert "Luhn" in check.warning


def test_refuses_an_rpps_of_the_wrong_length() -> None:
    assert not check_rpps("1234").well_formed and check_rpps("1234").warning == ""


@pytest.mark.parametrize("finess", ["750712184", "690781810", "130786049", "330781196", "590064036"])
def test_accepts_real_finess(finess: str) -> None:
    assert check_finess(finess).key_valid


def test_the_cnam_example_am_passes() -> None:
    assert check_am("991118019").key_valid


@pytest.mark.parametrize(("value", "valid"), [("01S2TBPZ2JCNZZYGHZ", True), ("202106180921110040", True),
                                              ("01s2tbpz2jcnzzyghz", False), ("01S2TBPZ2JCNZZYGH", False),
                                              ("01S2TBPZ2JCNZZYGH!", False)])
def test_prescription_ids_are_18_upper_case_alphanumerics(value: str, valid: bool) -> None:
    assert is_prescription_id(value) is valid
