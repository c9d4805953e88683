"""Undoing a phone photo or a fax before Tesseract: the page found, squared, flattened; the fax cleaned."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from comptoir.reading.image_cleanup import clean_fax, find_page, flatten_photo, homography, is_fax, uncurl
from comptoir.reading.ocr import _ink_mask, prepare, skew_angle

TABLE = 60


def text_page(width: int = 1240, height: int = 1754) -> Image.Image:
    page = Image.new("L", (width, height), 235)
    pen = ImageDraw.Draw(page)
    font = ImageFont.load_default(30)
    for row in range(18):
        pen.text((110, 120 + row * 80), "AMOXICILLINE 1 g cp : 1 cp matin et soir pendant 6 jours", font=font, fill=20)
    return page


def on_a_table(page: Image.Image, margin: int = 120) -> Image.Image:
    table = Image.new("L", (page.width + 2 * margin, page.height + 2 * margin), TABLE)
    table.paste(page, (margin, margin))
    return table


def warped(image: Image.Image, seen: list[tuple[float, float]]) -> Image.Image:
    width, height = image.size
    corners = [(0.0, 0.0), (float(width), 0.0), (float(width), float(height)), (0.0, float(height))]
    # Pillow maps the result's pixels to the input's: the page's corners land on `seen`.
    return image.transform(image.size, Image.Transform.PERSPECTIVE, homography(seen, corners),
                           resample=Image.Resampling.BILINEAR, fillcolor=TABLE)


def test_the_corners_of_a_photographed_page_are_found() -> None:
    photo = on_a_table(text_page(), margin=0)
    seen = [(140.0, 90.0), (1130.0, 160.0), (1190.0, 1700.0), (60.0, 1620.0)]

    quad = find_page(warped(photo, seen))

    assert quad is not None
    for (x, y), (true_x, true_y) in zip(quad.corners, seen, strict=True):
        assert abs(x - true_x) < 15 and abs(y - true_y) < 15


def test_a_flat_scan_is_left_as_it_is() -> None:
    scan = text_page().point(lambda v: 255 if v > 128 else 0)

    assert find_page(scan) is None
    assert flatten_photo(scan) is scan


def test_a_squared_page_has_straight_rows_again() -> None:
    photo = on_a_table(text_page(), margin=0)
    seen = [(100.0, 60.0), (1150.0, 120.0), (1200.0, 1720.0), (40.0, 1650.0)]

    flat = flatten_photo(warped(photo, seen))

    assert abs(skew_angle(_ink_mask(flat))) < 0.5
    assert abs(flat.width / flat.height - 1240 / 1754) < 0.03


def test_a_bowed_page_comes_back_flat() -> None:
    page = on_a_table(text_page(), margin=40)
    pixels = np.asarray(page)
    width = pixels.shape[1]
    bow = np.round(30 * np.sin(np.pi * np.arange(width) / (width - 1))).astype(int)
    rows = np.clip(np.arange(pixels.shape[0])[:, None] - bow[None, :], 0, pixels.shape[0] - 1)
    bent = Image.fromarray(pixels[rows, np.arange(width)[None, :]])

    flat = np.asarray(uncurl(bent)) < 40  # the ink, not the table

    left, middle = flat[:, 200:260], flat[:, width // 2 - 30:width // 2 + 30]
    first_ink = (int(np.argmax(left.any(axis=1))), int(np.argmax(middle.any(axis=1))))
    assert abs(first_ink[0] - first_ink[1]) <= 6


def test_a_page_skewed_four_degrees_comes_back_within_half_a_degree() -> None:
    page = text_page().rotate(4.0, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=235)

    prepared, angle = prepare(page)

    assert abs(angle - 4.0) < 0.5
    assert abs(skew_angle(_ink_mask(prepared))) < 0.5


def fax_of(page: Image.Image) -> Image.Image:
    small = page.resize((page.width // 2, page.height // 2), Image.Resampling.BOX)
    binary = np.asarray(small.convert("1"), dtype=np.uint8) * 255
    binary[300:302, :] = 0  # a streak of the machine
    return Image.fromarray(binary).convert("1")


def test_a_fax_is_told_from_a_grey_scan() -> None:
    assert is_fax(fax_of(text_page()))
    assert not is_fax(text_page())


def test_a_fax_streak_is_whitened_and_its_text_kept() -> None:
    cleaned = np.asarray(clean_fax(fax_of(text_page()).convert("L")))

    assert cleaned[300].mean() > 200
    assert (cleaned[60:100] < 128).sum() > 500  # the first row of text is still there


def test_a_low_resolution_fax_is_enlarged_for_tesseract() -> None:
    prepared, _ = prepare(fax_of(text_page()))

    assert prepared.width >= 1650
