"""Draws a made-up prescription (`truth.PageTruth`) on an A4 page, then soils it like a scan.

Layouts seen at the counter: the prescriber's block on the left or centred or in two columns, the
date on the right, the patient above the lines, numbered or bulleted lines with the posology on
the same line or below, the two zones of an ALD prescription ("bizone"), advice at the bottom.
"""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from comptoir.reading.prescription_forms import ALD_ZONE_HEADING, FRENCH_MONTHS, OTHER_ZONE_HEADING

if TYPE_CHECKING:
    from comptoir.devtools.paper_prescriptions.truth import PageTruth, Patient, Prescriber, TruthLine

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))
FAMILIES = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"),
    ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf"),
    ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf", "DejaVuSansCondensed-Oblique.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf"),
    ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf"),
    ("LiberationSansNarrow-Regular.ttf", "LiberationSansNarrow-Bold.ttf", "LiberationSansNarrow-Italic.ttf"),
)
ALD_HEADING, NON_ALD_HEADING = ALD_ZONE_HEADING, OTHER_ZONE_HEADING
FOOTERS = ("En cas d'urgence, composez le 15", "Membre d'une association de gestion agréée",
           "Consultations sur rendez-vous du lundi au vendredi", "")
NOISE_LEVELS = ("clean", "mild", "heavy", "photo", "fax")
"""photo and fax are DEVELOPMENT degradations (a phone over a curled page on a table; a 1-bit fax), tuned against."""
MONTHS = FRENCH_MONTHS
_POSTCODE = re.compile(r"\s(?=\d{5}\s)")


@dataclass(frozen=True, slots=True)
class Style:
    dpi: int
    family: tuple[str, str, str]
    points: int
    header: str
    marker: str
    posology_below: bool
    bold_drug: bool
    date_with_city: bool

    def as_json(self) -> dict[str, object]:
        return {"dpi": self.dpi, "font": self.family[0], "points": self.points, "header": self.header,
                "marker": self.marker, "posology_below": self.posology_below}


def pick_style(rng: random.Random) -> Style:
    return Style(dpi=rng.choice((200, 250, 300)), family=rng.choice(available_families()),
                 points=rng.choice((10, 11, 11, 12, 12, 13)), header=rng.choice(("left", "centred", "columns")),
                 marker=rng.choice(("{n}. ", "{n}) ", "- ", "• ", "")), posology_below=rng.random() < 0.55,
                 bold_drug=rng.random() < 0.4, date_with_city=rng.random() < 0.5)


def available_families() -> list[tuple[str, str, str]]:
    found = [f for f in FAMILIES if all(_font_path(name) for name in f)]
    return found or [("", "", "")]


def _font_path(name: str) -> Path | None:
    return next((d / name for d in FONT_DIRS if (d / name).is_file()), None)


