"""The vaccine pack in hand: its GS1 DataMatrix scanned (CIP13, lot, expiry, SPEC §9.2) or the three typed, and
the vaccine it is according to the drug reference. Refusals are French, beside the field they concern."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from comptoir.domain.bounds import typed_date
from comptoir.domain.vaccination.vaccines import Vaccine, identify
from comptoir.errors import RuleViolation
from comptoir.reading.gs1 import looks_like_pack_code, parse_pack_code

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

_CIP13 = re.compile(r"^3400\d{9}$")
_LOT = re.compile(r"^[0-9A-Za-z\-./]{1,20}$")


@dataclass(frozen=True, slots=True)
class TypedPack:
    """What the form holds of the pack, scan applied: {field: text} for cip13, lot, expiry."""

    cip13: str
    lot: str
    expiry: str
    serial: str = ""
    """The DataMatrix's serial (AI 21) when scanned: the pack is then verified and decommissioned (NMVS)."""

    def values(self) -> dict[str, str]:
        return {"cip13": self.cip13, "lot": self.lot, "expiry": self.expiry, "serial": self.serial}


def typed_pack(form: Mapping[str, str]) -> TypedPack:
    """The pack fields, the scanned DataMatrix (`code`, or pasted into `cip13`) filling what it carries."""
    cip13, lot, expiry, serial = (form.get(name, "").strip() for name in ("cip13", "lot", "expiry", "serial"))
    code = form.get("code", "").strip() or (cip13 if looks_like_pack_code(cip13) else "")
    if not code:
        return TypedPack(cip13, lot, expiry, serial)
    if _CIP13.match(code):
        return TypedPack(code, lot, expiry)
    scanned = parse_pack_code(code)
    return TypedPack(scanned.cip13 or scanned.gtin, scanned.lot or lot, scanned.expiry or expiry,
                     scanned.serial or "")


def read_cip13(text: str) -> str:
    if not text:
        raise RuleViolation("Scannez la boîte du vaccin ou tapez son code CIP13.")
    if not _CIP13.match(text):
        raise RuleViolation(f"« {text[:20]} » n'est pas un code CIP13 (13 chiffres commençant par 3400).")
    return text


def read_lot(text: str) -> str:
    if not text:
        raise RuleViolation("Numéro de lot obligatoire (il est sur la boîte, ou dans son DataMatrix).")
    if not _LOT.match(text):
        raise RuleViolation("Numéro de lot : 20 lettres ou chiffres au plus.")
    return text


def read_expiry(text: str, *, today: date) -> date:
    expiry = typed_date(text, "Date de péremption")
    if expiry < today:
        raise RuleViolation(f"Vaccin périmé depuis le {expiry.strftime('%d/%m/%Y')} : ne l'administrez pas.")
    return expiry


def vaccine_of(cip13: str, *, uow: UnitOfWork) -> Vaccine:
    """The vaccine this CIP13 is in the drug reference; refused when unknown or not a vaccine."""
    pack = uow.vaccinations.pack(cip13)
    if pack is None:
        raise RuleViolation(f"CIP13 {cip13} inconnu du référentiel des médicaments.")
    vaccine = identify(cip13=cip13, name=pack.name, atc=pack.atc, routes=pack.routes, cis=pack.cis)
    if vaccine is None:
        raise RuleViolation(f"{pack.name.split(',')[0]} n'est pas un vaccin.")
    return vaccine
