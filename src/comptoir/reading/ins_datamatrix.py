"""The INS DataMatrix printed on health documents (SPEC §2), from a scanner string.

    IS010000000000000000000000  header: marker IS, version 01, zero-filled to 26 characters
    S1 matricule INS            15 characters
    S2 OID of the matricule     up to 20, then GS (0x1D) if shorter
    S3 birth first names        up to 100, then GS if shorter
    S4 birth name               up to 100, then GS if shorter
    S5 sex                      1 (M/F)
    S6 birth date               10 (DD-MM-YYYY)
    S7 birth place (COG)        5

[P] The layout is that of a deployed hospital IS (SPEC §2), not of the ANS guide itself. A USB
scanner may type the GS separator as nothing, as "<GS>", "{GS}" or "^]", and may prefix the AIM
symbology identifier "]d1": all are accepted. A variable field also ends where the next field
identifier begins, so a payload without separators still parses (names hold no digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from comptoir.domain.identity.ins import InsIdentity, InsOid, InsTraits
from comptoir.errors import RuleViolation

HEADER = "IS01" + "0" * 22
GS = "\x1d"
_GS_SPELLINGS = ("<GS>", "{GS}", "^]", "\\x1d", "<1D>")
_FIELDS = (("S1", 15), ("S2", -20), ("S3", -100), ("S4", -100), ("S5", 1), ("S6", 10), ("S7", 5))


class UnreadableDataMatrix(RuleViolation):
    """The scanned text is not an INS DataMatrix: the message says where it went wrong."""


@dataclass(frozen=True, slots=True)
class _Cursor:
    text: str
    position: int


def looks_like_ins_datamatrix(text: str) -> bool:
    return _clean(text).startswith("IS01")


def parse_ins_datamatrix(text: str) -> InsIdentity:
    """The identity carried by an INS DataMatrix; `UnreadableDataMatrix` (French) if it is not one."""
    payload = _clean(text)
    if not payload.startswith(HEADER):
        raise UnreadableDataMatrix("Ce code n'est pas un DataMatrix INS (il doit commencer par IS01 suivi de zéros).")
    values: dict[str, str] = {}
    cursor = _Cursor(payload, len(HEADER))
    for field_id, length in _FIELDS:
        values[field_id], cursor = _read_field(cursor, field_id, length)
    return _identity(values)


def _clean(text: str) -> str:
    for spelling in _GS_SPELLINGS:
        text = text.replace(spelling, GS)
    text = text.strip().removeprefix("]d1").removeprefix("]d2")
    return text.replace("\r", "").replace("\n", "")


def _read_field(cursor: _Cursor, field_id: str, length: int) -> tuple[str, _Cursor]:
    text, start = cursor.text, cursor.position
    if text[start:start + 2] != field_id:
        raise UnreadableDataMatrix(f"DataMatrix INS illisible : le champ {field_id} manque à la position {start + 1}.")
    start += 2
    if length > 0:
        value = text[start:start + length]
        if len(value) != length:
            raise UnreadableDataMatrix(f"DataMatrix INS tronqué : le champ {field_id} est incomplet.")
        return value, _Cursor(text, start + length)
    return _read_variable(text, start, field_id, -length)


def _read_variable(text: str, start: int, field_id: str, maximum: int) -> tuple[str, _Cursor]:
    next_id = f"S{int(field_id[1]) + 1}"
    match = re.compile(rf"{GS}|{next_id}(?=\D|$)").search(text, start, start + maximum + 3)
    end = match.start() if match else start + maximum
    value = text[start:end]
    after = end + 1 if match and match.group() == GS else end
    return value.strip(), _Cursor(text, after)


def _identity(values: dict[str, str]) -> InsIdentity:
    try:
        oid = InsOid(values["S2"])
    except ValueError:
        raise UnreadableDataMatrix(f"DataMatrix INS : OID inconnu « {values['S2']} ».") from None
    if values["S5"] not in ("M", "F"):
        raise UnreadableDataMatrix(f"DataMatrix INS : sexe « {values['S5']} » au lieu de M ou F.")
    traits = InsTraits(values["S4"], values["S3"], _birth_date(values["S6"]), values["S5"], values["S7"])
    if not traits.birth_name or not traits.birth_given_names:
        raise UnreadableDataMatrix("DataMatrix INS : nom ou prénoms de naissance vides.")
    return InsIdentity(values["S1"].upper(), oid, traits)


def _birth_date(text: str) -> date:
    try:
        return datetime.strptime(text, "%d-%m-%Y").date()
    except ValueError:
        raise UnreadableDataMatrix(f"DataMatrix INS : date de naissance impossible « {text} ».") from None


def ins_datamatrix_text(identity: InsIdentity) -> str:
    """The payload to print for a qualified identity (the inverse of `parse_ins_datamatrix`)."""
    traits = identity.traits.normalised()
    return (f"{HEADER}S1{identity.matricule}S2{identity.oid.value}{GS}S3{traits.birth_given_names}{GS}"
            f"S4{traits.birth_name}{GS}S5{traits.sex}S6{traits.birth_date.strftime('%d-%m-%Y')}S7{traits.birth_place}")
