"""The NMVS messages as our emulator speaks them (its own field names).

The real France MVS interface is reached through the DP connector and its contract is not public (SPEC §9.3):
this JSON contract is a design choice that carries the same content — the pack's unique identifier (product
code, serial, lot, expiry), the state, the transaction id, and the NMVS return codes of SPEC §9.4 with a label.
A write answers 200 whether it was done or refused: `effectuee` says which, `alertes` why; a bulk request
answers pack by pack in the order given.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Etat = Literal["actif", "delivre", "exporte", "sorti", "echantillon", "echantillon_gratuit", "verrouille", "vole",
               "detruit", "perime", "rappele", "retire"]
EtatCible = Literal["delivre", "exporte", "sorti", "echantillon", "echantillon_gratuit", "verrouille", "vole",
                    "detruit"]
"""The states a pharmacy may decommission into (expired, recalled, withdrawn are the system's own)."""
BULK_MAX = 100
TEXT_20 = r"^[\x21-\x7e]{1,20}$"
"""GS1 AI 10 and 21: up to 20 printable characters (SPEC §9.2)."""


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Boite(_Message):
    codeProduit: str = Field(pattern=r"^\d{14}$", description="GTIN-14 (0 + CIP13)")
    numeroSerie: str = Field(pattern=TEXT_20)
    lot: str | None = Field(default=None, pattern=TEXT_20)
    peremption: date | None = Field(default=None, description="Date lue sur la boîte (JJ=00 : dernier jour du mois)")


class Alerte(_Message):
    code: str = Field(max_length=20)
    libelle: str = Field(max_length=300)


class Decommission(_Message):
    boite: Boite
    etatCible: EtatCible = "delivre"
    idTransaction: str = Field(min_length=1, max_length=100)


class Annulation(_Message):
    boite: Boite
    etatAnnule: EtatCible = Field(default="delivre", description="L'état que l'annulation retire")
    idTransaction: str = Field(min_length=1, max_length=100)


class ReponseBoite(_Message):
    boite: Boite
    etat: Etat | None = Field(description="Absent quand la boîte est inconnue")
    alertes: list[Alerte] = []


class ReponseChangement(_Message):
    boite: Boite
    effectuee: bool
    etat: Etat | None
    idTransaction: str
    dejaTraitee: bool = Field(default=False, description="Même idTransaction déjà reçue : rien n'a changé")
    alertes: list[Alerte] = []


class Verifications(_Message):
    boites: list[Boite] = Field(min_length=1, max_length=BULK_MAX)


class Decommissions(_Message):
    boites: list[Boite] = Field(min_length=1, max_length=BULK_MAX)
    etatCible: EtatCible = "delivre"
    idTransaction: str = Field(min_length=1, max_length=90, description="Chaque boîte : idTransaction-<rang>")


class Annulations(_Message):
    boites: list[Boite] = Field(min_length=1, max_length=BULK_MAX)
    etatAnnule: EtatCible = "delivre"
    idTransaction: str = Field(min_length=1, max_length=90, description="Chaque boîte : idTransaction-<rang>")


class ReponseVerifications(_Message):
    resultats: list[ReponseBoite]


class ReponseChangements(_Message):
    resultats: list[ReponseChangement]