class Sheet:
    """An A4 page with a pen: writes lines of text from top to bottom."""

    def __init__(self, style: Style, rng: random.Random) -> None:
        self.style = style
        self.width, self.height = round(8.27 * style.dpi), round(11.69 * style.dpi)
        self.image = Image.new("L", (self.width, self.height), 255)
        self.pen = ImageDraw.Draw(self.image)
        self.ink = rng.randrange(0, 60)
        self.margin = round(style.dpi * rng.uniform(0.55, 0.9))
        self.y = round(style.dpi * rng.uniform(0.5, 0.8))

    def font(self, kind: int = 0, scale: float = 1.0) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        size = round(self.style.points * scale * self.style.dpi / 72)
        path = _font_path(self.style.family[kind]) if self.style.family[kind] else None
        return ImageFont.truetype(str(path), size) if path else ImageFont.load_default(size)

    def write(self, text: str, *, x: int | None = None, kind: int = 0, scale: float = 1.0, align: str = "left",
              advance: bool = True) -> None:
        font = self.font(kind, scale)
        width = round(font.getlength(text))
        left = {"left": x if x is not None else self.margin, "right": self.width - self.margin - width,
                "centre": (self.width - width) // 2}[align]
        self.pen.text((left, self.y), text, font=font, fill=self.ink)
        if advance:
            self.y += self.line_height(scale)

    def line_height(self, scale: float = 1.0) -> int:
        return round(self.style.points * scale * self.style.dpi / 72 * 1.45)

    def wrap(self, text: str, width: int, kind: int = 0) -> list[str]:
        font, lines, current = self.font(kind), [], ""
        for word in text.split():
            attempt = f"{current} {word}".strip()
            if current and font.getlength(attempt) > width:
                lines.append(current)
                attempt = word
            current = attempt
        return [*lines, current] if current else lines

    def skip(self, lines: float) -> None:
        self.y += round(self.line_height() * lines)

    def rule(self) -> None:
        self.pen.line((self.margin, self.y, self.width - self.margin, self.y), fill=self.ink, width=2)
        self.skip(0.6)


def draw_page(truth: PageTruth, style: Style, rng: random.Random) -> Image.Image:
    sheet = Sheet(style, rng)
    _draw_header(sheet, truth.prescriber, rng)
    _draw_date(sheet, truth, rng)
    _draw_patient(sheet, truth.patient, rng)
    _draw_lines(sheet, truth, rng)
    for advice in truth.advice:
        sheet.write(advice, kind=2)
    _draw_footer(sheet, rng)
    return sheet.image


def _draw_header(sheet: Sheet, prescriber: Prescriber, rng: random.Random) -> None:
    rpps = f"RPPS : {prescriber.rpps}" if rng.random() < 0.6 else f"N° RPPS {prescriber.rpps}"
    am = f"N° AM : {prescriber.am}" if rng.random() < 0.6 else f"AM {_grouped(prescriber.am)}"
    if sheet.style.header == "centred":
        sheet.write(prescriber.name, kind=1, scale=1.3, align="centre")
        for text in (prescriber.specialty, prescriber.address, f"{rpps} — {am}", f"Tél. {prescriber.phone}"):
            sheet.write(text, align="centre", scale=0.9)
    elif sheet.style.header == "columns":
        top = sheet.y
        for text, kind in ((prescriber.name, 1), (prescriber.specialty, 0), (rpps, 0), (am, 0)):
            sheet.write(text, kind=kind)
        bottom, sheet.y = sheet.y, top
        for text in (*_POSTCODE.split(prescriber.address, maxsplit=1), f"Tél. {prescriber.phone}"):
            sheet.write(text, align="right", scale=0.9)
        sheet.y = max(bottom, sheet.y)
    else:
        sheet.write(prescriber.name, kind=1, scale=1.2)
        for text in (prescriber.specialty, rpps, am, prescriber.address, f"Tél. : {prescriber.phone}"):
            sheet.write(text, scale=0.9)
    sheet.skip(0.5)
    if rng.random() < 0.5:
        sheet.rule()


def _grouped(am: str) -> str:
    return f"{am[:2]} {am[2]} {am[3:8]} {am[8]}"


def _draw_date(sheet: Sheet, truth: PageTruth, rng: random.Random) -> None:
    city = truth.prescriber.address.rsplit(" ", 1)[1]
    written = french_date(truth.date, rng)
    text = f"{city}, le {written}" if sheet.style.date_with_city else f"Le {written}"
    sheet.write(text, align="right")
    sheet.skip(0.5)


def french_date(iso: str, rng: random.Random) -> str:
    day = date.fromisoformat(iso)
    return rng.choice((day.strftime("%d/%m/%Y"), f"{day.day} {MONTHS[day.month - 1]} {day.year}",
                       day.strftime("%d.%m.%Y")))


def _draw_patient(sheet: Sheet, patient: Patient, rng: random.Random) -> None:
    born = date.fromisoformat(patient.birth_date).strftime("%d/%m/%Y")
    name = f"{patient.title} {patient.first_name} {patient.last_name}"
    if rng.random() < 0.4:
        name = f"{patient.title} {patient.last_name} {patient.first_name}"
    align = "centre" if rng.random() < 0.4 else "left"
    if rng.random() < 0.5:
        sheet.write(f"{name}, né(e) le {born}", kind=1, align=align)
    else:
        sheet.write(name, kind=1, align=align)
        sheet.write(f"Date de naissance : {born}", align=align)
    if patient.weight_kg is not None:
        sheet.write(f"Poids : {patient.weight_kg} kg", align=align)
    sheet.skip(1.0)


def _draw_lines(sheet: Sheet, truth: PageTruth, rng: random.Random) -> None:
    for number, line in enumerate(truth.lines, start=1):
        if truth.chronic_zones and number == 1:
            _draw_heading(sheet, ALD_HEADING)
        if truth.chronic_zones and not line.ald and (number == 1 or truth.lines[number - 2].ald):
            sheet.rule()
            _draw_heading(sheet, NON_ALD_HEADING)
        _draw_item(sheet, line, sheet.style.marker.format(n=number))
        sheet.skip(rng.uniform(0.3, 0.8))
    sheet.skip(0.5)


def _draw_heading(sheet: Sheet, text: str) -> None:
    for part in sheet.wrap(text, sheet.width - 2 * sheet.margin, kind=2):
        sheet.write(part, kind=2, scale=0.9)
    sheet.skip(0.4)


def _draw_item(sheet: Sheet, line: TruthLine, marker: str) -> None:
    indent = sheet.margin + round(sheet.font().getlength(marker or "    "))
    width = sheet.width - sheet.margin - indent
    drug_kind = 1 if sheet.style.bold_drug else 0
    if sheet.style.posology_below:
        sheet.write(marker + line.drug, kind=drug_kind)
        rest = sheet.wrap(line.posology, width)
    else:
        rest = sheet.wrap(f"{line.drug} : {line.posology}", sheet.width - sheet.margin - indent)
        sheet.write(marker, advance=False)
        sheet.write(rest.pop(0), x=indent)
    for part in rest:
        sheet.write(part, x=indent)


def _draw_footer(sheet: Sheet, rng: random.Random) -> None:
    sheet.skip(1.0)
    sheet.write("Signature", align="right", kind=2, scale=0.9)
    footer = rng.choice(FOOTERS)
    if footer:
        sheet.y = sheet.height - sheet.margin
        sheet.write(footer, align="centre", scale=0.75)


def soil(image: Image.Image, rng: random.Random, level: str, dpi: int = 300) -> Image.Image:
    """What a scanner or a phone does to a page: tilt, blur, grain, uneven light."""
    if level == "clean":
        return image
    if level == "photo":
        return photograph(image, rng)
    if level == "fax":
        return fax(image, rng, dpi)
    heavy = level == "heavy"
    paper = rng.randrange(215, 250)
    page = image.point(lambda v: round(v * paper / 255))
    page = page.rotate(rng.uniform(-4.0, 4.0) if heavy else rng.uniform(-2.0, 2.0),
                       resample=Image.Resampling.BICUBIC, expand=True, fillcolor=paper)
    page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.6 if heavy else 0.9)))
    pixels = np.asarray(page, dtype=np.float32)
    gradient = np.linspace(1.0, rng.uniform(0.75 if heavy else 0.88, 1.0), pixels.shape[1], dtype=np.float32)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 14 if heavy else 6, pixels.shape)
    return Image.fromarray(np.clip(pixels * gradient + noise, 0, 255).astype(np.uint8))


