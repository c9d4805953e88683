"""The ON base's messages as our emulator speaks them (its own field names, JSON).

The CNAM téléservice contract is not public (SPEC §4.4, §14): these messages are a design choice that
carry the EPU content of SPEC §4.5–4.6. Paths:

    POST /ordonnances                                  créer (prescripteur) -> idPrescription
    GET  /ordonnances/{id}?rpps=&finess=               consulter (pharmacien) -> Ordonnance
    GET  /ordonnances?rpps= | ?nom=&prenom=&dateNaissance=   rechercher
    POST /ordonnances/{id}/executions                  exécuter (idempotent par cleIdempotence)
    POST /ordonnances/{id}/executions/{cle}/facturation   complément de facturation (mode séquentiel)
    POST /ordonnances/{id}/executions/{cle}/annulation    annuler une exécution (pharmacie qui l'a faite)
    GET  /ordonnances/{id}/executions?rpps=            exécutions vues par le prescripteur (consentement)
    POST /ordonnances/{id}/annulation?rpps=            annuler (prescripteur)
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from comptoir.domain import bounds

NAME = bounds.NAME_MAX
TEXT = bounds.SHORT_TEXT_MAX
FIRST_ON = date(2000, 1, 1)
LAST_ON = date(2099, 12, 31)
"""Prescription dates the base takes: a year 1 or 9999 is a typing slip, not an ON."""


class _Message(BaseModel):
    # Finite numbers and bounded texts: what the base records must fit its documents (domain/bounds.py).
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Prescripteur(_Message):
    rpps: str = Field(pattern=r"^\d{11}$")
    am: str = Field(pattern=r"^(\d{9}|2[AB]\d{7})$", description="N° AM ou FINESS géographique de la structure")
    nom: str = Field(min_length=1, max_length=NAME)
    prenom: str = Field(default="", max_length=NAME)
    specialite: str = Field(default="", max_length=TEXT)
    finess: str | None = Field(default=None, max_length=9)
    rppsRemplace: str | None = Field(default=None, pattern=r"^\d{11}$")


class PatientOn(_Message):
    nom: str = Field(min_length=1, max_length=NAME)
    prenom: str = Field(min_length=1, max_length=NAME)
    dateNaissance: date = Field(ge=bounds.OLDEST_BIRTH, le=LAST_ON)
    sexe: Literal["M", "F"] | None = None
    matriculeIns: str | None = Field(default=None, max_length=15)
    oidIns: str | None = Field(default=None, max_length=64)


class LignePrescription(_Message):
    numero: int = Field(ge=1, le=bounds.LINES_MAX)
    type: Literal["medicament", "dispositif", "preparation"] = "medicament"
    designation: str = Field(min_length=1, max_length=TEXT)
    posologie: str = Field(min_length=1, max_length=bounds.POSOLOGY_MAX, description="Posologie textuelle, obligatoire")
    quantite: int = Field(default=1, ge=1, le=bounds.BOXES_MAX, description="Boîtes (EDQM 30009000) par période")
    renouvellements: int = Field(default=0, ge=0, le=bounds.RENEWALS_MAX)
    dureeJours: int | None = Field(default=None, ge=1, le=bounds.DURATION_DAYS_MAX)
    cis: str | None = Field(default=None, pattern=r"^\d{8}$")
    cip13: str | None = Field(default=None, pattern=r"^\d{13}$")
    substituable: bool = True
    motifNonSubstitution: Literal["MTE", "EFG", "CIF"] | None = None
    ald: bool = False


class DemandeCreation(_Message):
    prescripteur: Prescripteur
    patient: PatientOn
    datePrescription: date = Field(ge=FIRST_ON, le=LAST_ON)
    lignes: list[LignePrescription] = Field(min_length=1, max_length=bounds.LINES_MAX)
    consentement: bool = Field(description="Le patient accepte que le prescripteur voie les délivrances")
    securisee: bool = False
    commentaire: str = Field(default="", max_length=bounds.NOTE_MAX)


class ReponseCreation(_Message):
    idPrescription: str
    statut: str
    finValidite: date


class Intervention(_Message):
    probleme: str = Field(max_length=TEXT)
    intervention: str = Field(max_length=TEXT)
    devenir: str | None = Field(default=None, max_length=TEXT)
    commentaire: str = Field(default="", max_length=bounds.NOTE_MAX)


class LigneExecution(_Message):
    numeroLigne: int = Field(ge=1, le=bounds.LINES_MAX)
    designation: str = Field(min_length=1, max_length=TEXT)
    quantite: int = Field(ge=1, le=bounds.BOXES_MAX)
    cip13: str | None = Field(default=None, pattern=r"^\d{13}$")
    partielle: bool = False
    substitution: Literal["G", "E", "EC", "BC", "TE"] | None = None
    intervention: Intervention | None = None
    posologieDelivree: str = Field(default="", max_length=bounds.POSOLOGY_MAX)


class DemandeExecution(_Message):
    cleIdempotence: str = Field(min_length=8, max_length=80)
    dateExecution: datetime
    numeroRenouvellement: int = Field(default=0, ge=0, le=bounds.RENEWALS_MAX)
    finessPharmacie: str = Field(max_length=9)
    nomPharmacie: str = Field(default="", max_length=TEXT)
    rppsPharmacien: str = Field(pattern=r"^\d{11}$")
    lignes: list[LigneExecution] = Field(min_length=1, max_length=bounds.LINES_MAX)


class Execution(DemandeExecution):
    idExecution: str
    facturee: bool = False


class ReponseExecution(_Message):
    idExecution: str
    statut: str
    dejaRecue: bool = Field(description="Vrai quand la même clé avait déjà été enregistrée (aucun doublon)")


class DemandeAnnulation(_Message):
    motif: str = Field(min_length=1, max_length=bounds.NOTE_MAX, description="Pourquoi la délivrance est annulée")


class ReponseAnnulation(_Message):
    idExecution: str
    statut: str
    dejaAnnulee: bool = Field(description="Vrai quand cette exécution était déjà annulée (rien n'est refait)")


class LigneFacturation(_Message):
    numeroLigne: int = Field(ge=1, le=bounds.LINES_MAX)
    montant: float = Field(ge=0, le=1_000_000)
    baseRemboursement: float | None = Field(default=None, ge=0, le=1_000_000)
    taux: int | None = Field(default=None, ge=0, le=100)


class ComplementFacturation(_Message):
    numeroFacture: str = Field(min_length=1, max_length=40)
    dateFacture: date
    lignes: list[LigneFacturation] = Field(default=[], max_length=bounds.LINES_MAX)


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
