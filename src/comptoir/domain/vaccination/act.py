"""How the vaccine is given: route, site, dose rank — the choices the form offers, with the counter's defaults."""

from __future__ import annotations

from enum import StrEnum


class Route(StrEnum):
    INTRAMUSCULAR = "IM"
    SUBCUTANEOUS = "SC"

    @property
    def label(self) -> str:
        return "Intramusculaire" if self is Route.INTRAMUSCULAR else "Sous-cutanée"


SITES = ("deltoïde gauche", "deltoïde droit", "cuisse gauche", "cuisse droite", "épaule gauche", "épaule droite")
"""Named as the CI-SIS value set of injection sites names them (JDV_ImmunizationApproachSiteCode_CISIS)."""
DEFAULT_SITE = SITES[0]
"""The non-dominant arm of most patients; the pharmacist changes it in one keystroke."""
DOSES = ("1", "2", "3", "rappel")
DOSE_LABELS = {"1": "1re dose", "2": "2e dose", "3": "3e dose", "rappel": "Rappel"}
