from pathlib import Path

import pytest

from comptoir.reading.barcode_image import decode_barcodes
from comptoir.reading.gs1 import PackCode, UnreadablePackCode, looks_like_pack_code, parse_pack_code

EXPECTED = PackCode(gtin="03400933516390", cip13="3400933516390", serial="12345678901", lot="LOT42",
                    expiry="2027-05-31")


@pytest.mark.parametrize("scanned", [
    "]d201034009335163902112345678901\x1d17270531\x1d10LOT42",      # raw, with the symbology prefix
    "01034009335163902112345678901\x1d17270531\x1d10LOT42",         # raw
    "01034009335163902112345678901<GS>17270531<GS>10LOT42",         # zxing-cpp's text form
    "01034009335163902112345678901|17270531|10LOT42",               # keyboard-mode scanner
    "01034009335163902112345678901\\u001d17270531\\u001d10LOT42",   # keyboard wedge typing the escape
    "(01)03400933516390(21)12345678901(17)270531(10)LOT42",         # human-readable
    "0103400933516390172705311012345\x1d2112345678901".replace("1012345", "10LOT42"),  # other AI order
])
def test_reads_a_pack_code_however_the_scanner_sends_it(scanned: str) -> None:
    assert parse_pack_code(scanned) == EXPECTED


def test_an_expiry_on_day_00_is_the_last_day_of_the_month() -> None:
    assert parse_pack_code("(01)03400933516390(17)280200(10)A(21)B").expiry == "2028-02-29"


def test_a_foreign_gtin_has_no_cip13() -> None:
    assert parse_pack_code("(01)04012345678901(21)X").cip13 is None


@pytest.mark.parametrize(("scanned", "why"), [
    ("", "Code vide"),
    ("bonjour", "illisible"),
    ("(01)03400933516391(21)X", "clé de contrôle"),
    ("(17)270531(10)LOT", "code produit"),
])
def test_a_bad_code_is_refused_with_a_clear_reason(scanned: str, why: str) -> None:
    with pytest.raises(UnreadablePackCode, match=why):
        parse_pack_code(scanned)


def test_reads_the_datamatrix_of_a_photo(tmp_path: Path) -> None:
    import numpy as np
    import zxingcpp
    from PIL import Image

    code = zxingcpp.create_barcode("(01)03400933516390(21)12345678901(17)270531(10)LOT42",
                                   zxingcpp.BarcodeFormat.DataMatrix)
    picture = tmp_path / "boite.png"
    Image.fromarray(np.array(code.to_image(scale=6))).save(picture)

    texts = decode_barcodes(picture.read_bytes(), formats="DataMatrix")

    assert parse_pack_code(texts[0]) == EXPECTED


@pytest.mark.parametrize(("typed", "pack"), [
    ("]d201034009335163902112345678901\x1d17270531", True),
    ("(01)03400933516390(17)270531", True),
    ("0103400933516390", True),
    ("21123\x1d0103400933516390", True),
    ("doliprane 1000", False),
    ("3400933516390", False),
    ("3351639", False),
    ("60234100", False),
    ("(01) doliprane", False),
])
def test_a_pack_code_is_told_from_a_name_or_a_bare_code(typed: str, pack: bool) -> None:
    assert looks_like_pack_code(typed) is pack
