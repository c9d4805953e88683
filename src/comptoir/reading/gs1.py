"""The GS1 DataMatrix of a French medicine pack: product code (GTIN-14 = "0" + CIP13), expiry, lot,
serial number (SPEC.md §9.2). Parsing is biip's; this module adapts what scanners and people send.

Accepted forms: the raw content with GS (ASCII 29) separators, with or without the "]d2" symbology
prefix; zxing-cpp's text form where GS reads "<GS>"; scanners in keyboard mode that turn GS into "|"
or "~", into the typed escapes "\\x1d" or "\\u001d", or drop it; the human-readable form
"(01)03400933516390(17)270531(10)LOT(21)SN".

Expiry "YYMM00" means the last day of that month (GS1 General Specifications); biip resolves it.
Without separators, a variable field (lot, serial) that is not last runs into the next one (biip
reads it to the end): the fixed-length fields before it (01 product code, 17 expiry) stay right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from biip import ParseError, parse
from biip.gs1_element_strings import GS1ElementString
from biip.gs1_messages import GS1Message

from comptoir.errors import RuleViolation

GS = "\x1d"
# The pack's DataMatrix carries GTIN, expiry, lot (≤ 20) and serial (≤ 20): well under 100 characters.
MAX_PACK_CODE_CHARS = 200
_SEPARATORS = re.compile(r"<GS>|\||~|\\x1d|\\u001d|\u241d|\u001d", re.I)
_PACK_START = re.compile(r"(?:\][dC][12])?\x1d*(?:01|\(01\))\d{14}")


class UnreadablePackCode(RuleViolation):
    pass


@dataclass(frozen=True, slots=True)
class PackCode:
    gtin: str
    cip13: str | None
    serial: str | None
    lot: str | None
    expiry: str | None
    """ISO date (YYYY-MM-DD)."""

    def contract(self) -> dict[str, str | None]:
        return {"gtin": self.gtin, "cip13": self.cip13, "serial": self.serial, "lot": self.lot,
                "expiry": self.expiry}


def looks_like_pack_code(text: str) -> bool:
    """A scanned pack DataMatrix rather than a name or a bare code: it opens on its product code (AI 01 and
    14 digits, after the scanner's symbology prefix if any), or holds a group separator (ASCII 29)."""
    return bool(_PACK_START.match(_SEPARATORS.sub(GS, text.strip()))) or GS in text


def parse_pack_code(text: str) -> PackCode:
    cleaned = _SEPARATORS.sub(GS, text.strip())
    if not cleaned:
        raise UnreadablePackCode("Code vide : scannez le DataMatrix de la boîte.")
    if len(cleaned) > MAX_PACK_CODE_CHARS:
        raise UnreadablePackCode("Code trop long pour le DataMatrix d'une boîte de médicament.")
    message = _message(cleaned)
    values = {element.ai.ai: element for element in message.element_strings}
    if "01" not in values:
        raise UnreadablePackCode("Ce code ne contient pas de code produit GS1 (AI 01) : est-ce bien une boîte ?")
    gtin = values["01"].value
    if values["01"].gtin_error:
        raise UnreadablePackCode(f"Code produit {gtin} invalide : la clé de contrôle ne correspond pas.")
    expiry = values["17"].date.isoformat() if "17" in values and values["17"].date else None
    return PackCode(gtin=gtin, cip13=_cip13(gtin), serial=_value(values, "21"), lot=_value(values, "10"),
                    expiry=expiry)


def _message(cleaned: str) -> GS1Message:
    try:
        if cleaned.startswith("("):
            return GS1Message.parse_hri(cleaned)
        result = parse(cleaned if cleaned.startswith("]") else cleaned.lstrip(GS))
    except (ParseError, ValueError, IndexError) as exc:  # biip raises IndexError on a lone "]"
        raise UnreadablePackCode(f"Code GS1 illisible : « {cleaned[:40]} » n'a pas la structure d'un DataMatrix "
                                 "de boîte (01 code produit, 17 péremption, 10 lot, 21 série).") from exc
    if result.gs1_message is None:
        raise UnreadablePackCode(f"Code GS1 illisible : « {cleaned[:40]} » n'est pas un message GS1.")
    return result.gs1_message


def _value(values: dict[str, GS1ElementString], ai: str) -> str | None:
    element = values.get(ai)
    return element.value if element is not None else None


def _cip13(gtin: str) -> str | None:
    # A French presentation's GTIN is "0" + its CIP13 (34009…); other GTINs carry no CIP13.
    return gtin[1:] if gtin.startswith("03400") else None
