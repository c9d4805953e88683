"""What the services ask of the DMP, in our words (SPEC §5.4: feed ITI-41, search ITI-18, retrieve ITI-43, update
ITI-57). A document is a CDA R2 (`comptoir.cda`); its registry entry carries the XDS-like metadata of SPEC §5.4.

Errors: the adapter raises `comptoir.errors.ExternalServiceError` — `permanent=True` when the DMP refused the act
for good (INS not qualified or unknown, patient's opposition, a document not the caller's to delete), with the
DMP's French reason; not permanent when it is down or slow (the outbox retries).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class Visibility(StrEnum):
    """The masks of SPEC §5.3 a document entry may carry, beside its HL7 level (N, R, V)."""

    MASKED_FROM_PROFESSIONALS = "MASQUE_PS"
    INVISIBLE_TO_PATIENT = "INVISIBLE_PATIENT"
    INVISIBLE_TO_LEGAL_REPRESENTATIVES = "INVISIBLE_REPRESENTANTS_LEGAUX"


class Reader(StrEnum):
    """Who reads: the rules of visibility differ (SPEC §5.3). comptoir reads as a professional; the emulator also
    answers the patient and the legal representatives (Mon espace santé), so that the rules can be shown."""

    PROFESSIONAL = "professionnel"
    PATIENT = "patient"
    LEGAL_REPRESENTATIVE = "representant_legal"


@dataclass(frozen=True, slots=True)
class DocumentEntry:
    """A document's registry entry (XDS DocumentEntry, SPEC §5.4)."""

    unique_id: str
    set_id: str
    version: int
    patient_ins: str
    patient_ins_oid: str
    class_code: str
    type_code: str
    type_label: str
    format_code: str
    confidentiality: tuple[str, ...]
    """The HL7 level (N, R or V) then the masks of `Visibility` it carries."""
    author_rpps: str
    author_name: str
    author_structure: str
    """idNat_Struct of the author's structure (e.g. 3 + FINESS... as written in the CDA)."""
    healthcare_facility_type: str
    """J02 code, e.g. SA33 pharmacie d'officine."""
    creation_time: datetime
    service_start: datetime | None
    title: str
    mime_type: str
    size: int
    hash: str
    """SHA-1 of the document, hex (XDS)."""
    status: str
    """approved, or deprecated once a new version replaced it."""


@dataclass(frozen=True, slots=True)
class Receipt:
    unique_id: str
    set_id: str
    version: int
    duplicate: bool
    """True when the DMP already held this uniqueId (the same document sent twice is stored once)."""


@dataclass(frozen=True, slots=True)
class Retrieved:
    entry: DocumentEntry
    content: bytes


@dataclass(frozen=True, slots=True)
class DmpStatus:
    """What the DMP says of a patient for the calling professional."""

    exists: bool
    opposed: bool
    """The patient opposed this professional's (or every professional's) access or feeding."""
    reason: str = ""


class Dmp(Protocol):
    def status(self, ins: str) -> DmpStatus: ...

    def submit(self, document: bytes, visibility: tuple[Visibility, ...] = (), *,
               replaces: str | None = None) -> Receipt:
        """Feed (ITI-41) a CDA document; `replaces` the uniqueId of the version it supersedes (same setId)."""
        ...

    def search(self, ins: str, *, type_codes: tuple[str, ...] = (),
               since: datetime | None = None) -> list[DocumentEntry]:
        """The patient's documents this caller may see, newest first (ITI-18)."""
        ...

    def retrieve(self, unique_id: str) -> Retrieved: ...

    def delete(self, unique_id: str) -> None:
        """Only its author (the same structure and professional) may delete a document."""
        ...
