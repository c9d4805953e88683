"""What a phone photo or a fax does to a page, undone before Tesseract (Pillow and numpy only).

- A photo shows the page on a table, seen at an angle: the page (brighter than what surrounds it) is
  found, its four corners taken as the extremes of x + y and x − y, and the quadrilateral mapped back to
  a rectangle (a projective transform).
- A curled page bows its rows: once flat, the page's top and bottom edges are followed column by column
  and each column stretched so that both edges become straight (a smooth fit, so text does not drag it).
- A fax is 1-bit, 100 to 200 dpi, dithered, with streaks along the paper: the streaks (rows almost all
  black) are whitened, isolated dots removed, and the page smoothed into grey levels before it is enlarged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter

FIND_WIDTH = 400
"""The page is looked for on a copy this wide: its edges need no more, and it costs milliseconds."""
MIN_PAGE_SHARE, MAX_PAGE_SHARE = 0.3, 0.93
"""A page filling less than this share of the photo is not what was photographed; more, and there is no
table around it to find its edges by (a scan): it is left as it is."""
MIN_SURROUND_DARK = 0.6
"""The share of the photo's outer border darker than the page: a page on a table has it, a scan not."""
CURL_MIN_PX = 2.0
"""A bow of the edges under this (on the search copy) is noise of the edge, not a curl."""
FAX_BLUR_AT_200_DPI, A4_WIDTH_AT_200_DPI = 1.2, 1654
STREAK_INK = 0.6
"""A row of a fax this black across the page is a streak of the machine, not text."""


@dataclass(frozen=True, slots=True)
class Quad:
    """A page's corners in the photo: top-left, top-right, bottom-right, bottom-left, as (x, y)."""

    corners: tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]

    def size(self) -> tuple[int, int]:
        (tlx, tly), (trx, try_), (brx, bry), (blx, bly) = self.corners
        width = (np.hypot(trx - tlx, try_ - tly) + np.hypot(brx - blx, bry - bly)) / 2
        height = (np.hypot(blx - tlx, bly - tly) + np.hypot(brx - trx, bry - try_)) / 2
        return round(width), round(height)


def flatten_photo(gray: Image.Image) -> Image.Image:
    """The page alone, square and flat, if the image is a photo of a page on something darker; else as is."""
    quad = find_page(gray)
    if quad is None:
        return gray
    return uncurl(rectify(gray, quad))


def find_page(gray: Image.Image) -> Quad | None:
    """The corners of the page in a photo, or None when no page stands out from its surroundings."""
    scale = gray.width / FIND_WIDTH
    paper = _paper_mask(gray.resize((FIND_WIDTH, max(1, round(gray.height / scale))), Image.Resampling.BOX))
    share = float(paper.mean())
    border = np.concatenate([paper[0], paper[-1], paper[:, 0], paper[:, -1]])
    if not MIN_PAGE_SHARE <= share <= MAX_PAGE_SHARE or 1.0 - float(border.mean()) < MIN_SURROUND_DARK:
        return None
    ys, xs = np.nonzero(paper)
    total, difference = xs + ys, xs - ys
    picks = (np.argmin(total), np.argmax(difference), np.argmax(total), np.argmin(difference))
    if any(not (1 <= xs[i] < paper.shape[1] - 2 and 1 <= ys[i] < paper.shape[0] - 2) for i in picks):
        return None  # a corner on the photo's edge: the page runs off it, its corners are not seen
    corners = tuple((float(xs[i] + 0.5) * scale, float(ys[i] + 0.5) * scale) for i in picks)
    return Quad(corners)  # type: ignore[arg-type]  # four pairs, as `picks`


def _paper_mask(small: Image.Image) -> npt.NDArray[np.bool_]:
    """The bright region: the text blurred into the paper, then an opening against the table's glints.

    The cut is set nearer the table's grey (the photo's outer ring) than the paper's: a shadow darkens
    part of the page, and an even split of the histogram would hand that part to the table.
    """
    blurred = np.asarray(small.filter(ImageFilter.GaussianBlur(2)), dtype=np.float64)
    ring = np.concatenate([blurred[:2].ravel(), blurred[-2:].ravel(), blurred[:, :2].ravel(), blurred[:, -2:].ravel()])
    table, paper = float(np.median(ring)), float(np.percentile(blurred, 90))
    bright = Image.fromarray((blurred > table + 0.35 * (paper - table)).astype(np.uint8) * 255)
    opened = bright.filter(ImageFilter.MinFilter(5)).filter(ImageFilter.MaxFilter(5))
    return np.asarray(opened) > 127


def rectify(gray: Image.Image, quad: Quad) -> Image.Image:
    """The quadrilateral mapped to an upright rectangle of the same size."""
    width, height = quad.size()
    target = [(0.0, 0.0), (float(width), 0.0), (float(width), float(height)), (0.0, float(height))]
    return gray.transform((width, height), Image.Transform.PERSPECTIVE, homography(target, list(quad.corners)),
                          resample=Image.Resampling.BICUBIC, fillcolor=255)


