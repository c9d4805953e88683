from decimal import Decimal
from pathlib import Path

import pytest

from comptoir.errors import ReferenceFileError
from comptoir.refdata import bdpm

SPECIALTY = ("60234100\tDOLIPRANE 1000 mg, comprimé\tcomprimé\torale\tAutorisation active\tProcédure nationale\t"
             "Commercialisée\t09/07/2002\t\t\t OPELLA HEALTHCARE FRANCE\tNon")
PRESENTATION = ("60234100\t3595583\tplaquette(s) de 8 comprimé(s)\tPrésentation active\tDéclaration de "
                "commercialisation\t01/01/2003\t3400935955838\toui\t65%\t1,16\t2,18\t1,02\t")


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_a_specialty_line(tmp_path: Path) -> None:
    rows = bdpm.read_specialties(write(tmp_path, "CIS_bdpm.txt", SPECIALTY + "\n"))

    assert rows[0].cis == "60234100"
    assert rows[0].marketing_status == "Commercialisée"
    assert rows[0].holders == "OPELLA HEALTHCARE FRANCE"


def test_reads_the_official_windows_1252_encoding(tmp_path: Path) -> None:
    rows = bdpm.read_specialties(write(tmp_path, "CIS_bdpm.txt", SPECIALTY + "\r\n", encoding="cp1252"))

    assert rows[0].name == "DOLIPRANE 1000 mg, comprimé"


def test_prices_use_the_last_comma_as_decimal_separator(tmp_path: Path) -> None:
    line = PRESENTATION.replace("\t1,16\t", "\t1,234,56\t")

    rows = bdpm.read_presentations(write(tmp_path, "CIS_CIP_bdpm.txt", line + "\n"))

    assert rows[0].price_eur == Decimal("1234.56")
    assert rows[0].fees_eur == Decimal("1.02")


def test_an_impossible_year_becomes_an_unknown_date(tmp_path: Path) -> None:
    line = PRESENTATION.replace("01/01/2003", "01/01/2924")

    rows = bdpm.read_presentations(write(tmp_path, "CIS_CIP_bdpm.txt", line + "\n"))

    assert rows[0].marketing_date is None


def test_a_truncated_file_names_the_file_and_the_line(tmp_path: Path) -> None:
    cut = SPECIALTY + "\n" + SPECIALTY[:30]

    with pytest.raises(ReferenceFileError) as raised:
        bdpm.read_specialties(write(tmp_path, "CIS_bdpm.txt", cut))

    assert raised.value.file_name == "CIS_bdpm.txt"
    assert raised.value.line == 2
    assert "CIS_bdpm.txt, ligne 2" in str(raised.value)


def test_a_line_with_missing_columns_is_refused(tmp_path: Path) -> None:
    text = SPECIALTY + "\n" + "\t".join(SPECIALTY.split("\t")[:9]) + "\n"

    with pytest.raises(ReferenceFileError, match="ligne 2 : 9 colonnes au lieu de 12"):
        bdpm.read_specialties(write(tmp_path, "CIS_bdpm.txt", text))


def test_a_malformed_identifier_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReferenceFileError, match="identifiant invalide « 6023X100 »"):
        bdpm.read_specialties(write(tmp_path, "CIS_bdpm.txt", SPECIALTY.replace("60234100", "6023X100") + "\n"))


def test_a_bad_date_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReferenceFileError, match="date invalide « 31/02/2002 »"):
        bdpm.read_specialties(write(tmp_path, "CIS_bdpm.txt", SPECIALTY.replace("09/07/2002", "31/02/2002") + "\n"))


def test_binary_garbage_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReferenceFileError, match="corrompu"):
        bdpm.read_specialties(write(tmp_path, "CIS_bdpm.txt", SPECIALTY + "\n\x00\x00\x00\n"))


def test_composition_nature_must_be_sa_or_ft(tmp_path: Path) -> None:
    line = "60234100\tcomprimé\t02202\tPARACÉTAMOL\t1000 mg\tun comprimé\tXX\t1\n"

    with pytest.raises(ReferenceFileError, match="nature du composant"):
        bdpm.read_compositions(write(tmp_path, "CIS_COMPO_bdpm.txt", line))


def test_reads_the_whole_official_set(reference_data: Path) -> None:
    directory = reference_data / "bdpm"

    specialties = bdpm.read_specialties(directory / "CIS_bdpm.txt")
    presentations = bdpm.read_presentations(directory / "CIS_CIP_bdpm.txt")

    assert len(specialties) == 15848
    assert len(presentations) == 20903
    assert all(len(p.cip13) == 13 and p.cip13.startswith("34009") for p in presentations)
