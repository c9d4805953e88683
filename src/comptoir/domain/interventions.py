"""Pharmaceutical interventions, coded with the SFPC classification (Act-IP): the problem found,
the intervention proposed, and whether the prescriber took it into account.

Codes and labels: Société française de pharmacie clinique, as used by the Interop'Santé
"Analyse pharmaceutique" guide (SPEC.md §13; labels partly verified).
"""

from __future__ import annotations

from dataclasses import dataclass

from comptoir.errors import RuleViolation

PROBLEMS = {
    "1": "Non-conformité aux référentiels ou contre-indication",
    "1.1": "Non-conformité au livret", "1.2": "Non-conformité aux consensus", "1.3": "Contre-indication",
    "2": "Indication non traitée",
    "3": "Sous-dosage", "3.1": "Posologie infrathérapeutique", "3.2": "Durée de traitement anormalement courte",
    "4": "Surdosage", "4.1": "Posologie suprathérapeutique", "4.2": "Même principe actif prescrit plusieurs fois",
    "5": "Médicament non indiqué", "5.3": "Redondance pharmacologique",
    "6": "Interaction médicamenteuse", "6.1": "À prendre en compte", "6.2": "Précaution d'emploi",
    "6.3": "Association déconseillée", "6.4": "Contre-indication", "6.5": "Interaction non publiée",
    "7": "Effet indésirable",
    "8": "Voie ou administration inappropriée",
    "9": "Traitement non reçu",
    "10": "Monitorage à suivre",
}
INTERVENTIONS = {
    "1": "Ajout", "2": "Arrêt", "3": "Substitution / échange", "4": "Choix de la voie d'administration",
    "5": "Suivi thérapeutique", "6": "Optimisation des modalités d'administration", "7": "Adaptation posologique",
}
OUTCOMES = {"1": "Acceptée", "2": "Non acceptée"}
PROBLEM_FOR_FINDING = {
    ("interaction", "CI"): "6.4", ("interaction", "ASDEC"): "6.3", ("interaction", "PE"): "6.2",
    ("interaction", "APEC"): "6.1", ("contraindication", ""): "1.3", ("allergy", ""): "1.3",
    ("redundancy", "ASDEC"): "4.2", ("redundancy", ""): "5.3", ("dose", ""): "4.1", ("quantity", ""): "3.2",
}


@dataclass(frozen=True, slots=True)
class Intervention:
    problem: str
    intervention: str
    outcome: str | None = None

    def __post_init__(self) -> None:
        if self.problem not in PROBLEMS:
            raise RuleViolation(f"Code problème SFPC inconnu : {self.problem}.")
        if self.intervention not in INTERVENTIONS:
            raise RuleViolation(f"Code d'intervention SFPC inconnu : {self.intervention}.")
        if self.outcome is not None and self.outcome not in OUTCOMES:
            raise RuleViolation(f"Devenir inconnu : {self.outcome} (1 acceptée, 2 non acceptée).")


INTERVENTION_FOR_FINDING = {
    ("interaction", "CI"): "2", ("interaction", "ASDEC"): "3", ("interaction", "PE"): "5", ("interaction", "APEC"): "5",
    ("contraindication", ""): "2", ("allergy", ""): "3", ("redundancy", ""): "2", ("dose", ""): "7",
    ("quantity", ""): "7", ("fraud", ""): "2", ("cost", ""): "5",
}


def suggested_intervention(kind: str, level: str) -> str:
    """The intervention a finding usually calls for: stop a contraindicated drug, adapt a dose..."""
    return INTERVENTION_FOR_FINDING.get((kind, level)) or INTERVENTION_FOR_FINDING.get((kind, ""), "5")


def suggested_problem(kind: str, level: str) -> str | None:
    """The SFPC problem a finding suggests (the pharmacist may choose another)."""
    return PROBLEM_FOR_FINDING.get((kind, level)) or PROBLEM_FOR_FINDING.get((kind, ""))
