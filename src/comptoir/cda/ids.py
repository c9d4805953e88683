"""Identifiers of the documents comptoir writes.

A CDA `id` (and the DMP's uniqueId) is an OID, a UUID or an OID root with an extension (HL7 II). We use
the ISO/ITU-T arc `2.25` for UUIDs written as OIDs (ITU-T X.667): `2.25.<the UUID as an integer>`, an OID
that needs no registration and that the kit's CDA schema accepts (its `uid` type), at most 44 digits after
`2.25.` as the XDS uniqueId allows 64 characters.
"""

from __future__ import annotations

import re
import uuid

UUID_OID_ARC = "2.25"
_OID = re.compile(r"^[0-2](\.(0|[1-9][0-9]*))+$")


def new_document_id() -> str:
    """A fresh OID for a document (or a set of versions): `2.25.` and a random UUID's integer."""
    return f"{UUID_OID_ARC}.{uuid.uuid4().int}"


def is_oid(text: str) -> bool:
    return bool(_OID.match(text)) and len(text) <= 64


def entry_id(document_id: str, *parts: int | str) -> str:
    """A stable id for an entry or a section of one document: a UUID derived from the document's id."""
    return str(uuid.uuid5(uuid.NAMESPACE_OID, "/".join([document_id, *map(str, parts)]))).upper()
