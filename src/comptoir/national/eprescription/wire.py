"""The ON base's messages as our emulator speaks them (its own field names, JSON).

The CNAM téléservice contract is not public (SPEC §4.4, §14): these messages are a design choice that
carry the EPU content of SPEC §4.5–4.6. Paths:

    POST /ordonnances                                  créer (prescripteur) -> idPrescription
    GET  /ordonnances/{id}?rpps=&finess=               consulter (pharmacien) -> Ordonnance
    GET  /ordonnances?rpps= | ?nom=&prenom=&dateNaissance=   rechercher
    POST /ordonnances/{id}/executions                  exécuter (idempotent par cleIdempotence)
    POST /ordonnances/{id}/executions/{cle}/facturation   complément de facturation (mode séquentiel)
    GET  /ordonnances/{id}/executions?rpps=            exécutions vues par le prescripteur (consentement)
    POST /ordonnances/{id}/annulation?rpps=            annuler (prescripteur)
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Prescripteur(_Message):
    rpps: str = Field(pattern=r"^\d{11}$")
    am: str = Field(pattern=r"^(\d{9}|2[AB]\d{7})$", description="N° AM ou FINESS géographique de la structure")
    nom: str = Field(min_length=1)
    prenom: str = ""
    specialite: str = ""
    finess: str | None = None
    rppsRemplace: str | None = Field(default=None, pattern=r"^\d{11}$")


class PatientOn(_Message):
    nom: str = Field(min_length=1)
    prenom: str = Field(min_length=1)
    dateNaissance: date
    sexe: Literal["M", "F"] | None = None
    matriculeIns: str | None = None
    oidIns: str | None = None


class LignePrescription(_Message):
    numero: int = Field(ge=1)
    type: Literal["medicament", "dispositif", "preparation"] = "medicament"
    designation: str = Field(min_length=1)
    posologie: str = Field(min_length=1, description="Posologie textuelle, obligatoire")
    quantite: int = Field(default=1, ge=1, description="Boîtes (EDQM 30009000) par période")
    renouvellements: int = Field(default=0, ge=0, le=12)
    dureeJours: int | None = Field(default=None, ge=1)
    cis: str | None = Field(default=None, pattern=r"^\d{8}$")
    cip13: str | None = Field(default=None, pattern=r"^\d{13}$")
    substituable: bool = True
    motifNonSubstitution: Literal["MTE", "EFG", "CIF"] | None = None
    ald: bool = False


class DemandeCreation(_Message):
    prescripteur: Prescripteur
    patient: PatientOn
    datePrescription: date
    lignes: list[LignePrescription] = Field(min_length=1)
    consentement: bool = Field(description="Le patient accepte que le prescripteur voie les délivrances")
    securisee: bool = False
    commentaire: str = ""


class ReponseCreation(_Message):
    idPrescription: str
    statut: str
    finValidite: date


class Intervention(_Message):
    probleme: str
    intervention: str
    devenir: str | None = None
    commentaire: str = ""


class LigneExecution(_Message):
    numeroLigne: int = Field(ge=1)
    designation: str = Field(min_length=1)
    quantite: int = Field(ge=1)
    cip13: str | None = Field(default=None, pattern=r"^\d{13}$")
    partielle: bool = False
    substitution: Literal["G", "E", "EC", "BC", "TE"] | None = None
    intervention: Intervention | None = None
    posologieDelivree: str = ""


class DemandeExecution(_Message):
    cleIdempotence: str = Field(min_length=8, max_length=80)
    dateExecution: datetime
    numeroRenouvellement: int = Field(default=0, ge=0)
    finessPharmacie: str
    nomPharmacie: str = ""
    rppsPharmacien: str = Field(pattern=r"^\d{11}$")
    lignes: list[LigneExecution] = Field(min_length=1)


class Execution(DemandeExecution):
    idExecution: str
    facturee: bool = False


class ReponseExecution(_Message):
    idExecution: str
    statut: str
    dejaRecue: bool = Field(description="Vrai quand la même clé avait déjà été enregistrée (aucun doublon)")


class LigneFacturation(_Message):
    numeroLigne: int
    montant: float
    baseRemboursement: float | None = None
    taux: int | None = None


class ComplementFacturation(_Message):
    numeroFacture: str = Field(min_length=1)
    dateFacture: date
    lignes: list[LigneFacturation] = []


class Ordonnance(_Message):
    idPrescription: str
    statut: str
    datePrescription: date
    finValidite: date
    prescripteur: Prescripteur
    patient: PatientOn
    lignes: list[LignePrescription]
    consentement: bool
    securisee: bool = False
    annulee: bool = False
    consultations: int = 0
    executions: list[Execution] = []


class Resume(_Message):
    idPrescription: str
    statut: str
    datePrescription: date
    patient: PatientOn
    consultations: int
    executions: int
