"""What the services ask of the medicines-verification system (France MVS, the NMVS), in our words (SPEC §9.4).

Three acts on one pack, named by its unique identifier (product code, serial; lot and expiry as read on the
DataMatrix, which the system checks against what the manufacturer uploaded): **verify** (its state, nothing
changes), **decommission** it into a target state (supplied when handed to a patient), **undo** a
decommission (the pack active again). Each write carries a transaction id: the same id sent twice is done once
and answered the same. The bulk forms take several packs and answer pack by pack.

A refusal of the system (an alert, SPEC §9.4's codes) comes back as `NmvsRefusal`: permanent, with the NMVS
code and its French label. A system down or slow is a non-permanent `ExternalServiceError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from comptoir.errors import ExternalServiceError


class PackState(StrEnum):
    """SPEC §9.4's states; "active" is the only one a pack may be handed to a patient from."""

    ACTIVE = "actif"
    SUPPLIED = "delivre"
    EXPORTED = "exporte"
    CHECKED_OUT = "sorti"
    SAMPLE = "echantillon"
    FREE_SAMPLE = "echantillon_gratuit"
    LOCKED = "verrouille"
    STOLEN = "vole"
    DESTROYED = "detruit"
    EXPIRED = "perime"
    RECALLED = "rappele"
    WITHDRAWN = "retire"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    PackState.ACTIVE: "active", PackState.SUPPLIED: "déjà délivrée", PackState.EXPORTED: "exportée",
    PackState.CHECKED_OUT: "sortie du circuit", PackState.SAMPLE: "échantillon (autorités)",
    PackState.FREE_SAMPLE: "échantillon gratuit", PackState.LOCKED: "verrouillée", PackState.STOLEN: "déclarée volée",
    PackState.DESTROYED: "détruite", PackState.EXPIRED: "périmée", PackState.RECALLED: "rappelée (lot retiré)",
    PackState.WITHDRAWN: "retirée du marché"}


class AlertCode(StrEnum):
    """The NMVS return codes comptoir reproduces (SPEC §9.4), with their French labels."""

    UNKNOWN_SERIAL = "NMVS_NC_PC_02"
    UNKNOWN_BATCH = "NMVS_FE_LOT_03"
    EXPIRY_MISMATCH = "NMVS_FE_LOT_12"
    BATCH_MISMATCH = "NMVS_FE_LOT_13"
    UNDO_MISMATCH = "NMVS_NC_PCK_06"
    ALREADY_SET = "NMVS_NC_PCK_19"
    UNDO_TOO_LATE = "NMVS_NC_PCK_20"
    OTHER_USER = "NMVS_NC_PCK_21"
    ALREADY_INACTIVE = "NMVS_NC_PCK_22"
    NOT_PERFORMED = "NMVS_NC_PCK_27"

    @property
    def label(self) -> str:
        return ALERT_LABELS[self]


ALERT_LABELS = {
    AlertCode.UNKNOWN_SERIAL: "numéro de série inconnu du système : boîte potentiellement falsifiée",
    AlertCode.UNKNOWN_BATCH: "lot inconnu pour ce produit : boîte potentiellement falsifiée",
    AlertCode.EXPIRY_MISMATCH: "la date de péremption ne correspond pas à celle du lot",
    AlertCode.BATCH_MISMATCH: "le lot ne correspond pas au numéro de série",
    AlertCode.UNDO_MISMATCH: "l'annulation ne correspond pas à l'état de la boîte",
    AlertCode.ALREADY_SET: "état déjà enregistré pour cette boîte",
    AlertCode.UNDO_TOO_LATE: "délai d'annulation dépassé (10 jours)",
    AlertCode.OTHER_USER: "annulation demandée par une autre structure que celle qui a désactivé la boîte",
    AlertCode.ALREADY_INACTIVE: "boîte déjà inactive",
    AlertCode.NOT_PERFORMED: "changement d'état impossible"}


@dataclass(frozen=True, slots=True)
class PackId:
    """A pack as its DataMatrix names it (SPEC §9.2): GTIN-14 ("0" + CIP13), serial, lot, expiry."""

    gtin: str
    serial: str
    lot: str | None = None
    expiry: date | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    code: str
    label: str

    def said(self) -> str:
        return f"{self.label} ({self.code})"


@dataclass(frozen=True, slots=True)
class PackStatus:
    """What the system says of a pack: its state and the alerts its data raised."""

    pack: PackId
    state: PackState | None
    """None when the system does not know the pack."""
    alerts: tuple[Alert, ...] = ()

    @property
    def deliverable(self) -> bool:
        return self.state is PackState.ACTIVE and not self.alerts


@dataclass(frozen=True, slots=True)
class Change:
    """A decommission or undo done (or found already done under the same transaction id: `duplicate`)."""

    pack: PackId
    state: PackState
    transaction: str
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """One pack of a bulk request: its change, or the alert that refused it."""

    pack: PackId
    change: Change | None = None
    refusal: Alert | None = None


class NmvsRefusal(ExternalServiceError):
    """The system refused the act on this pack: permanent, with the NMVS code and its French label."""

    def __init__(self, alert: Alert, *, state: PackState | None = None) -> None:
        super().__init__(f"Vérification des médicaments (NMVS) : {alert.said()}.", permanent=True)
        self.code, self.label, self.state = alert.code, alert.label, state


class MedicinesVerification(Protocol):
    def verify(self, pack: PackId) -> PackStatus: ...

    def decommission(self, pack: PackId, *, state: PackState, transaction: str) -> Change: ...

    def undo(self, pack: PackId, *, state: PackState, transaction: str) -> Change: ...

    def verify_many(self, packs: Sequence[PackId]) -> list[PackStatus]: ...

    def decommission_many(self, packs: Sequence[PackId], *, state: PackState, transaction: str) -> list[Outcome]: ...

    def undo_many(self, packs: Sequence[PackId], *, state: PackState, transaction: str) -> list[Outcome]: ...
