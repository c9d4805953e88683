"""From a scan to words with their boxes: load (PNG, JPEG, scanned PDF), clean, read with Tesseract in French.

Cleaning follows what a scanner's driver would do before an OCR engine: grey levels; a photographed page
cut from its surroundings, squared and flattened, or a fax cleaned of its streaks and dithering
(`image_cleanup`); a low-resolution page enlarged; an even background (phone photos have shadows); the
page put straight (Tesseract's line finder loses words beyond a degree or two of skew), then a global
threshold.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytesseract
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from comptoir.errors import RuleViolation
from comptoir.reading.image_cleanup import clean_fax, flatten_photo, is_fax, otsu_threshold

# Tesseract's OpenMP threads spin against each other as soon as the machine is busy: one thread per page
# is 3 to 5 times faster at a counter where the server does other work. An operator may still override it.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

PDF_DPI = 300
MAX_PDF_PAGES = 4
MAX_PAGE_PTS = 6000
"""A page's long side, in points. A3 is 1191 pt, but a scan saved as PDF at 72 dpi says its pixels are
points (a 300 dpi A4: 3508 pt); beyond 6000 pt (2 m) it is no prescription, only a way to cost gigabytes."""
PDF_LONG_SIDE_PX = 4961
"""pdftoppm scales every page to this long side at most: A3 at 300 dpi, whatever the page says."""
PDF_TIMEOUT_S = 60
TESSERACT_TIMEOUT_S = 60
MAX_PIXELS = 80_000_000
"""A 600 dpi A3 scan; larger is a decompression bomb, not a prescription."""
# A4 width at 200 and 400 dpi: below, letters are too small for Tesseract's model; above, time is wasted.
MIN_WIDTH, MAX_WIDTH = 1650, 3300
FAX_WIDTH = 2480
"""A fax (100 to 200 dpi, 1-bit) enlarged to 300 dpi: its smoothed strokes need the room to threshold cleanly."""
FAX_MEDIAN = 5
SKEW_LIMIT_DEG = 8.0
COLUMN_GAP = 3.0
TESSERACT_CONFIG = "--psm 3 -c tessedit_do_invert=0"
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow refuses a bomb at twice this; load_pages refuses above it
_PAGE_SIZE = re.compile(r"^Page\s+\d+\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts", re.MULTILINE)


class UnreadableDocument(RuleViolation):
    """The file holds no page that can be read (not an image, empty or broken PDF)."""


@dataclass(frozen=True, slots=True)
class Box:
    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


@dataclass(frozen=True, slots=True)
class OcrWord:
    text: str
    confidence: float
    """Tesseract's confidence for the word, 0 to 1."""
    box: Box


@dataclass(frozen=True, slots=True)
class OcrLine:
    words: tuple[OcrWord, ...]
    block: int

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def confidence(self) -> float:
        return sum(w.confidence for w in self.words) / len(self.words)

    @property
    def box(self) -> Box:
        left, top = min(w.box.left for w in self.words), min(w.box.top for w in self.words)
        right, bottom = max(w.box.right for w in self.words), max(w.box.bottom for w in self.words)
        return Box(left, top, right - left, bottom - top)


@dataclass(frozen=True, slots=True)
class OcrPage:
    lines: tuple[OcrLine, ...]
    width: int
    height: int
    skew_deg: float


def load_pages(source: Path | bytes) -> list[Image.Image]:
    """The pages of an image or PDF file, upright as the camera saw them."""
    data = source.read_bytes() if isinstance(source, Path) else source
    if data.lstrip()[:5] == b"%PDF-":
        return _pdf_pages(data)
    try:
        with Image.open(io.BytesIO(data)) as image:
            check_pixels(image)
            image.load()
            return [ImageOps.exif_transpose(image)]
    except Image.DecompressionBombError as exc:
        raise too_many_pixels() from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise UnreadableDocument("Le fichier n'est ni une image (PNG, JPEG) ni un PDF lisible.") from exc


def too_many_pixels() -> UnreadableDocument:
    return UnreadableDocument(f"Image trop grande pour être lue (plus de {MAX_PIXELS // 1_000_000} mégapixels) : "
                              "numérisez la page à 300 dpi.")


