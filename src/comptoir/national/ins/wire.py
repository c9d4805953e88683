"""The INSi messages as our emulator speaks them (its own field names).

The real téléservice is SOAP and its contract is not public (SPEC §1.5, §14): this JSON contract
is a design choice that carries the same content. Return codes: `00` one identity (or, for a
verification, conforming), `01` none (unknown matricule), `02` several, `03` not conforming.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from comptoir.domain.bounds import NAME_MAX

Sexe = Literal["M", "F"]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class IdentiteIns(_Message):
    matriculeIns: str = Field(min_length=15, max_length=15)
    oid: str = Field(max_length=64)
    nomNaissance: str = Field(max_length=NAME_MAX)
    prenoms: str = Field(max_length=NAME_MAX, description="Liste des prénoms de naissance, séparés par une espace")
    sexe: Sexe
    dateNaissance: date
    lieuNaissance: str = Field(min_length=5, max_length=5, description="Code INSEE (COG) ou 99xxx")


class RechercheCarte(_Message):
    nirOuvrantDroit: str = Field(min_length=13, max_length=15)
    nomUsuel: str = Field(min_length=1, max_length=NAME_MAX)
    prenom: str = Field(min_length=1, max_length=NAME_MAX)
    dateNaissance: date
    rangGemellaire: int = Field(default=1, ge=1, le=9)


class RechercheTraits(_Message):
    nomNaissance: str = Field(min_length=1, max_length=NAME_MAX)
    prenoms: str = Field(min_length=1, max_length=NAME_MAX)
    sexe: Sexe | None = None
    dateNaissance: date | None = None
    lieuNaissance: str | None = Field(default=None, min_length=5, max_length=5)


class ReponseRecherche(_Message):
    codeRetour: Literal["00", "01", "02"]
    libelle: str
    identite: IdentiteIns | None = None


class ReponseVerification(_Message):
    codeRetour: Literal["00", "01", "03"]
    libelle: str
    identite: IdentiteIns | None = None
