"""Drug search over the full BDPM (the index built from an imported database)."""

from comptoir.refdata.search import DrugIndex
from comptoir.services.refdata.drugs import search_drugs


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
