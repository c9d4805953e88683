"""One analysis: resolve the lines and the history, parse the posologies, run every check,
order the findings. Pure: the reference and the case come in, findings go out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

from comptoir.analysis.age_and_kidney import age_findings, kidney_findings
from comptoir.analysis.allergy import allergy_findings
from comptoir.analysis.case import Case
from comptoir.analysis.doses import dose_findings, quantity_findings
from comptoir.analysis.findings import Finding, Level, ordered
from comptoir.analysis.fraud import cost_findings, early_renewal_findings, prescriber_findings, targeted_findings
from comptoir.analysis.interactions import interaction_findings, lifestyle_findings
from comptoir.analysis.items import Item
from comptoir.analysis.profile import pregnancy_findings
from comptoir.analysis.redundancy import redundancy_findings
from comptoir.analysis.reference import AnalysisReference
from comptoir.analysis.resolve import resolve
from comptoir.analysis.routes import route_findings
from comptoir.reading.posology import Posology, parse_posology


@dataclass(frozen=True, slots=True)
class Analysis:
    findings: list[Finding]
    items: list[Item]
    advice: list[Finding] = field(default_factory=list)
    """Advice for the patient (alcohol, grapefruit): not findings on the prescription itself."""

    def contract(self) -> dict[str, object]:
        return {
            "findings": [f.contract() for f in self.findings],
            "lines": [_line_view(item) for item in self.items if not item.is_history],
            "unresolved": [item.text for item in self.items if item.product is None],
            "advice": [f.contract() for f in self.advice],
        }


def _line_view(item: Item) -> dict[str, object]:
    product = item.product
    return {"drug": item.text, "cis": product.cis if product else None, "name": product.name if product else None,
            "substances": list(product.substance_names) if product else []}


@lru_cache(maxsize=16384)
def _posology(text: str) -> Posology | None:
    # Pure and frequent: the same few hundred posology texts make most prescriptions.
    return parse_posology(text) if text.strip() else None


def line_items(case: Case, reference: AnalysisReference) -> list[Item]:
    return [Item(line.drug, resolve(line.drug, reference).product, _posology(line.posology), line=index)
            for index, line in enumerate(case.lines)]


def history_items(case: Case, reference: AnalysisReference, lines: list[Item]) -> list[Item]:
    """The most recent dispensation of each product within the window, newest first.

    A product whose substances are all on the prescription again is the same treatment going on:
    the line stands for it (no "interaction" of a drug with its own previous box)."""
    since = case.today - timedelta(days=case.history_window_days)
    prescribed = [_substance_codes(item) for item in lines if item.product]
    latest: dict[str, Item] = {}
    for entry in sorted(case.history, key=lambda h: h.dispensed_on, reverse=True):
        if not since <= entry.dispensed_on <= case.today:
            continue
        item = Item(entry.drug, resolve(entry.drug, reference).product, None, line=None,
                    dispensed_on=entry.dispensed_on, duration_days=entry.duration_days)
        if item.product is None or not any(_substance_codes(item) <= codes for codes in prescribed):
            latest.setdefault(item.product.cis if item.product else entry.drug.lower(), item)
    return list(latest.values())


def _substance_codes(item: Item) -> frozenset[str]:
    return frozenset(c.code for c in item.product.components) if item.product else frozenset()


def analyse(case: Case, reference: AnalysisReference) -> Analysis:
    lines = line_items(case, reference)
    history = history_items(case, reference, lines)
    items = lines + history
    findings = (
        unidentified_findings(lines)
        + interaction_findings(items, reference)
        + pregnancy_findings(items, case)
        + age_findings(items, case)
        + kidney_findings(items, case)
        + allergy_findings(items, case, reference)
        + redundancy_findings(items, case.today, reference)
        + dose_findings(items, case)
        + quantity_findings(items)
        + route_findings(items)
        + cost_findings(items, case)
        + targeted_findings(lines, _all_history(case, reference), case)
        + prescriber_findings(case)
        + early_renewal_findings(lines, case, reference)
    )
    return Analysis(ordered(_without_overlaps(findings)), items, lifestyle_findings(lines, reference))


UNIDENTIFIED_SOURCE = "Analyse pharmaceutique : ligne absente du référentiel (BDPM) tel qu'écrite"


def unidentified_findings(lines: list[Item]) -> list[Finding]:
    """A line the reference does not recognise escapes every check: say so, never pass it silently.

    Level ASDEC: it needs the pharmacist's attention (identify the drug, then analyse again); at the counter
    it is shown without blocking the sale (services/dispensing/alerts.py: a non-drug product is never in the
    reference)."""
    return [Finding(kind="unidentified", level=Level.ASDEC, drugs=(item.text,), substances=(),
                    message=f"Ligne non identifiée : « {item.text} » — aucune vérification (interactions, "
                            "allergies, doses, contre-indications) n'a pu être faite ; identifier le médicament.",
                    source=UNIDENTIFIED_SOURCE, lines=(item.line,) if item.line is not None else ())
            for item in lines if item.product is None and item.text.strip()]


def _without_overlaps(findings: list[Finding]) -> list[Finding]:
    """A class redundancy between two drugs that already have an interaction finding more severe says less:
    drop it. A mere "à prendre en compte" interaction (two benzodiazepines) must not hide it."""
    interacting: dict[frozenset[str], Level] = {}
    for f in findings:
        if f.kind == "interaction":
            pair = frozenset(f.drugs)
            interacting[pair] = min(f.level, interacting.get(pair, Level.APEC))
    return [f for f in findings
            if not (f.kind == "redundancy" and f.level > Level.ASDEC
                    and interacting.get(frozenset(f.drugs), Level.APEC + 1) < f.level)]


def _all_history(case: Case, reference: AnalysisReference) -> list[Item]:
    return [Item(h.drug, resolve(h.drug, reference).product, dispensed_on=h.dispensed_on) for h in case.history]