def photograph(image: Image.Image, rng: random.Random) -> Image.Image:
    """A phone above a curled page lying on a table: the table around it, the page bowed, seen at an angle,
    a shadow across it."""
    paper = rng.randrange(205, 245)
    page = image.point(lambda v: round(v * paper / 255))
    depth = rng.uniform(0.012, 0.03) * page.height
    margin = round(page.width * rng.uniform(0.04, 0.09) + depth)  # the whole page in the frame, as one shoots it
    table = Image.new("L", (page.width + 2 * margin, page.height + 2 * margin), rng.randrange(30, 90))
    table.paste(page, (margin, margin))
    bowed = _curl(table, depth, rng.random() < 0.5)
    seen = _perspective(bowed, rng, rng.uniform(0.06, 0.12))
    shadowed = _shadow(np.asarray(seen, dtype=np.float32), rng)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 5, shadowed.shape)
    photo = Image.fromarray(np.clip(shadowed + noise, 0, 255).astype(np.uint8))
    return photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.0)))


def _curl(image: Image.Image, depth: float, upwards: bool) -> Image.Image:
    """Each column moved up or down by a bow across the width: the text rows bend like the page."""
    pixels = np.asarray(image)
    height, width = pixels.shape
    bow = np.round(depth * np.sin(np.pi * np.arange(width) / (width - 1)) * (-1 if upwards else 1)).astype(np.int64)
    rows = np.arange(height)[:, None] - bow[None, :]
    bent = pixels[np.clip(rows, 0, height - 1), np.arange(width)[None, :]]
    bent[(rows < 0) | (rows >= height)] = pixels[0, 0]
    return Image.fromarray(bent)


