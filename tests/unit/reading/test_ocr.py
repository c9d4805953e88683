"""Loading and cleaning a scan before Tesseract: formats, bad files, skew, columns."""

from __future__ import annotations

import io
import shutil

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from comptoir.reading.ocr import Box, OcrWord, UnreadableDocument, load_pages, prepare, skew_angle, split_columns


def text_page(angle: float = 0.0) -> Image.Image:
    image = Image.new("L", (1700, 1100), 255)
    pen = ImageDraw.Draw(image)
    font = ImageFont.load_default(36)
    for row in range(12):
        pen.text((120, 80 + row * 75), "DOLIPRANE 1000 mg cp : 1 cp 3 fois par jour pendant 5 jours", font=font, fill=0)
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def as_bytes(image: Image.Image, kind: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=kind)
    return buffer.getvalue()


def test_png_and_jpeg_give_one_page_each() -> None:
    page = text_page()

    assert len(load_pages(as_bytes(page, "PNG"))) == 1
    assert load_pages(as_bytes(page, "JPEG"))[0].size == page.size


def test_a_file_that_is_no_image_is_refused_clearly() -> None:
    with pytest.raises(UnreadableDocument, match="ni une image"):
        load_pages(b"ceci n'est pas une ordonnance")


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils absent")
def test_a_pdf_with_no_page_is_refused_clearly() -> None:
    empty_pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" \
                b"trailer<</Root 1 0 R>>\n%%EOF\n"

    with pytest.raises(UnreadableDocument, match="aucune page"):
        load_pages(empty_pdf)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils absent")
def test_a_scanned_pdf_gives_its_pages() -> None:
    pages = load_pages(as_bytes(text_page().convert("RGB"), "PDF"))

    assert len(pages) == 1
    assert pages[0].width > 1000


@pytest.mark.parametrize("angle", [-3.0, 2.0])
def test_the_skew_of_a_tilted_page_is_found(angle: float) -> None:
    ink = np.asarray(text_page(angle).convert("L")) < 128

    assert skew_angle(ink) == pytest.approx(angle, abs=0.3)


def test_a_prepared_page_is_straight_black_and_white() -> None:
    prepared, angle = prepare(text_page(2.5).convert("RGB"))

    assert angle == pytest.approx(2.5, abs=0.3)
    assert set(np.unique(np.asarray(prepared))) <= {0, 255}


def test_a_blank_page_has_no_skew() -> None:
    assert skew_angle(np.zeros((100, 100), dtype=bool)) == 0.0


def word(text: str, left: int, width: int) -> OcrWord:
    return OcrWord(text, 0.9, Box(left, 10, width, 30))


def test_one_tesseract_line_across_two_columns_is_cut_in_two() -> None:
    words = [word("Dr", 100, 40), word("Jean", 150, 80), word("MARTIN", 240, 120), word("12", 1200, 40),
             word("rue", 1250, 60)]

    parts = split_columns(words)

    assert [[w.text for w in part] for part in parts] == [["Dr", "Jean", "MARTIN"], ["12", "rue"]]


def test_words_separated_by_a_colon_stay_on_one_line() -> None:
    words = [word("DOLIPRANE", 100, 200), word(":", 320, 10), word("1", 350, 20), word("cp", 380, 40)]

    assert len(split_columns(words)) == 1


def test_a_tilted_page_on_grey_paper_stays_white_with_black_ink() -> None:
    grey = text_page().point(lambda v: 60 if v < 128 else 236).rotate(1.5, expand=True, fillcolor=236)

    prepared, _ = prepare(grey.convert("RGB"))

    ink = np.asarray(prepared) == 0
    assert 0.005 < ink.mean() < 0.3
