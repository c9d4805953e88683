"""Images and PDFs that would cost gigabytes are refused from their header, before anything is decoded."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

from comptoir.reading.barcode_image import UnreadableImage, decode_barcodes
from comptoir.reading.ocr import UnreadableDocument, check_page_sizes, load_pages


def bomb(size: int = 30_000) -> bytes:
    out = BytesIO()
    Image.new("1", (size, size)).save(out, "PNG")
    return out.getvalue()


def test_a_bomb_given_to_the_barcode_reader_is_refused() -> None:
    with pytest.raises(UnreadableImage, match="trop grande"):
        decode_barcodes(bomb())


def test_a_bomb_given_to_the_ocr_is_refused() -> None:
    with pytest.raises(UnreadableDocument, match="trop grande"):
        load_pages(bomb(10_000))


def test_a_pdf_page_of_meters_is_refused_before_it_is_rasterised() -> None:
    pdfinfo = "Pages:          4\nPage    1 size: 595.28 x 841.89 pts (A4)\nPage    2 size: 14400 x 14400 pts\n"

    with pytest.raises(UnreadableDocument, match="démesurée"):
        check_page_sizes(pdfinfo)


def test_a4_and_a_scan_saved_at_72_dpi_are_sensible_pages() -> None:
    check_page_sizes("Page    1 size: 595.28 x 841.89 pts (A4)\nPage    2 size: 2480 x 3508 pts\n")
