"""Drug search over the full BDPM (the index built from an imported database)."""

import random

import pytest

from comptoir.refdata.search import DrugIndex
from comptoir.services.refdata.drugs import search_drugs, search_index


def names(index: DrugIndex, query: str, limit: int = 5) -> list[str]:
    return [d.name for d in search_drugs(index, query, limit=limit)]


def test_doliprane_1000_puts_doliprane_1000_mg_first(drug_index: DrugIndex) -> None:
    found = names(drug_index, "doliprane 1000")

    assert found[0].startswith("DOLIPRANE 1000 mg")
    assert all("1000" in name for name in found[:4])


def test_a_misspelt_dci_with_strength_finds_amoxicillin_500(drug_index: DrugIndex) -> None:
    found = search_drugs(drug_index, "amoxiciline 500", limit=5)

    assert found
    assert all("amoxicilline" in " ".join(d.substances) for d in found)
    assert all("500 mg" in d.name for d in found)


def test_a_cip13_finds_its_product(drug_index: DrugIndex) -> None:
    found = search_drugs(drug_index, "3400935955838")

    assert [(d.cis, d.name) for d in found] == [("60234100", "DOLIPRANE 1000 mg, comprimé")]
    assert "3400935955838" in found[0].cip13


def test_a_cip7_and_a_cis_find_their_product(drug_index: DrugIndex) -> None:
    assert names(drug_index, "3595583") == ["DOLIPRANE 1000 mg, comprimé"]
    assert names(drug_index, "60234100") == ["DOLIPRANE 1000 mg, comprimé"]


def test_accents_and_case_do_not_matter(drug_index: DrugIndex) -> None:
    assert names(drug_index, "PARACÉTAMOL 500")[:3] == names(drug_index, "paracetamol 500")[:3]


def test_prescription_shorthand_is_understood(drug_index: DrugIndex) -> None:
    found = names(drug_index, "doliprane 1000 gél")

    assert found[0] == "DOLIPRANE 1000 mg, gélule"


def test_a_prefix_of_the_dci_is_enough(drug_index: DrugIndex) -> None:
    found = search_drugs(drug_index, "amox 1 g", limit=5)

    assert all(d.substances[0].startswith("amoxicilline") for d in found)
    assert all(" 1 g" in d.name for d in found)


def test_a_strength_in_grams_matches_milligrams(drug_index: DrugIndex) -> None:
    found = names(drug_index, "paracetamol 1 g", limit=10)

    assert len(found) == 10
    assert all("1 g" in name or "1000 mg" in name for name in found)


def test_the_result_gives_the_substances_fraction_therapeutique_first(drug_index: DrugIndex) -> None:
    found = search_drugs(drug_index, "escitalopram 20", limit=1)[0]

    assert found.substances == ["escitalopram"]


def test_marketed_products_come_first(drug_index: DrugIndex) -> None:
    found = search_drugs(drug_index, "hydroxyzine", limit=30)
    flags = [d.marketed for d in found]

    assert flags == sorted(flags, reverse=True)


def test_an_unknown_query_gives_an_empty_list(drug_index: DrugIndex) -> None:
    assert search_drugs(drug_index, "zzqxwv") == []
    assert search_drugs(drug_index, "3400999999999") == []
    assert search_drugs(drug_index, "   ") == []


def test_the_contract_fields_are_those_of_design(drug_index: DrugIndex) -> None:
    first = search_drugs(drug_index, "kardegic 75", limit=1)[0].contract()

    assert set(first) == {"cis", "name", "substances", "cip13"}
    assert first["substances"] == ["acide acétylsalicylique"]


def some_packs(index: DrugIndex, count: int = 3) -> list[tuple[str, str]]:
    """(CIS, CIP13) of presentations drawn from the loaded reference, each CIP13 belonging to one specialty."""
    owners: dict[str, list[str]] = {}
    for record in index.records:
        for cip13 in record.cip13:
            owners.setdefault(cip13, []).append(record.cis)
    unique = sorted((cises[0], cip13) for cip13, cises in owners.items() if len(cises) == 1)
    return random.Random(11).sample(unique, count)


def scanner_forms(gtin: str) -> list[str]:
    """One pack DataMatrix (expiry 31/05/2027, lot AB12C, serial 9X8Y7Z) as the scanners type it."""
    return [f"01{gtin}17270531" + "10AB12C\x1d219X8Y7Z",          # raw, ASCII 29 after the lot
            f"]d201{gtin}17270531" + "10AB12C\x1d219X8Y7Z",       # with the symbology prefix
            f"(01){gtin}(17)270531(10)AB12C(21)9X8Y7Z",            # human-readable
            f"01{gtin}21" + "9X8Y7Z<GS>1727053110AB12C",         # zxing's text form, other order
            f"01{gtin}17270531" + "10AB12C\\u001d219X8Y7Z",       # a keyboard wedge typing the escape
            f"01{gtin}17270531" + "10AB12C\\x1d219X8Y7Z"]


@pytest.mark.parametrize("form", range(6))
def test_a_scanned_pack_datamatrix_finds_its_specialty_with_lot_expiry_and_serial(drug_index: DrugIndex,
                                                                                   form: int) -> None:
    for cis, cip13 in some_packs(drug_index):
        found = search_index(drug_index, scanner_forms("0" + cip13)[form])

        assert [d.cis for d in found.results] == [cis]
        assert found.pack is not None and found.pack.cip13 == cip13
        assert (found.pack.lot, found.pack.expiry, found.pack.serial) == ("AB12C", "2027-05-31", "9X8Y7Z")


def test_a_pack_code_without_separators_is_read_when_only_its_last_field_varies(drug_index: DrugIndex) -> None:
    (cis, cip13), (other_cis, other_cip13) = some_packs(drug_index, 2)

    with_lot = search_index(drug_index, f"010{cip13}1728020010AB12C")
    with_serial = search_index(drug_index, f"010{other_cip13}17270531219X8Y7Z")

    assert [d.cis for d in with_lot.results] == [cis] and with_lot.pack is not None
    assert (with_lot.pack.lot, with_lot.pack.expiry) == ("AB12C", "2028-02-29")
    assert [d.cis for d in with_serial.results] == [other_cis] and with_serial.pack is not None
    assert with_serial.pack.serial == "9X8Y7Z"


def test_a_pack_code_with_a_wrong_check_digit_says_so_and_finds_nothing(drug_index: DrugIndex) -> None:
    _, cip13 = some_packs(drug_index, 1)[0]
    wrong = cip13[:-1] + str((int(cip13[-1]) + 1) % 10)

    found = search_index(drug_index, f"(01)0{wrong}(17)270531(10)AB12C")

    assert found.results == [] and "clé de contrôle" in found.problem


def test_a_cip7_finds_its_pack(drug_index: DrugIndex) -> None:
    owners: dict[str, list[str]] = {}
    for record in drug_index.records:
        for cip7 in record.cip7:
            owners.setdefault(cip7, []).append(record.cis)
    for cip7, cises in random.Random(5).sample(sorted(owners.items()), 5):
        assert {d.cis for d in search_drugs(drug_index, cip7)} == set(cises)
