"""Thesaurus substance names -> BDPM substances: normalisation rules, synonyms, guards, real data."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from comptoir.refdata.substance_names import (
    SYNONYMS,
    SubstanceMatch,
    coverage,
    fold_name,
    is_element_salt,
    is_pseudo_protagonist,
    is_spelling_variant,
    map_thesaurus_names,
    normalise_substance_name,
    thesaurus_substance_names,
)

COMPO = Path("bdpm") / "CIS_COMPO_bdpm.txt"
PROTAGONISTS = Path("thesaurus") / "ansm_thesaurus_2023-09_protagonists.csv"
MEMBERS = Path("thesaurus") / "ansm_thesaurus_2023-09_class_members.csv"

MIN_MATCHED = 950
"""Measured on the 2023-09 thesaurus and the May 2026 BDPM: 968 of 1,099 names (88.1 %)."""

MIN_RATIO = 0.86


# --- Normalisation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("CHLORHYDRATE D'HYDROXYZINE", "hydroxyzine"),
        ("HYDROXYZINE (DICHLORHYDRATE DE)", "hydroxyzine"),
        ("ESCITALOPRAM (OXALATE D')", "escitalopram"),
        ("OXALATE D’ESCITALOPRAM", "escitalopram"),
        ("AMOXICILLINE TRIHYDRATÉE", "amoxicilline"),
        ("LIDOCAÏNE (CHLORHYDRATE DE) MONOHYDRATÉ", "lidocaine"),
        ("PRAVASTATINE SODIQUE", "pravastatine"),
        ("ÉSOMÉPRAZOLE MAGNÉSIUM TRIHYDRATÉ", "esomeprazole"),
        ("PHOSPHATE SODIQUE DE DEXAMÉTHASONE", "dexamethasone"),
        ("TÉNOFOVIR DISOPROXIL (FUMARATE DE)", "tenofovir disoproxil"),
        ("METFORMINE BASE", "metformine"),
        ("perindopril tert-butylamine", "perindopril"),
        ("sodium (bicarbonate de)", "bicarbonate de sodium"),
        ("SODIUM (CHLORURE DE)", "chlorure de sodium"),
        ("POTASSIUM (CITRATE DE)", "citrate de potassium"),
        ("oxyde d'aluminium", "oxyde d'aluminium"),
        ("acide valproïque", "valproate"),
        ("VALPROATE DE SODIUM", "valproate"),
        ("ALENDRONATE MONOSODIQUE TRIHYDRATÉ", "alendronate"),
        ("NIFLUMIQUE (ACIDE)", "niflumate"),
        ("ACÉTYLSALICYLATE DE DL-LYSINE", "acetylsalicylate"),
        ("MILLEPERTUIS (EXTRAIT SEC DE)", "millepertuis"),
        ("EXTRAIT SEC DE LA SOMMITÉ FLEURIE DE MILLEPERTUIS", "millepertuis"),
        ("GINKGO (FEUILLE DE) (EXTRAIT SEC DE)", "ginkgo"),
        ("HUILE ESSENTIELLE D'EUCALYPTUS", "eucalyptus"),
        ("ADRÉNALINE (VOIE BUCCO-DENTAIRE OU SOUS-CUTANÉE)", "adrenaline"),
        ("CHLORURE DE STRONTIUM (82SR)", "chlorure de strontium 82sr"),
        ("MYCOPHENOLATE MOFETIL", "mycophenolate mofetil"),
        ("MYCOPHÉNOLATE SODIQUE", "mycophenolate"),
    ],
)
def test_normalise_removes_salts_forms_and_preparations(name: str, key: str) -> None:
    assert normalise_substance_name(name) == key
    assert normalise_substance_name(key) == key


def test_fold_unifies_case_accents_ligatures_apostrophes_and_spaces() -> None:
    assert fold_name("  Œstrogènes  CONJUGUÉS ") == "oestrogenes conjugues"
    assert fold_name("D’ HYDROXYZINE") == "d'hydroxyzine"
    assert fold_name("l¿enfant") == "l'enfant"
    assert fold_name("DIMÉTHYLE ( FUMARATE DE)") == "dimethyle (fumarate de)"
    assert fold_name("citrate de gallium [67ga]") == "citrate de gallium (67ga)"


def test_prednisone_and_prednisolone_keep_distinct_keys() -> None:
    assert normalise_substance_name("PREDNISONE") != normalise_substance_name("ACÉTATE DE PREDNISOLONE")


# --- Which thesaurus names are substances ---------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "AUTRES ANTIARYTHMIQUES",
        "FIBRATES (AUTRES)",
        "ALCOOL (BOISSON OU EXCIPIENT)",
        "PAMPLEMOUSSE (JUS ET FRUIT)",
        "MÉDICAMENTS ADMINISTRÉS PAR VOIE ORALE",
        "PRÉSERVATIFS EN LATEX",
    ],
)
def test_pseudo_protagonists(name: str) -> None:
    assert is_pseudo_protagonist(name)


@pytest.mark.parametrize(
    "name", ["HYDROXYZINE", "ALFUZOSINE", "acide acetylsalicylique", "POTASSIUM", "alcool benzylique"]
)
def test_substances_are_not_pseudo_protagonists(name: str) -> None:
    assert not is_pseudo_protagonist(name)


def test_substance_names_drop_pseudo_and_fold_duplicates() -> None:
    names = thesaurus_substance_names(
        ["TENOFOVIR ALAFÉNAMIDE", "ALCOOL (BOISSON OU EXCIPIENT)", "HYDROXYZINE"],
        ["ténofovir alafénamide", "hydroxyzine", "pipéraquine"],
    )
    assert names == ["TENOFOVIR ALAFÉNAMIDE", "HYDROXYZINE", "pipéraquine"]


# --- Mapping on a small table --------------------------------------------------------------

SMALL_BDPM: dict[str, str | tuple[str, ...]] = {
    "1": "CHLORHYDRATE D'HYDROXYZINE",
    "2": "HYDROXYZINE",
    "3": "PREDNISOLONE",
    "4": "ESCITALOPRAM (OXALATE D')",
    "5": ("ACIDE ACÉTYLSALICYLIQUE", "ACÉTYLSALICYLIQUE (ACIDE)"),
    "6": "ACÉTYLSALICYLATE DE DL-LYSINE",
    "7": "SULFATE FERREUX",
    "8": "LOSARTAN POTASSIQUE",
    "9": "CHLORURE DE POTASSIUM",
    "10": "HYPERICUM PERFORATUM POUR PRÉPARATIONS HOMÉOPATHIQUES",
    "11": "COLÉCALCIFÉROL",
    "12": "THIABENDAZOLE",
    "13": ("SEVORANE", "SÉVOFLURANE"),
    "14": "ACÉNOCOUMAROL",
    "15": "FOLINATE DE CALCIUM",
    "16": "CARBONATE DE CALCIUM",
}


@pytest.fixture(scope="module")
def small() -> dict[str, SubstanceMatch]:
    names = [
        "HYDROXYZINE",
        "ESCITALOPRAM",
        "ACIDE ACETYLSALICYLIQUE",
        "acenocoumarol",
        "prednisone",
        "prednisolone",
        "FER",
        "POTASSIUM",
        "CALCIUM",
        "acide folinique",
        "cholecalciferol",
        "TIABENDAZOLE",
        "sevoflurane",
        "hypericum perforatum",
        "ziprasidone",
    ]
    return map_thesaurus_names(names, SMALL_BDPM)


def test_all_salts_of_a_molecule_are_collected(small: dict[str, SubstanceMatch]) -> None:
    assert small["HYDROXYZINE"] == SubstanceMatch("HYDROXYZINE", ("1", "2"), "exact")
    assert small["ESCITALOPRAM"] == SubstanceMatch("ESCITALOPRAM", ("4",), "normalised")
    assert small["ACIDE ACETYLSALICYLIQUE"].bdpm_codes == ("5", "6")
    assert small["acenocoumarol"].bdpm_codes == ("14",)
    assert small["acide folinique"].bdpm_codes == ("15",)


def test_prednisone_never_maps_to_prednisolone(small: dict[str, SubstanceMatch]) -> None:
    assert "prednisone" not in small
    assert small["prednisolone"].bdpm_codes == ("3",)


def test_fuzzy_without_the_rival_name_still_refuses_prednisolone() -> None:
    assert map_thesaurus_names(["PREDNISONE"], {"3": "PREDNISOLONE"}) == {}


def test_elements_map_to_mineral_salts_only(small: dict[str, SubstanceMatch]) -> None:
    assert small["FER"] == SubstanceMatch("FER", ("7",), "synonym")
    assert small["POTASSIUM"].bdpm_codes == ("9",)
    assert small["CALCIUM"].bdpm_codes == ("16",)


def test_synonym_spelling_fuzzy_and_several_spellings(small: dict[str, SubstanceMatch]) -> None:
    assert small["cholecalciferol"] == SubstanceMatch("cholecalciferol", ("11",), "synonym")
    assert small["TIABENDAZOLE"] == SubstanceMatch("TIABENDAZOLE", ("12",), "fuzzy")
    assert small["sevoflurane"].bdpm_codes == ("13",)


def test_homeopathic_stocks_and_unknown_names_are_absent(small: dict[str, SubstanceMatch]) -> None:
    assert "hypericum perforatum" not in small
    assert "ziprasidone" not in small


def test_coverage_counts_folded_names() -> None:
    matches = map_thesaurus_names(["HYDROXYZINE", "hydroxyzine", "ziprasidone"], SMALL_BDPM)
    assert coverage(["HYDROXYZINE", "hydroxyzine", "ziprasidone"], matches) == (1, 2)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("tiabendazole", "thiabendazole", True),
        ("sulfafurazol", "sulfafurazole", True),
        ("colestyramine", "cholestyramine", True),
        ("prednisone", "prednisolone", False),
        ("quinine", "quinidine", False),
        ("estradiol", "estriol", False),
        ("cefalotine", "cefalexine", False),
        ("ciclosporine", "ciclosporine", False),
    ],
)
def test_spelling_variants(first: str, second: str, expected: bool) -> None:
    assert is_spelling_variant(first, second) is expected


def test_element_salt_rule() -> None:
    assert is_element_salt("sulfate ferreux", "fer")
    assert is_element_salt("chlorure de potassium", "potassium")
    assert is_element_salt("phosphate dipotassique", "potassium")
    assert is_element_salt("calcium element", "calcium")
    assert not is_element_salt("chlorure de strontium 82sr", "strontium")
    assert not is_element_salt("polystyrene sulfonate de calcium", "calcium")
    assert not is_element_salt("losartan", "potassium")


def test_synonyms_add_something_normalisation_does_not() -> None:
    for source, targets in SYNONYMS.items():
        for target in targets:
            if not target.endswith(" *"):
                assert normalise_substance_name(source) != normalise_substance_name(target), source


# --- Real data -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bdpm(reference_data: Path) -> dict[str, tuple[str, ...]]:
    names: defaultdict[str, dict[str, None]] = defaultdict(dict)
    with (reference_data / COMPO).open(encoding="utf-8") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            names[fields[2]][fields[3]] = None
    return {code: tuple(spellings) for code, spellings in names.items()}


@pytest.fixture(scope="module")
def thesaurus_names(reference_data: Path) -> list[str]:
    with (reference_data / PROTAGONISTS).open(encoding="utf-8", newline="") as handle:
        headers = [row["name"] for row in csv.DictReader(handle) if row["kind"] != "class"]
    with (reference_data / MEMBERS).open(encoding="utf-8", newline="") as handle:
        members = [row["substance"] for row in csv.DictReader(handle)]
    return thesaurus_substance_names(headers, members)


@pytest.fixture(scope="module")
def real(bdpm: dict[str, tuple[str, ...]], thesaurus_names: list[str]) -> dict[str, SubstanceMatch]:
    return map_thesaurus_names(thesaurus_names, bdpm)


def _codes_named(bdpm: dict[str, tuple[str, ...]], *names: str) -> set[str]:
    wanted = {fold_name(n) for n in names}
    return {code for code, spellings in bdpm.items() if wanted & {fold_name(s) for s in spellings}}


def _codes_of(real: dict[str, SubstanceMatch], folded_name: str) -> set[str]:
    found = [m for name, m in real.items() if fold_name(name) == folded_name]
    assert found, f"{folded_name} is not matched"
    return set(found[0].bdpm_codes)


def test_real_hydroxyzine_and_escitalopram(
    bdpm: dict[str, tuple[str, ...]], real: dict[str, SubstanceMatch]
) -> None:
    hydroxyzine = _codes_named(bdpm, "CHLORHYDRATE D'HYDROXYZINE", "HYDROXYZINE")
    escitalopram = _codes_named(bdpm, "OXALATE D'ESCITALOPRAM", "ESCITALOPRAM (OXALATE D')")
    assert hydroxyzine and hydroxyzine <= _codes_of(real, "hydroxyzine")
    assert escitalopram and escitalopram <= _codes_of(real, "escitalopram")


def test_real_aspirin_and_acenocoumarol(
    bdpm: dict[str, tuple[str, ...]], real: dict[str, SubstanceMatch]
) -> None:
    aspirin = _codes_of(real, "acide acetylsalicylique")
    assert _codes_named(bdpm, "ACIDE ACÉTYLSALICYLIQUE") <= aspirin
    assert _codes_named(bdpm, "ACÉTYLSALICYLATE DE DL-LYSINE") <= aspirin
    assert _codes_named(bdpm, "ACÉNOCOUMAROL") == _codes_of(real, "acenocoumarol")


def test_real_prednisone_is_not_prednisolone(
    bdpm: dict[str, tuple[str, ...]], real: dict[str, SubstanceMatch]
) -> None:
    prednisolone = _codes_named(bdpm, "PREDNISOLONE", "ACÉTATE DE PREDNISOLONE")
    assert prednisolone
    assert not prednisolone & _codes_of(real, "prednisone")


def test_real_potassium_is_not_losartan(
    bdpm: dict[str, tuple[str, ...]], real: dict[str, SubstanceMatch]
) -> None:
    potassium = _codes_of(real, "potassium")
    assert _codes_named(bdpm, "CHLORURE DE POTASSIUM") <= potassium
    assert not _codes_named(bdpm, "LOSARTAN POTASSIQUE") & potassium


def test_real_one_name_per_code_still_maps(bdpm: dict[str, tuple[str, ...]]) -> None:
    single = {code: spellings[0] for code, spellings in bdpm.items()}
    matches = map_thesaurus_names(["hydroxyzine", "ESCITALOPRAM", "ACIDE ACETYLSALICYLIQUE"], single)
    assert set(matches) == {"hydroxyzine", "ESCITALOPRAM", "ACIDE ACETYLSALICYLIQUE"}


def test_real_fuzzy_matches_are_spelling_variants(
    bdpm: dict[str, tuple[str, ...]], real: dict[str, SubstanceMatch]
) -> None:
    for name, match in real.items():
        if match.method == "fuzzy":
            keys = {normalise_substance_name(s) for code in match.bdpm_codes for s in bdpm[code]}
            assert any(is_spelling_variant(normalise_substance_name(name), k) for k in keys), name


def test_real_coverage(thesaurus_names: list[str], real: dict[str, SubstanceMatch]) -> None:
    matched, total = coverage(thesaurus_names, real)
    assert total > 1000
    assert matched >= MIN_MATCHED
    assert matched / total >= MIN_RATIO
    assert not any(is_pseudo_protagonist(name) for name in thesaurus_names)