def check_pixels(image: Image.Image) -> None:
    """Before decoding: the header's size is enough to refuse a bomb (a few kB that decode to gigabytes)."""
    if image.width * image.height > MAX_PIXELS:
        raise too_many_pixels()


def _pdf_pages(data: bytes) -> list[Image.Image]:
    if shutil.which("pdftoppm") is None:
        raise UnreadableDocument("Lecture des PDF impossible : pdftoppm (paquet poppler-utils) est absent.")
    with tempfile.TemporaryDirectory(prefix="comptoir-pdf-") as scratch:
        pdf = Path(scratch) / "ordonnance.pdf"
        pdf.write_bytes(data)
        check_page_sizes(_run(["pdfinfo", "-f", "1", "-l", str(MAX_PDF_PAGES), str(pdf)]))
        # Raw grey maps (PGM): pdftoppm's PNG compression of a noisy scan costs seconds for nothing. The DPI
        # and the long side are both capped: a page that lies about its size still makes a bounded image.
        _run(["pdftoppm", "-r", str(PDF_DPI), "-scale-to", str(PDF_LONG_SIDE_PX), "-gray",
              "-l", str(MAX_PDF_PAGES), str(pdf), str(Path(scratch) / "page")])
        pages = sorted(Path(scratch).glob("page*.pgm"))
        if not pages:
            raise UnreadableDocument("Le PDF ne contient aucune page lisible (fichier vide ou endommagé).")
        return [_loaded(page) for page in pages]


def _run(command: list[str]) -> str:
    """A poppler tool within its time limit; its output, or a French refusal."""
    try:
        done = subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise UnreadableDocument(f"PDF trop long à lire (plus de {PDF_TIMEOUT_S} s) : numérisez la page en "
                                 "image.") from exc
    if done.returncode != 0:
        raise UnreadableDocument("Le PDF ne contient aucune page lisible (fichier vide ou endommagé).")
    return done.stdout.decode("utf-8", "replace")


def check_page_sizes(pdfinfo_output: str) -> None:
    """Pages of a sensible size (pdfinfo's sizes, in points)."""
    sizes = [(float(w), float(h)) for w, h in _PAGE_SIZE.findall(pdfinfo_output)]
    if any(max(size) > MAX_PAGE_PTS for size in sizes):
        raise UnreadableDocument("Page de PDF démesurée (plus de 2 m de côté) : ce n'est pas une ordonnance.")


def _loaded(path: Path) -> Image.Image:
    with Image.open(path) as image:
        check_pixels(image)
        image.load()
        return image.copy()


