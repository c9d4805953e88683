"""Who may call an emulated national service: the credentials each emulator keeps in its own storage.

The real services authenticate the caller twice (SPEC §1.5, §3.2, §4.4, §6, §8): the **structure**
(the pharmacy's FINESS, or the prescriber's practice: N° AM or FINESS) by a server certificate, and
the **professional** (RPPS) by a CPS/e-CPS card or a Pro Santé Connect access token; what they may do
follows the profession read on the card (G15 code: `21` pharmacien, `10` médecin). The emulators keep
that triple — structure, RPPS, profession — behind an opaque token presented as
`Authorization: Bearer <token>`. [U] This stands for the CPS/e-CPS or PSC authentication, which is not
emulated here; a later issue brings Pro Santé Connect and replaces the token with a PSC access token.

An emulator stores only a digest of each token (its SQLite file then gives nothing away), and answers
401 without a token or with one it does not know, in its own error format (`{"detail": "…"}`, French).
The emulator then decides what the profession may do (403); see each emulator's docstring.

The demo identities are those of `devtools/demo.py` (the demo pharmacy and its titulaire, the
prescriber MED1 of the CNAM QR example, SPEC §4.3); a test keeps the two in step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from fastapi import HTTPException, Request

DEMO_PHARMACY_FINESS = "750000001"
DEMO_PHARMACIST_RPPS = "10003456789"
DEMO_PRESCRIBER_RPPS = "99900038441"
DEMO_PRESCRIBER_AM = "991118019"


class Profession(StrEnum):
    """The profession that rules what a caller may do (G15 codes, SPEC §8)."""

    PHARMACIEN = "pharmacien"
    MEDECIN = "medecin"


@dataclass(frozen=True, slots=True)
class Credential:
    """One token and what it stands for: a professional (RPPS) working in a structure."""

    token: str
    structure: str
    """FINESS of the pharmacy; N° AM or FINESS of the prescriber's practice."""
    rpps: str
    profession: Profession


@dataclass(frozen=True, slots=True)
class Caller:
    """What an emulator knows of an authenticated caller (never the token itself)."""

    structure: str
    rpps: str
    profession: Profession


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def demo_pharmacy(token: str) -> Credential:
    """The demo pharmacy's titulaire at the counter."""
    return Credential(token, DEMO_PHARMACY_FINESS, DEMO_PHARMACIST_RPPS, Profession.PHARMACIEN)


def demo_prescriber(token: str) -> Credential:
    """The demo prescriber (MED1) in his practice."""
    return Credential(token, DEMO_PRESCRIBER_AM, DEMO_PRESCRIBER_RPPS, Profession.MEDECIN)


def authenticator(service: str, lookup: Callable[[str], Caller | None]) -> Callable[[Request], Caller]:
    """A FastAPI dependency: the caller named by the request's bearer token, or 401 (RFC 6750). A token found
    once is remembered for the life of the process (the emulators revoke none), so a call costs no lookup."""
    known: dict[str, Caller] = {}

    def authenticate(request: Request) -> Caller:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _refused(service, "Authentification requise : présentez le jeton de votre structure et de "
                                    "votre carte de professionnel (en-tête Authorization: Bearer).")
        key = digest(token.strip())
        caller = known.get(key) or lookup(key)
        if caller is None:
            raise _refused(service, "Jeton inconnu ou révoqué : authentification refusée.")
        known[key] = caller
        return caller

    return authenticate


def forbid(message: str) -> HTTPException:
    return HTTPException(403, message)


def _refused(service: str, message: str) -> HTTPException:
    return HTTPException(401, message, headers={"WWW-Authenticate": f'Bearer realm="{service}"'})
