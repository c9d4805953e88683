"""The DMP's messages as our emulator speaks them (its own field names, JSON).

The real DMP speaks IHE XDS.b (ITI-41 feed, ITI-18 search, ITI-43 retrieve, ITI-57 update; SPEC §5.4) over SOAP,
or the CNAM's FHIR "API DOC MES"; neither is reachable here. This contract carries the same content: a feed is
the CDA document (base 64) with the masks asked for and the uniqueId it replaces; an entry (`Fiche`) holds the
XDS DocumentEntry metadata the DMP derived from the CDA header.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Visibilite = Literal["MASQUE_PS", "INVISIBLE_PATIENT", "INVISIBLE_REPRESENTANTS_LEGAUX"]
DOCUMENT_MAX_CHARS = 28_000_000
"""About 20 MB of CDA once in base 64 (a level-1 document embeds its PDF)."""
ID_MAX = 256


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Alimentation(_Message):
    document: str = Field(min_length=1, max_length=DOCUMENT_MAX_CHARS, description="Le document CDA R2, en base 64")
    visibilite: list[Visibilite] = Field(default_factory=list, max_length=3)
    remplace: str | None = Field(default=None, min_length=1, max_length=ID_MAX,
                                 description="uniqueId de la version que ce document remplace (même setId)")


class Accuse(_Message):
    uniqueId: str
    setId: str
    version: int
    doublon: bool = Field(description="Le DMP avait déjà ce document : il ne l'a pas indexé deux fois")


class Fiche(_Message):
    uniqueId: str
    setId: str
    version: int
    insPatient: str
    oidInsPatient: str
    classCode: str
    typeCode: str
    typeLibelle: str
    formatCode: str
    confidentialite: list[str]
    auteurRpps: str
    auteurNom: str
    auteurStructure: str
    typeEtablissement: str
    dateCreation: datetime
    debutActe: datetime | None = None
    titre: str
    typeMime: str
    taille: int
    hash: str
    statut: Literal["approved", "deprecated"]


class Document(_Message):
    fiche: Fiche
    contenu: str = Field(description="Le document CDA, en base 64")


class EtatDmp(_Message):
    existe: bool
    opposition: bool
    motif: str = ""


class Blocage(_Message):
    """Un professionnel (RPPS) ou une structure (FINESS…) que le patient empêche d'accéder à son DMP."""

    rpps: str | None = Field(default=None, pattern=r"^\d{11}$")
    structure: str | None = Field(default=None, pattern=r"^\d{9,14}$")


class Acces(_Message):
    date: datetime
    qui: str
    action: str
    uniqueId: str = ""
    resultat: str
