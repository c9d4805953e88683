"""What a product's conditions of prescription and dispensing (BDPM file CIS_CPD) mean at the counter.

The BDPM lists them as free French text per CIS ("liste I", "stupéfiants", "prescription limitée à 4
semaines", "délivrance fractionnée de 7 jours", "chevauchement interdit sauf mention expresse du
prescripteur portée sur l'ordonnance", "réservé à l'usage HOSPITALIER"...). The rules they stand for:
- listes I and II, stupéfiants: CSP R.5132-1 (substances vénéneuses), entered in the ordonnancier at
  delivery (R.5132-10);
- stupéfiants: prescription limited to 28 days at most (R.5132-30), shorter where the product's own
  condition says so; fractioned delivery when the product's condition names a fraction; no overlap with
  a previous prescription unless the prescriber writes it (R.5132-33);
- "assimilés stupéfiants": not stupéfiants, but prescribed on an ordonnance sécurisée (R.5132-5) and
  with a limited duration (e.g. zolpidem, clonazépam oral forms) — the BDPM marks them by the
  "ordonnance sécurisée" condition;
- "réservé à l'usage hospitalier" (réserve hospitalière, R.5121-84): never dispensed by a community
  pharmacy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

NARCOTIC_MAX_DAYS = 28
"""CSP R.5132-30: a stupéfiant is prescribed for 28 days at most (shorter by arrêté for some products)."""

_LIMIT = re.compile(r"prescription limitée à (\d+) (jours?|semaines?|mois)(?: ou (\d+) (jours?|semaines?|mois))?")
_FRACTION = re.compile(r"délivrance fractionnée de (\d+) jours?")
_DAYS_PER_UNIT = {"jour": 1, "jours": 1, "semaine": 7, "semaines": 7, "mois": 30}


class Listing(StrEnum):
    """The product's class of substances vénéneuses, as the ordonnancier records it."""

    LIST_I = "liste I"
    LIST_II = "liste II"
    NARCOTIC = "stupéfiant"


LISTING_LABELS = {Listing.LIST_I: "Liste I", Listing.LIST_II: "Liste II", Listing.NARCOTIC: "Stupéfiant"}


@dataclass(frozen=True, slots=True)
class DispensingConditions:
    listing: Listing | None = None
    assimilated_narcotic: bool = False
    """Prescribed on an ordonnance sécurisée without being a stupéfiant (R.5132-5)."""
    max_prescription_days: int | None = None
    """The longest treatment one prescription may cover; None: no limit."""
    fraction_days: int | None = None
    """Delivered by fractions of this many days (stupéfiants whose condition says so)."""
    overlap_forbidden: bool = False
    hospital_only: bool = False
    """Réserve hospitalière: never at a community pharmacy's counter."""

    @property
    def narcotic(self) -> bool:
        return self.listing is Listing.NARCOTIC

    @property
    def registered(self) -> bool:
        """Entered in the ordonnancier at delivery (listes I, II and stupéfiants, R.5132-10)."""
        return self.listing is not None

    @property
    def secure_prescription(self) -> bool:
        return self.narcotic or self.assimilated_narcotic


def read_conditions(texts: Iterable[str]) -> DispensingConditions:
    """The counter's reading of a CIS's BDPM conditions (case and spacing do not matter)."""
    lowered = [" ".join(text.lower().split()) for text in texts]
    listing = _listing(lowered)
    narcotic = listing is Listing.NARCOTIC
    limits = [days for text in lowered if (days := _limit_days(text)) is not None]
    max_days = min(limits) if limits else None
    if narcotic:
        max_days = min(max_days or NARCOTIC_MAX_DAYS, NARCOTIC_MAX_DAYS)
    fractions = [int(found.group(1)) for text in lowered if (found := _FRACTION.search(text))]
    return DispensingConditions(
        listing=listing,
        assimilated_narcotic=not narcotic and any("ordonnance sécurisée" in text for text in lowered),
        max_prescription_days=max_days,
        fraction_days=min(fractions) if fractions else None,
        overlap_forbidden=any(text.startswith("chevauchement interdit") for text in lowered),
        hospital_only=any("réservé à l'usage hospitalier" in text for text in lowered),
    )


def _listing(lowered: list[str]) -> Listing | None:
    if any(text.startswith("stupéfiant") for text in lowered):
        return Listing.NARCOTIC
    if "liste i" in lowered:
        return Listing.LIST_I
    if "liste ii" in lowered:
        return Listing.LIST_II
    return None


def _limit_days(text: str) -> int | None:
    """"prescription limitée à 4 semaines" -> 28. "limitée à 7 jours ou 28 jours" (the shorter applies to
    some forms or indications the BDPM does not tell apart) counts as its longer term: refusing a lawful
    28-day prescription would stop a treatment, and the pharmacist still sees the condition's text."""
    found = _LIMIT.search(text)
    if not found:
        return None
    terms = [int(found.group(1)) * _DAYS_PER_UNIT[found.group(2)]]
    if found.group(3):
        terms.append(int(found.group(3)) * _DAYS_PER_UNIT[found.group(4)])
    return max(terms)
