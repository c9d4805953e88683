"""Stupéfiants and "assimilés" at the counter: how many days one delivery may cover.

Rules (CSP, read in the code's text on codes-et-lois.fr, section "substances vénéneuses"):
- R.5132-30: a stupéfiant is not prescribed for more than 28 days; an arrêté may shorten it for a product
  (the BDPM condition "prescription limitée à N jours" carries it, conditions.py). A longer prescription
  is delivered for the maximum only.
- R.5132-30: a fractioned delivery may be imposed by arrêté, with the days of each fraction (the BDPM
  condition "délivrance fractionnée de N jours"); the prescriber may exclude it by writing "délivrance en
  une seule fois". One delivery covers one fraction.
- R.5132-33: no new prescription of such drugs is executed during the period an earlier one still covers,
  unless the prescriber says so on the prescription ("chevauchement interdit sauf mention expresse").
Assimilated narcotics (ordonnance sécurisée, conditions.py) keep their own maximum duration, not the
fraction rules unless their conditions say so. Any other product whose BDPM conditions limit the
prescription ("prescription limitée à 12 semaines": anxiolytics, hypnotics, CSP R.5132-21) is capped the
same way: a prescription is not valid beyond the legal duration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from comptoir.domain.dispensing.conditions import DispensingConditions


@dataclass(frozen=True, slots=True)
class DeliveryDays:
    """The days one delivery covers, and why it is fewer than prescribed."""

    days: int | None
    reason: str | None = None
    """French: the prescription was longer than the product allows."""
    warnings: tuple[str, ...] = ()


def delivery_days(conditions: DispensingConditions, prescribed_days: int | None, *,
                  single_delivery: bool = False) -> DeliveryDays:
    """Prescribed days capped to the product's maximum, then to one fraction (see the module's rules)."""
    if prescribed_days is None:
        return DeliveryDays(None)
    days, reason = prescribed_days, None
    limit = conditions.max_prescription_days
    if limit is not None and days > limit:
        days, reason = limit, (f"Durée prescrite de {prescribed_days} jours au-delà du maximum de {limit} jours "
                               f"pour ce produit ({_what(conditions)}) : délivrance pour {limit} jours ; une "
                               "nouvelle ordonnance est nécessaire pour la suite.")
    fraction = conditions.fraction_days
    if fraction and days > fraction and conditions.narcotic and not single_delivery:
        note = (f"Délivrance fractionnée (CSP R.5132-30) : première fraction de {fraction} jours sur {days} ; "
                "les suivantes à la fin de chaque fraction.")
        return DeliveryDays(fraction, reason, (note,))
    return DeliveryDays(days, reason)


def _what(conditions: DispensingConditions) -> str:
    if conditions.narcotic:
        return "stupéfiant, CSP R.5132-30"
    if conditions.assimilated_narcotic:
        return "assimilé stupéfiant, CSP R.5132-30"
    return "durée de prescription limitée, CSP R.5132-21"


@dataclass(frozen=True, slots=True)
class EarlierDelivery:
    """A delivery of the same substance to the same patient, under another prescription."""

    on: date
    days: int
    """The days it covers (its boxes at its posology, else its prescribed duration)."""
    product: str = ""
    """How the pharmacist names it: "STILNOX 10 mg (zolpidem)"."""

    @property
    def covered_until(self) -> date:
        """The last day it covers: delivered on the 1st for 28 days, it covers up to the 28th."""
        return self.on + timedelta(days=self.days - 1)


def overlap_forbidden(conditions: DispensingConditions) -> bool:
    """Stupéfiants, and products whose BDPM conditions say "chevauchement interdit" (R.5132-33)."""
    return conditions.narcotic or conditions.overlap_forbidden


def overlap_refusal(conditions: DispensingConditions, *, earlier: EarlierDelivery | None, today: date,
                    overlap_allowed: bool) -> str | None:
    """French refusal when an earlier prescription still covers today and overlap is forbidden (R.5132-33)."""
    if earlier is None or today > earlier.covered_until or overlap_allowed or not overlap_forbidden(conditions):
        return None
    what = f"{earlier.product} délivré" if earlier.product else "Délivrance"
    return (f"Chevauchement interdit (CSP R.5132-33) : {what} le {earlier.on:%d/%m/%Y} pour {earlier.days} jours, "
            f"traitement couvert jusqu'au {earlier.covered_until:%d/%m/%Y} ; pas de nouvelle délivrance avant le "
            f"{earlier.covered_until + timedelta(days=1):%d/%m/%Y}, sauf mention expresse du prescripteur sur "
            "l'ordonnance (cochez alors « chevauchement autorisé par le prescripteur »).")


def overlap_warning(conditions: DispensingConditions, *, overlap_allowed: bool) -> str | None:
    """What the pharmacist must check when the plan cannot see the earlier prescriptions."""
    if overlap_allowed or not conditions.overlap_forbidden:
        return None
    return ("Chevauchement interdit sauf mention expresse du prescripteur (CSP R.5132-33) : vérifiez qu'aucune "
            "ordonnance précédente ne couvre encore cette période.")
