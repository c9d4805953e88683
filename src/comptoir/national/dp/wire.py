"""The DP's messages as our emulator speaks them (its own field names).

The real DP is reached through the CNOP's host with a CPS and its contract is not public (SPEC §6): this JSON
contract is a design choice carrying the content the SPEC names. The beneficiary travels in the body of a POST,
never in an address (addresses end up in logs).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from comptoir.domain.bounds import NAME_MAX

Categorie = Literal["ordinaire", "vaccin", "biologique"]
Statut = Literal["ouvert", "ferme", "absent"]
KEY_MAX = 80
LABEL_MAX = 300
"""A product's label as the BDPM names it (name, strength, form) may be long."""


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Beneficiaire(_Message):
    nir: str = Field(min_length=13, max_length=15, pattern=r"^[0-9][0-9AB][0-9]{11}([0-9]{2})?$",
                     description="NIR lu sur la carte Vitale (13 caractères, ou 15 avec la clé)")
    dateNaissance: date


class DemandeOuverture(_Message):
    beneficiaire: Beneficiaire
    carteVitaleLue: bool = Field(description="La carte Vitale du bénéficiaire a été lue au comptoir")
    consentement: bool = Field(description="Le patient consent à l'ouverture de son DP")


class ReponseOuverture(_Message):
    statut: Statut
    ouvertLe: date
    dejaOuvert: bool


class DemandeConsultation(_Message):
    beneficiaire: Beneficiaire
    fenetreMois: int = Field(default=4, ge=1, le=12,
                             description="Médicaments ordinaires : 4 mois par défaut, 12 au plus")


class LigneDp(_Message):
    dateDispensation: date
    cip13: str = Field(min_length=13, max_length=13)
    libelle: str = Field(max_length=LABEL_MAX)
    quantite: int = Field(ge=1, le=999)
    categorie: Categorie
    finess: str = Field(min_length=9, max_length=9)
    nomPharmacie: str = Field(max_length=NAME_MAX)


class ReponseConsultation(_Message):
    statut: Statut
    lignes: list[LigneDp] = Field(default_factory=list)


class LigneEnvoyee(_Message):
    numeroLigne: int = Field(ge=1, le=999)
    cip13: str = Field(min_length=13, max_length=13, pattern=r"^[0-9]{13}$")
    libelle: str = Field(min_length=1, max_length=LABEL_MAX)
    quantite: int = Field(ge=1, le=999)
    categorie: Categorie


class EnvoiLignes(_Message):
    beneficiaire: Beneficiaire
    cleDispensation: str = Field(min_length=1, max_length=KEY_MAX)
    dateDispensation: date
    finess: str = Field(min_length=9, max_length=9)
    nomPharmacie: str = Field(min_length=1, max_length=NAME_MAX)
    lignes: list[LigneEnvoyee] = Field(min_length=1, max_length=200)


class ReponseEnvoi(_Message):
    recues: int
    dejaRecues: int


class DemandeSurDispensation(_Message):
    """An annulation or a patient's refusal of feeding: one dispensation, by its key."""

    beneficiaire: Beneficiaire
    cleDispensation: str = Field(min_length=1, max_length=KEY_MAX)


class ReponseRetrait(_Message):
    retirees: int


class DemandeSurDossier(_Message):
    beneficiaire: Beneficiaire


class Acces(_Message):
    date: datetime
    structure: str
    rpps: str
    action: str


class Impression(_Message):
    statut: Statut
    ouvertLe: date | None = None
    lignes: list[LigneDp] = Field(default_factory=list)
    acces: list[Acces] = Field(default_factory=list)
