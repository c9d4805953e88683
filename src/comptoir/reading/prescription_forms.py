"""Official wording printed on French prescription forms: facts that the reader looks for and that the
development page generator prints, shared here because both must follow the form, not each other.

The bizone ALD prescription (ordonnance bizone, Cerfa n° 12708, Assurance Maladie, CSS L.324-1 and
R.322-6) has two zones, each under a printed heading: the upper zone for the treatment of the
affection de longue durée (ALD), reimbursed at 100 %, the lower zone for other illnesses. Only this
official wording belongs here, with the French calendar a date is written in (a fact of the language,
not anyone's choice of words); how prescribers write their lines stays in each side's own tables.
"""

from __future__ import annotations

ALD_ZONE_HEADING = ("Prescriptions relatives au traitement de l'affection de longue durée reconnue "
                    "(liste ou hors liste)")
"""The heading of the upper zone (the form adds « (AFFECTION EXONÉRANTE) »)."""
OTHER_ZONE_HEADING = "Prescriptions SANS RAPPORT avec l'affection de longue durée (maladies intercurrentes)"
"""The heading of the lower zone."""
ALD_ZONE_CUES = ("prescriptions relatives", "traitement de l'affection", "affection exonerante")
"""Folded fragments of the upper heading; any one read is enough (OCR may lose the rest of it)."""
OTHER_ZONE_CUES = ("sans rapport avec", "maladies intercurrentes")
"""Folded fragments of the lower heading."""

FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre")
"""The months as a date is written in French ("le 3 mars 2026")."""