def prepare(image: Image.Image) -> tuple[Image.Image, float]:
    """A clean, straight, black-on-white page ready for Tesseract, and the skew that was corrected."""
    gray = _grey(image)
    fax = is_fax(image)
    gray = _working_scale(clean_fax(gray), minimum=FAX_WIDTH) if fax else _working_scale(flatten_photo(gray))
    gray = _even_background(gray).filter(ImageFilter.GaussianBlur(0.6))
    ink = _ink_mask(gray)
    angle = skew_angle(ink)
    if abs(angle) >= 0.15:
        gray = gray.rotate(-angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    threshold = _otsu_threshold(gray)
    binary = gray.point(lambda value: 0 if value < threshold else 255)
    # A fax's dots survive the threshold by the thousand, and Tesseract's layout pass then takes a minute
    # over them: a median, wider than a dot and narrower than a 300 dpi stroke, clears them.
    return (binary.filter(ImageFilter.MedianFilter(FAX_MEDIAN)) if fax else binary), angle


def _grey(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = flat
    return ImageOps.grayscale(image)


def _working_scale(gray: Image.Image, minimum: int = MIN_WIDTH) -> Image.Image:
    width = gray.width
    target = minimum if width < minimum else MAX_WIDTH if width > MAX_WIDTH else width
    if target == width:
        return gray
    return gray.resize((target, round(gray.height * target / width)), Image.Resampling.LANCZOS)


def _even_background(gray: Image.Image) -> Image.Image:
    """Divide by the page's own background (a wide blur of it) so shadows and grey paper turn white."""
    small = gray.resize((max(1, gray.width // 8), max(1, gray.height // 8)), Image.Resampling.BILINEAR)
    background = small.filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.GaussianBlur(6)).resize(gray.size)
    pixels = np.asarray(gray, dtype=np.uint16) * 255
    light = np.maximum(np.asarray(background, dtype=np.uint16), 1)
    return Image.fromarray(np.minimum(pixels // light, 255).astype(np.uint8))


def _otsu_threshold(gray: Image.Image) -> int:
    return otsu_threshold(gray)


def _ink_mask(gray: Image.Image) -> npt.NDArray[np.bool_]:
    small = gray.resize((800, max(1, round(gray.height * 800 / gray.width))), Image.Resampling.BOX)
    pixels = np.asarray(small)
    return np.asarray(pixels < min(_otsu_threshold(small), 200))


def skew_angle(ink: npt.NDArray[np.bool_]) -> float:
    """The angle (degrees, counter-clockwise positive) that makes the text rows sharpest.

    Projection profiles: when the rows of ink are horizontal, the row sums alternate between full and
    empty, which maximises their variance. A coarse sweep, then a fine one around the best.
    """
    rows, columns = np.nonzero(ink)
    if rows.size < 200:
        return 0.0
    coarse = max(np.arange(-SKEW_LIMIT_DEG, SKEW_LIMIT_DEG + 0.01, 0.5), key=lambda a: _sharpness(rows, columns, a))
    fine = np.arange(coarse - 0.5, coarse + 0.51, 0.1)
    return round(float(max(fine, key=lambda a: _sharpness(rows, columns, a))), 2)


def _sharpness(rows: npt.NDArray[np.intp], columns: npt.NDArray[np.intp], angle_deg: float) -> float:
    slope = np.tan(np.radians(angle_deg))
    shifted = np.round(rows + columns * slope).astype(np.int64)
    profile = np.bincount(shifted - shifted.min())
    return float(np.var(profile))


def recognise(page: Image.Image) -> list[OcrLine]:
    """Tesseract (French model) on a prepared page: its lines of words, top to bottom."""
    try:
        data = pytesseract.image_to_data(_bilevel(page), lang="fra", config=TESSERACT_CONFIG,
                                         output_type=pytesseract.Output.DICT, timeout=TESSERACT_TIMEOUT_S)
    except RuntimeError as exc:  # pytesseract's way of saying its timeout passed
        raise UnreadableDocument(f"Lecture trop longue (plus de {TESSERACT_TIMEOUT_S} s) : numérisez la page "
                                 "plus nettement.") from exc
    lines: dict[tuple[int, int, int], list[OcrWord]] = {}
    for i, text in enumerate(data["text"]):
        confidence = float(data["conf"][i])
        if not str(text).strip() or confidence < 0:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        box = Box(int(data["left"][i]), int(data["top"][i]), int(data["width"][i]), int(data["height"][i]))
        lines.setdefault(key, []).append(OcrWord(str(text).strip(), confidence / 100.0, box))
    found = [OcrLine(tuple(part), key[0]) for key, words in lines.items() for part in split_columns(words)]
    return sorted(found, key=lambda line: (line.box.top, line.box.left))


def _bilevel(page: Image.Image) -> Image.Image:
    """A black-and-white page handed over as 1-bit: pytesseract writes its PNG in half the time."""
    return page.convert("1", dither=Image.Dither.NONE) if page.mode == "L" else page


def split_columns(words: list[OcrWord]) -> list[list[OcrWord]]:
    """One Tesseract line may run across two columns (the prescriber on the left, the address or the
    date on the right): a gap wider than a few letter heights separates them."""
    heights = sorted(w.box.height for w in words)
    gap = COLUMN_GAP * heights[len(heights) // 2]
    parts: list[list[OcrWord]] = [[words[0]]]
    for previous, word in itertools.pairwise(words):
        if word.box.left - previous.box.right > gap:
            parts.append([])
        parts[-1].append(word)
    return parts


def read_page(image: Image.Image) -> OcrPage:
    prepared, angle = prepare(image)
    return OcrPage(tuple(recognise(prepared)), prepared.width, prepared.height, angle)
