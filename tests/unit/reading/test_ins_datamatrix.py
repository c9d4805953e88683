"""The INS DataMatrix: from a scanner string and from an image; bad payloads say what is wrong."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
import zxingcpp
from PIL import Image

from comptoir.domain.identity.ins import InsIdentity, InsOid, InsTraits
from comptoir.reading.barcode_image import UnreadableImage, decode_barcodes
from comptoir.reading.ins_datamatrix import UnreadableDataMatrix, ins_datamatrix_text, parse_ins_datamatrix

DARK = InsIdentity("239088815400243", InsOid.NIR, InsTraits("DARK", "JEANNE MARIE", date(1939, 8, 13), "F", "88154"))
PAYLOAD = ("IS010000000000000000000000S1239088815400243S21.2.250.1.213.1.4.8\x1dS3JEANNE MARIE\x1dS4DARK\x1d"
           "S5FS613-08-1939S788154")


def png_of(text: str) -> bytes:
    image = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.DataMatrix).to_image(scale=6)
    buffer = BytesIO()
    Image.frombytes("L", (image.shape[1], image.shape[0]), bytes(image)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_scanned_payload_gives_the_identity() -> None:
    assert parse_ins_datamatrix(PAYLOAD) == DARK


@pytest.mark.parametrize("separator", ["", "<GS>", "{GS}", "^]"])
def test_the_ways_a_scanner_types_the_separator_are_all_accepted(separator: str) -> None:
    assert parse_ins_datamatrix("]d1" + PAYLOAD.replace("\x1d", separator)) == DARK


def test_a_twenty_character_test_oid_needs_no_separator() -> None:
    identity = InsIdentity("279035121518989", InsOid.TEST,
                           InsTraits("ZOE", "ANNE-SOPHIE MARIE", date(1979, 3, 5), "F", "51215"))

    assert parse_ins_datamatrix(ins_datamatrix_text(identity)) == identity


def test_printing_then_reading_gives_the_same_identity() -> None:
    assert parse_ins_datamatrix(ins_datamatrix_text(DARK)) == DARK


@pytest.mark.parametrize(("payload", "words"), [
    ("01034009302273361722033110ABC", "n'est pas un DataMatrix INS"),
    (PAYLOAD[:60], "le champ S3 manque"),
    (PAYLOAD.replace("13-08-1939", "31-02-1939"), "date de naissance impossible « 31-02-1939 »"),
    (PAYLOAD.replace("S5F", "S5X"), "sexe « X »"),
    (PAYLOAD.replace("1.2.250.1.213.1.4.8", "1.2.3"), "OID inconnu"),
    (PAYLOAD[:-3], "S7 est incomplet"),
])
def test_a_bad_payload_says_what_is_wrong_in_french(payload: str, words: str) -> None:
    with pytest.raises(UnreadableDataMatrix, match=words):
        parse_ins_datamatrix(payload)


def test_an_image_of_the_code_is_decoded() -> None:
    texts = decode_barcodes(png_of(PAYLOAD))

    assert [parse_ins_datamatrix(t) for t in texts] == [DARK]


def test_an_image_without_a_code_gives_nothing_and_a_broken_file_an_error() -> None:
    blank = BytesIO()
    Image.new("L", (120, 120), 255).save(blank, format="PNG")

    assert decode_barcodes(blank.getvalue()) == []
    with pytest.raises(UnreadableImage, match="illisible"):
        decode_barcodes(b"not an image")