def homography(source: list[tuple[float, float]], target: list[tuple[float, float]]) -> tuple[float, ...]:
    """The 8 coefficients of the projective map taking each `source` point to its `target` point (Pillow's
    PERSPECTIVE data, which maps the result's pixels to the input's)."""
    rows, values = [], []
    for (x, y), (u, v) in zip(source, target, strict=True):
        rows += [[x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y], [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y]]
        values += [u, v]
    return tuple(float(c) for c in np.linalg.solve(np.array(rows), np.array(values)))


def uncurl(page: Image.Image) -> Image.Image:
    """Each column stretched between the page's top and bottom edges, when those edges bow."""
    scale = page.width / FIND_WIDTH
    small = page.resize((FIND_WIDTH, max(2, round(page.height / scale))), Image.Resampling.BOX)
    paper = _paper_mask(small) if _has_dark_edges(small) else None
    if paper is None:
        return page
    top, bottom = _edge(paper, from_top=True), _edge(paper, from_top=False)
    if max(np.ptp(top), np.ptp(bottom)) < CURL_MIN_PX:
        return page
    columns = np.linspace(0, FIND_WIDTH - 1, page.width)
    top_px = np.interp(columns, np.arange(FIND_WIDTH), top) * scale
    bottom_px = np.interp(columns, np.arange(FIND_WIDTH), bottom + 1) * scale
    rows = np.arange(page.height, dtype=np.float64)[:, None] / page.height
    source = np.clip(np.round(top_px[None, :] + rows * (bottom_px - top_px)[None, :]), 0, page.height - 1)
    pixels = np.asarray(page)
    return Image.fromarray(pixels[source.astype(np.intp), np.arange(page.width)[None, :]])


def _has_dark_edges(small: Image.Image) -> bool:
    """Some table left along the top or bottom edge: the mark of a bowed edge once the corners are squared."""
    pixels = np.asarray(small, dtype=np.float64)
    edges = np.concatenate([pixels[:2].ravel(), pixels[-2:].ravel()])
    return bool(np.mean(edges < 0.6 * np.percentile(pixels, 90)) > 0.05)


def _edge(paper: npt.NDArray[np.bool_], *, from_top: bool) -> npt.NDArray[np.float64]:
    """The first paper row of each column from the top (or the last from the bottom), fitted smooth."""
    height = paper.shape[0]
    band = paper[: height // 6] if from_top else paper[height - height // 6:][::-1]
    found = np.argmax(band, axis=0).astype(np.float64)
    columns = np.arange(paper.shape[1], dtype=np.float64)
    inside = band.any(axis=0)  # a column of table only (beside the page) says nothing of the edge
    if inside.sum() < paper.shape[1] // 2:
        return np.full(paper.shape[1], 0.0 if from_top else height - 1.0)
    kept = inside
    for _ in range(2):  # refit without the columns a letter or a glint pulled off the curve
        fitted = np.polyval(np.polyfit(columns[kept], found[kept], 2), columns)
        kept = inside & (np.abs(found - fitted) <= 3)
        if kept.sum() < paper.shape[1] // 2:
            return np.full(paper.shape[1], 0.0 if from_top else height - 1.0)
    return np.asarray(fitted if from_top else height - 1 - fitted, dtype=np.float64)


def is_fax(image: Image.Image) -> bool:
    """Black and white only: a 1-bit file, or grey levels that are all near black or white."""
    if image.mode == "1":
        return True
    small = np.asarray(image.convert("L").resize((max(1, image.width // 4), max(1, image.height // 4)),
                                                 Image.Resampling.NEAREST))
    return bool(np.mean((small > 40) & (small < 215)) < 0.002)


def clean_fax(gray: Image.Image) -> Image.Image:
    """Streaks whitened, dithering and lone dots smoothed into grey (to be enlarged, then thresholded)."""
    pixels = np.asarray(gray).copy()
    ink = pixels < 128
    pixels[ink.mean(axis=1) > STREAK_INK, :] = 255
    pixels[:, ink.mean(axis=0) > STREAK_INK] = 255
    # A blur rather than a median: at 100 dpi a median eats the strokes with the dots. Blurred over about a
    # stroke's width, dithered strokes merge into solid grey while lone dots fade to light grey; the blur
    # follows the resolution (an A4 fax is 827 px wide at 100 dpi, 1654 at 200).
    sigma = max(0.6, FAX_BLUR_AT_200_DPI * gray.width / A4_WIDTH_AT_200_DPI)
    return Image.fromarray(pixels).filter(ImageFilter.GaussianBlur(sigma))


def otsu_threshold(gray: Image.Image) -> int:
    """The grey level that best splits the histogram in two (ink and paper, or paper and table)."""
    histogram = np.asarray(gray.histogram()[:256], dtype=np.float64)
    total = histogram.sum()
    levels = np.arange(256, dtype=np.float64)
    weight = np.cumsum(histogram)
    mean = np.cumsum(histogram * levels)
    split = (weight > 0) & (weight < total)
    with np.errstate(divide="ignore", invalid="ignore"):
        between = np.where(split, (mean[-1] * weight / total - mean) ** 2 / (weight * (total - weight)), 0.0)
    # A page of one grey (blank, or all black) has no ink/paper split: nothing is ink.
    return int(np.argmax(between)) + 1 if between.max() > 0 else 0
