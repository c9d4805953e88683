"""Decode the 2D codes of a photo or a scan (PNG, JPEG…) with zxing-cpp; Pillow opens the file.

Used for the INS DataMatrix of a health document; any reader that takes an image (the e-prescription
QR, a pack's GS1 DataMatrix) can call it too. The text is zxing-cpp's human-readable form: a GS
separator comes back as "<GS>", which the parsers accept.
"""

from __future__ import annotations

from io import BytesIO

import zxingcpp
from PIL import Image, UnidentifiedImageError

from comptoir.errors import RuleViolation

MAX_PIXELS = 40_000_000
TOO_LARGE = "Image trop grande pour être lue (plus de 40 mégapixels)."


class UnreadableImage(RuleViolation):
    pass


def decode_barcodes(image: bytes, *, formats: str = "DataMatrix,QRCode") -> list[str]:
    """The text of every code found in the image, in the order zxing-cpp finds them (may be empty)."""
    picture = _open(image)
    found = zxingcpp.read_barcodes(picture, formats=zxingcpp.barcode_formats_from_str(formats))
    return [str(code.text) for code in found]


def _open(image: bytes) -> Image.Image:
    """The picture in grey levels; its size is checked from the header, before anything is decoded."""
    try:
        picture = Image.open(BytesIO(image))
        if picture.width * picture.height > MAX_PIXELS:
            raise UnreadableImage(TOO_LARGE)
        return picture.convert("L")
    except Image.DecompressionBombError as exc:  # Pillow's own cap, when its header passes ours
        raise UnreadableImage(TOO_LARGE) from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UnreadableImage("Fichier image illisible (PNG ou JPEG attendu).") from exc
