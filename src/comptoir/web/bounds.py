"""Bounded inputs, written once for every route: record ids, free texts, names, and the API's body models.

An id above the database's integer (2^63 in a path) was a 500; now FastAPI refuses it with a 422 before
any query. Texts have the lengths of domain/bounds.py: what passes here fits the PDF, the QR code and
the national services' messages.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Path, Query, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from comptoir.domain import bounds
from comptoir.errors import RuleViolation

MAX_IMAGE_BYTES = 10 * 1024 * 1024
"""A photo or a scan of a code: a phone's photo is 2 to 5 MB."""
MAX_ID = 2**31 - 1
"""Record ids are database integers; 32 bits hold every record a pharmacy will ever have."""

RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="Numéro d'enregistrement")]
RecordIdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
BodyRecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
OptionalBodyRecordId = Annotated[int | None, Field(default=None, ge=1, le=MAX_ID)]

PersonName = Annotated[str, Field(min_length=1, max_length=bounds.NAME_MAX)]
ShortText = Annotated[str, Field(max_length=bounds.SHORT_TEXT_MAX)]
"""A code, a label, a reason typed in one line."""
Posology = Annotated[str, Field(max_length=bounds.POSOLOGY_MAX)]
Note = Annotated[str, Field(max_length=bounds.NOTE_MAX)]
ScannedText = Annotated[str, Field(max_length=bounds.SCANNED_TEXT_MAX)]
"""What a scanner types (QR, DataMatrix, CIP13): a QR code holds at most ~3 kB."""
ImageBase64 = Annotated[str, Field(max_length=bounds.IMAGE_BASE64_MAX)]


class ApiModel(BaseModel):
    """Base of the API's bodies: finite numbers only (NaN and Infinity are no quantities)."""

    model_config = ConfigDict(allow_inf_nan=False)

PrescriptionId = Annotated[str, Path(min_length=1, max_length=18,
                                     description="Identifiant de l'ordonnance numérique (18 caractères)")]
Renewal = Annotated[int, Query(ge=0, le=bounds.RENEWALS_MAX)]

FormRecordId = Annotated[int, Form(ge=1, le=MAX_ID)]
FormName = Annotated[str, Form(max_length=bounds.NAME_MAX)]
FormShortText = Annotated[str, Form(max_length=bounds.SHORT_TEXT_MAX)]
FormNote = Annotated[str, Form(max_length=bounds.NOTE_MAX)]
FormScannedText = Annotated[str, Form(max_length=bounds.SCANNED_TEXT_MAX)]


def record_id_of(text: str) -> int | None:
    """A record id typed in a form field: None unless digits within the database's integers."""
    text = text.strip()
    return int(text) if text.isdigit() and len(text) <= 10 and 1 <= int(text) <= MAX_ID else None


def small_number_of(text: str, *, at_most: int, what: str) -> int:
    """A count typed in a form field (boxes, renewals, days): refused in French beyond `at_most`."""
    text = text.strip() or "0"
    if not text.isdigit() or len(text) > 6 or int(text) > at_most:
        raise RuleViolation(f"{what} : nombre entier de 0 à {at_most}.")
    return int(text)


def upload_too_large(limit: int) -> RuleViolation:
    return RuleViolation(f"Fichier trop volumineux : {limit // (1024 * 1024)} Mo au plus.")


def read_upload(file: UploadFile, limit: int) -> bytes:
    """The uploaded file, read by chunks and refused as soon as it passes `limit` (never whole in memory)."""
    chunks, size = [], 0
    while chunk := file.file.read(256 * 1024):
        size += len(chunk)
        if size > limit:
            raise upload_too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)
