"""Operators of the pharmacy, their roles and what each role may do.

Pharmacist-only acts (validating a dispensation, recording a pharmaceutical
intervention, reading the audit trail) belong to the pharmacists: the titulaire
and the adjoints (CSP L.4241-1: préparateurs dispense "sous la responsabilité et le
contrôle effectif d'un pharmacien"; students act under the same control).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    TITULAIRE = "titulaire"
    ADJOINT = "adjoint"
    PREPARATEUR = "preparateur"
    ETUDIANT = "etudiant"
    ADMIN = "admin"
    PRESCRIPTEUR = "prescripteur"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.TITULAIRE: "Pharmacien titulaire",
    Role.ADJOINT: "Pharmacien adjoint",
    Role.PREPARATEUR: "Préparateur en pharmacie",
    Role.ETUDIANT: "Étudiant en pharmacie",
    Role.ADMIN: "Administrateur technique",
    Role.PRESCRIPTEUR: "Médecin prescripteur",
}


class Permission(StrEnum):
    SEARCH_DRUGS = "search_drugs"
    READ_PATIENTS = "read_patients"
    WRITE_PATIENTS = "write_patients"
    PHARMACIST_ACT = "pharmacist_act"
    READ_AUDIT = "read_audit"
    READ_TECHNICAL_AUDIT = "read_technical_audit"
    MANAGE_OPERATORS = "manage_operators"
    CONFIRM_OPERATORS = "confirm_operators"
    MANAGE_REFDATA = "manage_refdata"
    QUALIFY_IDENTITY = "qualify_identity"
    MERGE_PATIENTS = "merge_patients"
    PRESCRIBE = "prescribe"
    READ_DMP = "read_dmp"


PERMISSION_LABELS = {
    Permission.SEARCH_DRUGS: "Chercher un médicament",
    Permission.READ_PATIENTS: "Lire les dossiers patients de la pharmacie",
    Permission.WRITE_PATIENTS: "Créer et modifier un dossier patient",
    Permission.PHARMACIST_ACT: "Acte pharmaceutique (valider, intervenir, contrôler)",
    Permission.READ_AUDIT: "Lire tout le journal d'audit",
    Permission.READ_TECHNICAL_AUDIT: "Lire les événements techniques du journal",
    Permission.MANAGE_OPERATORS: "Gérer les comptes",
    Permission.CONFIRM_OPERATORS: "Confirmer un compte qui voit des données de santé",
    Permission.MANAGE_REFDATA: "Charger le référentiel",
    Permission.QUALIFY_IDENTITY: "Qualifier une identité (INSi, pièce)",
    Permission.MERGE_PATIENTS: "Fusionner deux dossiers",
    Permission.PRESCRIBE: "Prescrire (ses propres ordonnances et leurs patients)",
    Permission.READ_DMP: "Consulter le DMP du patient",
}

_COUNTER = {Permission.SEARCH_DRUGS, Permission.READ_PATIENTS, Permission.WRITE_PATIENTS,
            Permission.QUALIFY_IDENTITY}
# Merging two records rewrites a person's identity: a pharmacist decides (identitovigilance).
_PHARMACIST = _COUNTER | {Permission.PHARMACIST_ACT, Permission.MERGE_PATIENTS, Permission.READ_DMP}
# The DMP is read by the pharmacists and, under their responsibility as for dispensing (CSP L.4241-1), by the
# préparateurs the pharmacy empowers (SPEC §15.3 "habilitations set in the LGO"); not by students.

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.TITULAIRE: frozenset(_PHARMACIST | {Permission.READ_AUDIT, Permission.READ_TECHNICAL_AUDIT,
                                             Permission.MANAGE_OPERATORS, Permission.CONFIRM_OPERATORS,
                                             Permission.MANAGE_REFDATA}),
    Role.ADJOINT: frozenset(_PHARMACIST),
    Role.PREPARATEUR: frozenset(_COUNTER | {Permission.READ_DMP}),
    Role.ETUDIANT: frozenset(_COUNTER),
    # The technical administrator runs the system but sees no health data: accounts (a titulaire confirms
    # any account that would see health data), the reference, the technical events of the audit trail.
    Role.ADMIN: frozenset({Permission.SEARCH_DRUGS, Permission.MANAGE_OPERATORS, Permission.MANAGE_REFDATA,
                           Permission.READ_TECHNICAL_AUDIT}),
    # The prescriber module closes the ON circuit (DESIGN.md): a doctor sees the prescriptions he wrote and
    # their patients, never the pharmacy's records (PRESCRIBE is scoped to his own in the use cases).
    Role.PRESCRIPTEUR: frozenset({Permission.SEARCH_DRUGS, Permission.PRESCRIBE}),
}

HEALTH_DATA_PERMISSIONS = frozenset({Permission.READ_PATIENTS, Permission.WRITE_PATIENTS, Permission.PHARMACIST_ACT,
                                     Permission.READ_AUDIT, Permission.PRESCRIBE,
                                     Permission.READ_DMP})


def sees_health_data(role: Role) -> bool:
    return bool(PERMISSIONS[role] & HEALTH_DATA_PERMISSIONS)


def needs_confirmation(granted_by: Role, role: Role) -> bool:
    """An account that would see health data, made by someone who may not confirm it, waits for a titulaire."""
    return sees_health_data(role) and not may(granted_by, Permission.CONFIRM_OPERATORS)


def may(role: Role, permission: Permission) -> bool:
    return permission in PERMISSIONS[role]


def login_delay_s(recent_failures: int, free_failures: int) -> int:
    """Seconds to wait before the next try: nothing for the first failures, then doubling, capped at 5 min."""
    excess = recent_failures - free_failures
    return 0 if excess < 0 else min(2 ** (excess + 1), 300)
