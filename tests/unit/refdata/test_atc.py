from comptoir.refdata.atc import INFERRED, derive_atc
from comptoir.refdata.bdpm import AtcRow, CompositionRow


def compo(cis: str, code: str, nature: str = "SA") -> CompositionRow:
    return CompositionRow(cis, "comprimé", code, f"SUBSTANCE {code}", "1 mg", "un comprimé", nature, 1)


def test_a_generic_with_the_same_active_substances_gets_the_princeps_atc() -> None:
    mitm = [AtcRow("60000001", "N02BE01", "bdpm_CIS_MITM")]
    compositions = [compo("60000001", "02202"), compo("60000002", "02202")]

    rows = {row.cis: row for row in derive_atc(mitm, compositions)}

    assert rows["60000002"].atc_code == "N02BE01"
    assert rows["60000002"].method == INFERRED


def test_no_atc_is_guessed_when_the_same_substances_point_to_two_codes() -> None:
    mitm = [AtcRow("60000001", "A01AA01", "bdpm_CIS_MITM"), AtcRow("60000003", "B02BB02", "bdpm_CIS_MITM")]
    compositions = [compo("60000001", "111"), compo("60000003", "111"), compo("60000002", "111")]

    rows = {row.cis for row in derive_atc(mitm, compositions)}

    assert "60000002" not in rows


def test_therapeutic_fractions_do_not_change_the_active_set() -> None:
    mitm = [AtcRow("60000001", "C07AB07", "bdpm_CIS_MITM")]
    compositions = [compo("60000001", "1"), compo("60000002", "1"), compo("60000002", "2", nature="FT")]

    rows = {row.cis: row.atc_code for row in derive_atc(mitm, compositions)}

    assert rows["60000002"] == "C07AB07"