def _perspective(image: Image.Image, rng: random.Random, amount: float) -> Image.Image:
    """The corners pulled inwards by up to `amount` of the size, as a camera not square to the page."""
    width, height = image.size
    corners = [(0.0, 0.0), (width, 0.0), (width, height), (0.0, height)]
    seen = [(x + (1 if x == 0 else -1) * rng.uniform(0, amount) * width,
             y + (1 if y == 0 else -1) * rng.uniform(0, amount) * height) for x, y in corners]
    return image.transform(image.size, Image.Transform.PERSPECTIVE, _homography(seen, corners),
                           resample=Image.Resampling.BICUBIC, fillcolor=int(np.asarray(image)[0, 0]))


def _homography(source: list[tuple[float, float]], target: list[tuple[float, float]]) -> tuple[float, ...]:
    """Pillow's 8 perspective coefficients: for a pixel of the result (in `source`), where to take it from
    (`target`). The photo's frame corners drawn from `seen` inward would crop the page: the map goes the
    other way, the whole sheet shrunk into the quadrilateral."""
    rows, values = [], []
    for (x, y), (u, v) in zip(source, target, strict=True):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
        values += [u, v]
    return tuple(float(c) for c in np.linalg.solve(np.array(rows), np.array(values)))


def _shadow(pixels: npt.NDArray[np.float32], rng: random.Random) -> npt.NDArray[np.float32]:
    """Light falling off towards one side, and a soft shadow (the phone, a hand) over a part of the page."""
    height, width = pixels.shape
    angle = rng.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    ramp = (xs / width - 0.5) * np.cos(angle) + (ys / height - 0.5) * np.sin(angle)
    light = 1.0 - rng.uniform(0.3, 0.5) * (ramp - ramp.min()) / max(1e-6, float(np.ptp(ramp)))
    cx, cy, radius = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(0.2, 0.4) * width
    light *= 1.0 - rng.uniform(0.2, 0.4) * np.exp(-(((xs - cx) ** 2 + (ys - cy) ** 2) / radius**2))
    return np.asarray(pixels * light, dtype=np.float32)


def fax(image: Image.Image, rng: random.Random, dpi: int) -> Image.Image:
    """A fax: 100 to 200 dpi, black and white with dithering, dropped dots and streaks along the paper."""
    target = rng.choice((100, 150, 200))
    small = image.filter(ImageFilter.GaussianBlur(dpi / target * 0.4)).resize(
        (round(image.width * target / dpi), round(image.height * target / dpi)), Image.Resampling.BOX)
    pixels = np.asarray(small.rotate(rng.uniform(-1.5, 1.5), fillcolor=255, resample=Image.Resampling.BILINEAR),
                        dtype=np.float32)
    noisy = pixels + np.random.default_rng(rng.randrange(2**32)).normal(0, 9, pixels.shape)
    binary = np.asarray(Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).convert("1"), dtype=np.uint8) * 255
    speckles = np.random.default_rng(rng.randrange(2**32)).random(binary.shape)
    binary[speckles < 0.002] = 0
    for _ in range(rng.randrange(1, 4)):
        row = rng.randrange(binary.shape[0])
        binary[row:row + rng.randrange(1, 3), :] = 0
    return Image.fromarray(binary).convert("1")


def encode(image: Image.Image, rng: random.Random, level: str) -> tuple[bytes, str]:
    """PNG, or JPEG with its block artefacts at a quality a cheap scanner picks (a phone: always JPEG)."""
    buffer = io.BytesIO()
    if level == "photo" or (level in ("mild", "heavy") and rng.random() < 0.6):
        low = {"heavy": 35, "photo": 30}.get(level, 55)
        image.save(buffer, format="JPEG", quality=rng.randrange(low, 90 if level != "photo" else 60))
        return buffer.getvalue(), "jpg"
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue(), "png"
