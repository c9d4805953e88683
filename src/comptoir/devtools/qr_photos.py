"""QR codes as a counter's camera sees them: a clean segno rendering, then photographed.

A phone or a webcam held over a sheet gives a tilted code (perspective), a little out of focus (blur),
in a dim shop (low light, low contrast, sensor noise), saved as JPEG. Each photo draws its own
amounts from the generator, so a series of photos covers the range. Deterministic for a seed.
"""

from __future__ import annotations

import random
from io import BytesIO

import numpy as np
from PIL import Image, ImageFilter

MARGIN = 0.12
"""Share of the picture around the sheet: the camera frames more than the code."""


def photograph(png: bytes, rng: random.Random) -> bytes:
    """A JPEG of the code on a sheet, tilted, blurred, dim and noisy."""
    code = Image.open(BytesIO(png)).convert("L")
    sheet = _on_a_sheet(code)
    tilted = _tilt(sheet, rng)
    blurred = tilted.filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.4, 1.6)))
    dim = _low_light(blurred, rng)
    buffer = BytesIO()
    dim.save(buffer, format="JPEG", quality=rng.randint(55, 85))
    return buffer.getvalue()


def _on_a_sheet(code: Image.Image) -> Image.Image:
    border = int(code.width * MARGIN)
    sheet = Image.new("L", (code.width + 2 * border, code.height + 2 * border), 235)
    sheet.paste(code, (border, border))
    return sheet


def _tilt(picture: Image.Image, rng: random.Random) -> Image.Image:
    """A perspective warp: each corner moved inwards by up to 9 % of the side, as a hand-held camera does."""
    w, h = picture.size
    moved = [(x + _inwards(rng, x, w), y + _inwards(rng, y, h)) for x, y in ((0, 0), (w, 0), (w, h), (0, h))]
    coefficients = _perspective(moved, [(0, 0), (w, 0), (w, h), (0, h)])
    return picture.transform((w, h), Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC,
                             fillcolor=90)


def _inwards(rng: random.Random, at: int, side: int) -> float:
    return rng.uniform(0, 0.09) * side * (1 if at == 0 else -1)


def _perspective(source: list[tuple[float, float]], target: list[tuple[int, int]]) -> list[float]:
    """The 8 coefficients Pillow wants: for each output pixel (target), where to read in the input (source)."""
    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    solved = np.linalg.solve(np.array(rows, dtype=float), np.array([c for point in source for c in point]))
    return [float(c) for c in solved]


def _low_light(picture: Image.Image, rng: random.Random) -> Image.Image:
    """Less light and less contrast, then sensor noise, stronger in the dark."""
    pixels = np.asarray(picture, dtype=np.float32)
    gain, floor = rng.uniform(0.35, 0.8), rng.uniform(10, 45)
    noisy = floor + pixels * gain + np.random.default_rng(rng.randrange(2**32)).normal(0, rng.uniform(3, 9),
                                                                                         pixels.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
