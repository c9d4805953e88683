"""What the counter's one input box received: an ON (its QR's text or the 18 characters typed), a pack's GS1
DataMatrix in any scanner form, a CIP13, a CIP7, a CIS, or a name or DCI typed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from comptoir.domain.eprescription.identifiers import is_prescription_id
from comptoir.errors import FieldErrors
from comptoir.reading.gs1 import PackCode, UnreadablePackCode, parse_pack_code

EntryKind = Literal["on", "pack", "code", "name"]
_GS_MARKS = ("\x1d", "<GS>", "<gs>", "\u241d", "\\x1d")


@dataclass(frozen=True, slots=True)
class Entry:
    kind: EntryKind
    text: str
    pack: PackCode | None = None


def recognise(text: str) -> Entry:
    stripped = text.strip()
    if not stripped:
        raise FieldErrors({"text": "Scannez un code ou tapez un nom de médicament."})
    if stripped.startswith("{") or is_prescription_id(stripped.upper()):
        return Entry("on", stripped)
    if _looks_like_pack(stripped):
        try:
            return Entry("pack", stripped, parse_pack_code(stripped))
        except UnreadablePackCode as exc:
            raise FieldErrors({"text": str(exc)}) from exc
    code = re.sub(r"[\s.-]", "", stripped)
    if code.isdigit() and len(code) in (7, 8, 13):
        return Entry("code", code)
    return Entry("name", stripped)


def _looks_like_pack(text: str) -> bool:
    """The DataMatrix's forms (reading/gs1.py): "]d2", "(01)…", GS separators, or "01" + GTIN-14 and more."""
    if text.startswith(("]d2", "(01)")) or any(mark in text for mark in _GS_MARKS):
        return True
    return text.startswith("01") and len(text) >= 16 and text[2:16].isdigit()
