"""ASAFO's messages as our emulator speaks them (its own field names, JSON).

The amelipro téléservice has no public API (SPEC §11.2: "integration into pharmacy software in progress"):
these messages are a design choice carrying the columns of the screens the pharmacists use (SPEC §15.6).
Paths:

    GET  /alertes?region=&depuis=&nir=&rpps=&produit=   the confirmed fake prescriptions (region or national)
    GET  /alertes/{id}/document                         the scanned fake prescription (PNG)
    POST /signalements                                  declare a suspicion (idempotent by `cle`)
    GET  /signalements                                  my pharmacy's declarations and their outcome
    POST /instruction/signalements/{id}                 the CPAM's ruling (CPAM credential only)
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from comptoir.domain import bounds

Anomalie = Literal["falsifiee", "volee", "modifiee", "scannee", "inventee"]
StatutSignalement = Literal["EN_COURS", "CONFIRMEE", "INFIRMEE"]
NAME = bounds.NAME_MAX
TEXT = bounds.SHORT_TEXT_MAX
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
"""[U] The largest scan ASAFO takes; a phone photo or a 300 dpi scan of one page fits well under it."""
DOCUMENT_TYPES = ("image/jpeg", "image/png", "application/pdf")


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Prescripteur(_Message):
    rpps: str | None = Field(default=None, pattern=r"^\d{11}$")
    numeroStructure: str | None = Field(default=None, max_length=14, description="N° AM ou FINESS")
    nom: str = Field(default="", max_length=NAME)


class Beneficiaire(_Message):
    nir: str | None = Field(default=None, pattern=r"^[0-9]{6}[0-9AB][0-9]{6,8}$")
    nom: str = Field(default="", max_length=NAME)


class Produit(_Message):
    marque: str = Field(min_length=1, max_length=TEXT)
    cip13: str | None = Field(default=None, pattern=r"^\d{13}$")
    substances: list[str] = Field(default_factory=list, max_length=10)


class Alerte(_Message):
    idAlerte: str = Field(max_length=40)
    typeAnomalie: Anomalie
    dateFinInstruction: date
    datePrescription: date | None = None
    prescripteur: Prescripteur
    beneficiaire: Beneficiaire
    classeMedicamenteuse: str = Field(max_length=TEXT)
    produits: list[Produit] = Field(max_length=bounds.LINES_MAX)
    region: str = Field(max_length=40)
    dateCreation: datetime
    documentDisponible: bool = True


class Document(_Message):
    typeContenu: str = Field(max_length=40)
    contenuBase64: str = Field(min_length=1)


class Signalement(_Message):
    cle: str = Field(min_length=8, max_length=80, description="Clé d'idempotence de la pharmacie")
    datePrescription: date | None = None
    prescripteur: Prescripteur
    beneficiaire: Beneficiaire
    produits: list[Produit] = Field(min_length=1, max_length=bounds.LINES_MAX)
    authentifieeParPrescripteur: bool = Field(
        description="« Fausse ordonnance authentifiée par le prescripteur » : le prescripteur a confirmé le faux")
    commentaire: str = Field(default="", max_length=bounds.NOTE_MAX)
    document: Document | None = None


class ReponseSignalement(_Message):
    idSignalement: str
    cle: str
    statut: StatutSignalement
    dateSignalement: datetime
    dateDecision: datetime | None = None
    motifDecision: str = ""
    idAlerte: str | None = None
    """The alert the CPAM made of it, once confirmed."""
    dejaRecu: bool = False


class Decision(_Message):
    statut: Literal["CONFIRMEE", "INFIRMEE"]
    motif: str = Field(default="", max_length=bounds.NOTE_MAX)
    typeAnomalie: Anomalie = "falsifiee"
    region: str = Field(default="", max_length=40)
