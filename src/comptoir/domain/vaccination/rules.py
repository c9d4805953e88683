"""Who the pharmacist may vaccinate, and with what (SPEC §15.8).

Sources and choices, each marked as SPEC.md marks its facts ([V] verified, [P] plausible, [U] chosen):

- Décret n° 2023-736 and arrêté du 8 août 2023 (CSP R.5125-33-8): the pharmacist prescribes and gives the
  vaccines of the vaccination calendar to people aged 11 and over [P]. Under 11, no vaccine at the counter.
- Live attenuated vaccines (MMR, varicella, yellow fever…) are left to the doctor [U]: the 2023 texts exclude
  them for immunocompromised people; we refuse them at the counter for everyone, the safer reading, and none is in
  the list of SPEC §15.8.
- Flu: every person aged 11 and over during the seasonal campaign [P for the age, arrêté du 8 août 2023]; the
  campaign runs from 15 October to the end of February [U: the Assurance Maladie sets the dates each season, mid
  October to end of January, extended to February in recent seasons]; outside it the season's vaccine is not
  given. Children under 11 go to their doctor (choice written here).
- dTcaP/dTP boosters at 25, 45 and 65 years, then every 10 years (calendrier des vaccinations 2025) [V]; a
  catch-up is allowed at any age from 11.
- HPV catch-up up to 26 years included, both sexes (calendrier des vaccinations 2025) [P].
- Meningococcus ACWY: catch-up from 11 to 24 years (calendrier 2025), or a risk group [P]; meningococcus B:
  15 to 24 years (recommendation HAS 2024), or a risk group [P].
- Pneumococcus: 65 and over (HAS 2025), or a risk group (chronic disease, immunodepression, asplenia) [P].
- Rabies: pre-exposure only, for travellers and exposed professionals [P].
- Covid-19, hepatitis A and B: everyone from 11 [P].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from comptoir.domain.vaccination.vaccines import Vaccine, VaccineKind

MIN_AGE = 11
BOOSTER_AGES = (25, 45, 65)
BOOSTER_EVERY_AFTER_65 = 10
FLU_CAMPAIGN_START = (10, 15)
"""(month, day) the campaign opens each autumn [U]."""
FLU_CAMPAIGN_LAST_MONTH = 2
"""The campaign ends with February of the next year [U]."""


class RiskGroup(StrEnum):
    """What makes a vaccine recommended outside its age group."""

    CHRONIC_DISEASE = "maladie_chronique"
    IMMUNODEPRESSION = "immunodepression"
    ASPLENIA = "asplenie"
    TRAVEL = "voyage"
    PROFESSIONAL_EXPOSURE = "exposition_professionnelle"
    CLOSE_CONTACT = "entourage"

    @property
    def label(self) -> str:
        return RISK_LABELS[self]


RISK_LABELS = {
    RiskGroup.CHRONIC_DISEASE: "Maladie chronique (cœur, poumon, rein, foie, diabète)",
    RiskGroup.IMMUNODEPRESSION: "Immunodépression (maladie ou traitement)",
    RiskGroup.ASPLENIA: "Asplénie",
    RiskGroup.TRAVEL: "Voyage en zone d'endémie",
    RiskGroup.PROFESSIONAL_EXPOSURE: "Exposition professionnelle",
    RiskGroup.CLOSE_CONTACT: "Entourage d'une personne à risque",
}


@dataclass(frozen=True, slots=True)
class AgeRule:
    """Given from `min_age` to `max_age` (included; None: no limit), or at any age from 11 for `risks`."""

    min_age: int = MIN_AGE
    max_age: int | None = None
    risks: frozenset[RiskGroup] = frozenset()
    risk_only: bool = False
    """Only for the risk groups (rabies)."""


_MENINGO_RISKS = frozenset({RiskGroup.ASPLENIA, RiskGroup.IMMUNODEPRESSION, RiskGroup.TRAVEL,
                            RiskGroup.CLOSE_CONTACT})
RULES: dict[VaccineKind, AgeRule] = {
    VaccineKind.FLU: AgeRule(),
    VaccineKind.COVID: AgeRule(),
    VaccineKind.DTCAP_POLIO: AgeRule(),
    VaccineKind.DTP: AgeRule(),
    VaccineKind.HPV: AgeRule(max_age=26),
    VaccineKind.HEPATITIS_A: AgeRule(),
    VaccineKind.HEPATITIS_B: AgeRule(),
    VaccineKind.HEPATITIS_AB: AgeRule(),
    VaccineKind.MENINGOCOCCUS_ACWY: AgeRule(max_age=24, risks=_MENINGO_RISKS),
    VaccineKind.MENINGOCOCCUS_B: AgeRule(min_age=15, max_age=24, risks=_MENINGO_RISKS),
    VaccineKind.PNEUMOCOCCUS: AgeRule(min_age=65, risks=frozenset({RiskGroup.CHRONIC_DISEASE,
                                                                   RiskGroup.IMMUNODEPRESSION, RiskGroup.ASPLENIA})),
    VaccineKind.RABIES: AgeRule(risks=frozenset({RiskGroup.TRAVEL, RiskGroup.PROFESSIONAL_EXPOSURE}),
                                risk_only=True),
}
PHARMACIST_KINDS = tuple(RULES)


@dataclass(frozen=True, slots=True)
class Person:
    birth_date: date
    risks: frozenset[RiskGroup] = frozenset()


@dataclass(frozen=True, slots=True)
class Eligibility:
    kind: VaccineKind
    allowed: bool
    reason: str
    """Why not (French), or what the schedule says when allowed."""


def age_on(birth_date: date, today: date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def flu_campaign(today: date) -> tuple[date, date]:
    """The campaign `today` belongs to, or the next one (15 October → end of February) [U]."""
    year = today.year - 1 if today.month <= FLU_CAMPAIGN_LAST_MONTH else today.year
    end = date(year + 1, FLU_CAMPAIGN_LAST_MONTH + 1, 1) - timedelta(days=1)
    return date(year, *FLU_CAMPAIGN_START), end


def in_flu_campaign(today: date) -> bool:
    start, end = flu_campaign(today)
    return start <= today <= end


def eligibility(kind: VaccineKind, person: Person, today: date) -> Eligibility:
    """May the pharmacist give a vaccine of `kind` to `person` today."""
    rule = RULES.get(kind)
    if rule is None:
        return Eligibility(kind, False, "Ce vaccin ne fait pas partie de ceux que le pharmacien prescrit et "
                                        "administre : orientez vers le médecin.")
    age = age_on(person.birth_date, today)
    if age < MIN_AGE:
        return Eligibility(kind, False, f"Patient de {age} an(s) : le pharmacien vaccine à partir de {MIN_AGE} ans "
                                        "(arrêté du 8 août 2023) ; orientez vers le médecin.")
    refusal = _age_refusal(rule, age, person.risks) or _season_refusal(kind, today)
    if refusal:
        return Eligibility(kind, False, refusal)
    return Eligibility(kind, True, schedule_note(kind, age))


def _age_refusal(rule: AgeRule, age: int, risks: frozenset[RiskGroup]) -> str:
    if rule.risks & risks:
        return ""
    if rule.risk_only:
        return "Vaccin réservé aux personnes exposées : " + _risk_list(rule.risks) + "."
    if age < rule.min_age or (rule.max_age is not None and age > rule.max_age):
        span = (f"de {rule.min_age} à {rule.max_age} ans" if rule.max_age is not None
                else f"à partir de {rule.min_age} ans")
        others = f", ou pour : {_risk_list(rule.risks)}" if rule.risks else ""
        return f"Patient de {age} ans : ce vaccin est recommandé {span}{others}."
    return ""


def _risk_list(risks: frozenset[RiskGroup]) -> str:
    return ", ".join(risk.label.lower() for risk in RiskGroup if risk in risks)


def _season_refusal(kind: VaccineKind, today: date) -> str:
    if kind is not VaccineKind.FLU or in_flu_campaign(today):
        return ""
    start, _ = flu_campaign(today)
    return f"Hors campagne de vaccination antigrippale : elle ouvre le {start.strftime('%d/%m/%Y')}."


def vaccine_refusal(vaccine: Vaccine, person: Person, today: date) -> str:
    """Why this very product may not be given by the pharmacist to `person` today ("" when it may)."""
    if vaccine.live:
        return "Vaccin vivant atténué : il n'est pas administré à l'officine ; orientez vers le médecin."
    found = eligibility(vaccine.kind, person, today)
    return "" if found.allowed else found.reason


def schedule_note(kind: VaccineKind, age: int) -> str:
    if kind in (VaccineKind.DTCAP_POLIO, VaccineKind.DTP):
        due = next_booster_age(age - 1)
        return "Rappel à l'âge de " + f"{due} ans" + (" : c'est l'âge du rappel." if due == age else ".")
    return ""


def next_booster_age(age: int) -> int:
    """The first schedule age strictly after `age`: 25, 45, 65, then every 10 years."""
    for booster in BOOSTER_AGES:
        if age < booster:
            return booster
    return BOOSTER_AGES[-1] + BOOSTER_EVERY_AFTER_65 * ((age - BOOSTER_AGES[-1]) // BOOSTER_EVERY_AFTER_65 + 1)
