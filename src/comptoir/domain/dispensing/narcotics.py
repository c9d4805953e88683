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
fraction rules unless their conditions say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
    if limit is not None and days > limit and (conditions.narcotic or conditions.assimilated_narcotic):
        days, reason = limit, (f"Durée prescrite de {prescribed_days} jours au-delà du maximum de {limit} jours "
                               f"pour ce produit ({_what(conditions)}, CSP R.5132-30) : délivrance pour {limit} "
                               "jours ; une nouvelle ordonnance est nécessaire pour la suite.")
    fraction = conditions.fraction_days
    if fraction and days > fraction and conditions.narcotic and not single_delivery:
        note = (f"Délivrance fractionnée (CSP R.5132-30) : première fraction de {fraction} jours sur {days} ; "
                "les suivantes à la fin de chaque fraction.")
        return DeliveryDays(fraction, reason, (note,))
    return DeliveryDays(days, reason)


def _what(conditions: DispensingConditions) -> str:
    return "stupéfiant" if conditions.narcotic else "assimilé stupéfiant"


def overlap_refusal(conditions: DispensingConditions, *, covered_until: date | None, today: date,
                    overlap_allowed: bool) -> str | None:
    """French refusal when an earlier prescription still covers today and overlap is forbidden (R.5132-33)."""
    if covered_until is None or today > covered_until or overlap_allowed:
        return None
    if not (conditions.overlap_forbidden or conditions.narcotic):
        return None
    return (f"Chevauchement interdit (CSP R.5132-33) : le traitement précédent couvre jusqu'au "
            f"{covered_until:%d/%m/%Y} ; pas de délivrance avant le {_next_day(covered_until):%d/%m/%Y} sauf "
            "mention expresse du prescripteur.")


def _next_day(day: date) -> date:
    return date.fromordinal(day.toordinal() + 1)


def overlap_warning(conditions: DispensingConditions, *, overlap_allowed: bool) -> str | None:
    """What the pharmacist must check when the plan cannot see the earlier prescriptions."""
    if overlap_allowed or not conditions.overlap_forbidden:
        return None
    return ("Chevauchement interdit sauf mention expresse du prescripteur (CSP R.5132-33) : vérifiez qu'aucune "
            "ordonnance précédente ne couvre encore cette période.")
