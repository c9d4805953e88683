"""Each pack scanned at the counter is verified at once against the medicines-verification system (SPEC §9.4):
a pack the system does not know, or whose data do not match (lot, expiry), or that is no longer active
(supplied, recalled, stolen, expired…) is refused at the scan, in French with the NMVS code, and nothing changes.
The system down or slow does not stop the counter: the pack is taken « vérification en attente », and its
decommissioning at validation (through the outbox, services/nmvs/messages.py) checks it again — a refusal then
shows as a failed message.

    verify_at_scan(pack, system) -> Verified        # called with no transaction open (an HTTP round trip)
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from comptoir.errors import ExternalServiceError, FieldErrors
from comptoir.national.nmvs.port import MedicinesVerification, NmvsRefusal, PackId, PackState, PackStatus
from comptoir.reading.gs1 import PackCode

log = logging.getLogger("comptoir.nmvs")
GS1_TEXT = re.compile(r"[\x21-\x7e]{1,20}")
"""AI 10 and 21 (SPEC §9.2): at most 20 printable characters, what the system's messages carry."""
VERIFIED, PENDING = "verifiee", "en_attente"


@dataclass(frozen=True, slots=True)
class Verified:
    """The outcome kept on the pack's record: `verifiee`, or `en_attente` (why is logged)."""

    status: str


def pack_id(pack: PackCode) -> PackId:
    if not pack.serial:
        raise FieldErrors({"text": "DataMatrix sans numéro de série (AI 21) : la boîte ne peut pas être vérifiée. "
                                   "Scannez le DataMatrix de la boîte, pas un autre code."})
    if not all(GS1_TEXT.fullmatch(value) for value in (pack.serial, pack.lot or "x")):
        raise FieldErrors({"text": "DataMatrix illisible : le lot et le numéro de série ont 20 caractères au plus, "
                                   "sans espace ni accent (GS1). Scannez la boîte de nouveau."})
    return PackId(pack.gtin, pack.serial, pack.lot, date.fromisoformat(pack.expiry) if pack.expiry else None)


def verify_at_scan(pack: PackCode, system: MedicinesVerification) -> Verified:
    """The system's word on the pack; raises FieldErrors when it refuses it (nothing is added)."""
    identified = pack_id(pack)
    try:
        status = system.verify(identified)
    except NmvsRefusal as refused:
        raise FieldErrors({"text": _refused_message(f"{refused.label} (code {refused.code})")}) from refused
    except ExternalServiceError as failure:
        log.warning("Vérification NMVS en attente : %s", failure)
        return Verified(PENDING)
    if not status.deliverable:
        raise FieldErrors({"text": refusal(status)})
    return Verified(VERIFIED)


def refusal(status: PackStatus) -> str:
    """The French sentence said beside the basket for a pack the system refuses: its state when it is no longer
    active, then the system's alert and its code."""
    state = status.state
    said = [f"boîte {state.label}"] if state is not None and state is not PackState.ACTIVE else []
    said += [f"{alert.label} (code {alert.code})" for alert in status.alerts[:1]]
    return _refused_message(" — ".join(said) or "état inconnu")


def _refused_message(what: str) -> str:
    return f"Boîte refusée par le système de vérification (NMVS) : {what}. Ne la délivrez pas : mettez-la de côté."
