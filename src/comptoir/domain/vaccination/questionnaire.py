"""The questions asked before the injection, and what each « oui » does: it blocks the vaccination (nothing is
given today) or it warns (the pharmacist gives it, with the precaution said).

Sources: the RCP of the vaccines (section 4.3 contre-indications, 4.4 mises en garde) and the guide
« Vaccination par le pharmacien » of the Ordre (2023) [P]:
- a severe allergic reaction to a previous dose or to a component contraindicates the vaccine;
- fever or an acute moderate-to-severe infection postpones it;
- pregnancy contraindicates live vaccines and HPV (not recommended during pregnancy, RCP Gardasil 9); flu, Covid
  and dTcaP are recommended during pregnancy; other vaccines ask the doctor's opinion (warning);
- immunodepression contraindicates live vaccines; otherwise the response may be weaker (warning);
- a bleeding disorder or an anticoagulant: subcutaneous route when the RCP allows it, otherwise IM with a fine
  needle and two minutes of firm pressure (warning);
- another vaccine in the last four weeks: a delay is needed only between two live vaccines (blocks a live one);
- a fainting after a previous injection: vaccinate the patient seated or lying, and watch 15 minutes (warning).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from comptoir.domain.vaccination.vaccines import Vaccine, VaccineKind


class Effect(StrEnum):
    BLOCKS = "bloque"
    WARNS = "alerte"
    NONE = "aucun"


@dataclass(frozen=True, slots=True)
class Question:
    code: str
    text: str
    if_yes: str
    """What a « oui » does, shown beside the question before the act (the exact outcome depends on the vaccine)."""


QUESTIONS = (
    Question("allergy", "Réaction allergique grave (anaphylaxie) après une dose de ce vaccin ou à l'un de ses "
                        "composants ?", "oui : ne pas vacciner"),
    Question("fever", "Fièvre ou infection aiguë aujourd'hui ?", "oui : reporter"),
    Question("pregnancy", "Grossesse en cours ou possible ?",
             "oui : grippe, Covid, dTcaP possibles ; HPV et vaccins vivants non"),
    Question("immunodepression", "Immunodépression (maladie ou traitement immunosuppresseur) ?",
             "oui : vaccins vivants non ; réponse parfois diminuée"),
    Question("bleeding", "Trouble de la coagulation ou traitement anticoagulant ?",
             "oui : voie sous-cutanée si le vaccin le permet, sinon aiguille fine et compression 2 minutes"),
    Question("recent_vaccine", "Autre vaccin reçu au cours des 4 dernières semaines ?",
             "oui : 4 semaines entre deux vaccins vivants"),
    Question("fainting", "Malaise lors d'une injection précédente ?", "oui : vacciner assis ou allongé, surveiller"),
)
QUESTION_CODES = tuple(q.code for q in QUESTIONS)
_SAFE_IN_PREGNANCY = (VaccineKind.FLU, VaccineKind.COVID, VaccineKind.DTCAP_POLIO)


@dataclass(frozen=True, slots=True)
class Outcome:
    effect: Effect
    message: str = ""


@dataclass(frozen=True, slots=True)
class Assessment:
    blocking: dict[str, str]
    """{question code: why the vaccination cannot be done today}."""
    warnings: dict[str, str]
    """{question code: the precaution to take}."""

    @property
    def allowed(self) -> bool:
        return not self.blocking


def outcome(code: str, vaccine: Vaccine) -> Outcome:
    """What a « oui » to question `code` means for this vaccine."""
    return _OUTCOMES[code](vaccine)


def assess(answers: Mapping[str, bool], vaccine: Vaccine) -> Assessment:
    """The answers given (every question answered: the caller checks it first)."""
    found = {code: outcome(code, vaccine) for code, yes in answers.items() if yes and code in _OUTCOMES}
    return Assessment(blocking={c: o.message for c, o in found.items() if o.effect is Effect.BLOCKS},
                      warnings={c: o.message for c, o in found.items() if o.effect is Effect.WARNS})


def _allergy(_: Vaccine) -> Outcome:
    return Outcome(Effect.BLOCKS, "Allergie grave à ce vaccin ou à un composant : contre-indication, ne pas "
                                  "vacciner ; orientez vers le médecin (allergologue).")


def _fever(_: Vaccine) -> Outcome:
    return Outcome(Effect.BLOCKS, "Fièvre ou infection aiguë : vaccination à reporter après la guérison.")


def _pregnancy(vaccine: Vaccine) -> Outcome:
    if vaccine.live or vaccine.kind is VaccineKind.HPV:
        return Outcome(Effect.BLOCKS, "Grossesse : ce vaccin n'est pas administré pendant la grossesse.")
    if vaccine.kind in _SAFE_IN_PREGNANCY:
        return Outcome(Effect.NONE)
    return Outcome(Effect.WARNS, "Grossesse : vaccin à discuter avec le médecin ou la sage-femme.")


def _immunodepression(vaccine: Vaccine) -> Outcome:
    if vaccine.live:
        return Outcome(Effect.BLOCKS, "Immunodépression : vaccin vivant contre-indiqué.")
    return Outcome(Effect.WARNS, "Immunodépression : la réponse au vaccin peut être diminuée ; informez le "
                                 "médecin traitant.")


def _bleeding(vaccine: Vaccine) -> Outcome:
    if vaccine.subcutaneous_allowed:
        return Outcome(Effect.WARNS, "Risque hémorragique : préférez la voie sous-cutanée (autorisée pour ce "
                                     "vaccin), sinon aiguille fine et compression 2 minutes.")
    return Outcome(Effect.WARNS, "Risque hémorragique : voie intramusculaire avec aiguille fine, puis compression "
                                 "ferme 2 minutes sans masser.")


def _recent_vaccine(vaccine: Vaccine) -> Outcome:
    if vaccine.live:
        return Outcome(Effect.BLOCKS, "Vaccin récent : 4 semaines d'écart entre deux vaccins vivants.")
    return Outcome(Effect.NONE)


def _fainting(_: Vaccine) -> Outcome:
    return Outcome(Effect.WARNS, "Antécédent de malaise : vaccinez le patient assis ou allongé et surveillez-le "
                                 "15 minutes.")


_OUTCOMES = {"allergy": _allergy, "fever": _fever, "pregnancy": _pregnancy, "immunodepression": _immunodepression,
             "bleeding": _bleeding, "recent_vaccine": _recent_vaccine, "fainting": _fainting}
