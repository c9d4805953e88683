"""Fraud and cost signals: expensive medicines (reinforced check), products often targeted by fake
prescriptions, a prescriber RPPS whose key is wrong, a renewal that comes too early."""

from __future__ import annotations

from datetime import timedelta

from stdnum import luhn

from comptoir.analysis.case import Case, HistoryItem
from comptoir.analysis.findings import Finding, Level
from comptoir.analysis.items import Item
from comptoir.analysis.profile import line_finding
from comptoir.analysis.reference import AnalysisReference
from comptoir.analysis.resolve import resolve
from comptoir.domain.dispensing.renewals import RENEWAL_TOLERANCE_DAYS
from comptoir.refdata.search import fold

EXPENSIVE_EUR = 300.0
COST_SOURCE = "Convention nationale pharmaceutique 2022 : contrôle renforcé des médicaments de plus de 300 €"
TARGETED = ("insuline", "semaglutide", "dulaglutide", "liraglutide", "tirzepatide", "tramadol", "codeine",
            "buprenorphine", "pregabaline", "methylphenidate", "oxycodone", "morphine", "fentanyl", "zolpidem",
            "clonazepam")
TARGETED_SOURCE = ("Assurance Maladie, ASAFO : produits les plus visés par les fausses ordonnances "
                   "(diabète, antalgiques opioïdes, prégabaline…)")
EARLY_MARGIN_DAYS = RENEWAL_TOLERANCE_DAYS
"""A renewal up to a week before the end of the previous supply is usual; earlier is flagged (the tolerance of
renewals, domain/dispensing/renewals.py, CSP R.5132-14)."""


def cost_findings(items: list[Item], case: Case | None = None) -> list[Finding]:
    """An expensive medicine: a reminder of the reinforced check; a fraud signal when it is the first presentation
    of an unknown patient with an unknown prescriber on a prescription the ON base did not authenticate (SPEC §11.1,
    the pattern the FSPF describes for the trafficked anticancer and anti-TNF drugs)."""
    suspicious = case is not None and case.first_presentation
    return [line_finding(item, item.product.components[0], Level.PE,
                         _cost_message(item.product.min_box_price or 0, suspicious), COST_SOURCE,
                         kind="fraud" if suspicious else "cost")
            for item in items
            if not item.is_history and item.product and item.product.components
            and (item.product.min_box_price or 0) > EXPENSIVE_EUR]


def _cost_message(price: float, suspicious: bool) -> str:
    if suspicious:
        return (f"Médicament onéreux ({price:.2f} € la boîte) prescrit par un prescripteur inconnu de la pharmacie "
                "à un patient inconnu, sans ordonnance numérique : schéma des fausses ordonnances de produits "
                "revendus ; contrôle renforcé avant toute délivrance (prescripteur, original, identité).")
    return (f"Médicament onéreux ({price:.2f} € la boîte) : vérifier l'authenticité de l'ordonnance "
            "(prescripteur, patient) avant de délivrer.")


def targeted_findings(items: list[Item], history: list[Item], case: Case | None = None) -> list[Finding]:
    """A targeted product new to this patient (not in the history), or prescribed by a prescriber this pharmacy
    does not know on a prescription the ON base did not authenticate (SPEC §11.2: analgesics, pregabalin,
    diabetes products are the most forged): check the prescription's authenticity."""
    known = {c.code for h in history if h.product for c in h.product.components}
    stranger = case is not None and case.prescriber.known is False and not case.authenticated
    findings = []
    for item in items:
        if item.is_history or item.product is None:
            continue
        for component in item.product.components:
            new = component.code not in known
            if (new or stranger) and fold(component.name).startswith(TARGETED):
                findings.append(line_finding(item, component, Level.APEC, _targeted_message(component.name, new,
                                                                                            stranger),
                                             TARGETED_SOURCE, kind="fraud"))
                break
    return findings


def _targeted_message(name: str, new: bool, stranger: bool) -> str:
    why = " et ".join((["nouveau pour ce patient"] if new else [])
                      + (["prescrit par un prescripteur inconnu de la pharmacie"] if stranger else []))
    return f"{name} : produit souvent visé par les fausses ordonnances, {why} ; vérifier l'ordonnance (ASAFO)."


def prescriber_findings(case: Case) -> list[Finding]:
    rpps = (case.prescriber.rpps or "").replace(" ", "")
    if not rpps:
        return []
    if len(rpps) == 11 and rpps.isdigit() and luhn.is_valid(rpps):
        return []
    return [Finding(kind="fraud", level=Level.PE, drugs=(), substances=(),
                    message=f"Numéro RPPS du prescripteur invalide ({rpps}) : 11 chiffres dont une clé de "
                            "contrôle ; vérifier le prescripteur dans l'Annuaire Santé.",
                    source="ANS, RPPS : 11 chiffres, clé de Luhn")]


def early_renewal_findings(items: list[Item], case: Case, reference: AnalysisReference) -> list[Finding]:
    """A line whose substances were dispensed for a period that is far from over: one finding per line, about
    the delivery whose period ends last (two earlier boxes would make two alerts under one key)."""
    supplies = _supplies(case, reference)
    findings = []
    for item in items:
        if item.is_history or item.product is None or not item.product.components:
            continue
        codes = frozenset(c.code for c in item.product.components)
        early = [(left, entry) for other, entry, left in supplies if other == codes and left > EARLY_MARGIN_DAYS]
        if early:
            left, entry = max(early, key=lambda found: found[0])
            findings.append(line_finding(
                item, item.product.components[0], Level.APEC,
                f"Vient trop tôt : {entry.drug} délivré le {entry.dispensed_on:%d/%m/%Y} pour {entry.duration_days} "
                f"jours, il en reste {left} (un renouvellement se délivre au plus {EARLY_MARGIN_DAYS} jours avant la "
                "fin de la période précédente, CSP R.5132-14).", "CSP R.5123-2 (délivrance par périodes)",
                kind="fraud"))
    return findings


def _supplies(case: Case, reference: AnalysisReference) -> list[tuple[frozenset[str], HistoryItem, int]]:
    """Each earlier delivery whose days are known: its substances, itself, the days it has left today."""
    found = []
    for entry in case.history:
        product = resolve(entry.drug, reference).product
        # A product the reference knows without its composition: nothing to compare.
        if entry.duration_days is None or product is None or not product.components or entry.dispensed_on > case.today:
            continue
        left = (entry.dispensed_on + timedelta(days=entry.duration_days) - case.today).days
        found.append((frozenset(c.code for c in product.components), entry, left))
    return found
