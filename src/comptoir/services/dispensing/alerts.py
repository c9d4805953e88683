"""The basket's alerts: the analysis of its lines against this pharmacy's last year of dispensations and the
patient's profile, each finding turned into an alert with a stable key, products named by name and DCI,
and whether it needs a pharmacist's decision before validation.

Which alerts need a decision (issue 11): an interaction "contre-indication" or "association déconseillée", a
contraindication (age, pregnancy, breastfeeding, kidney) at those levels, a declared allergy, a fraud signal.
An unidentified line (issue 17) is shown first among the other alerts but needs no decision: the line itself
already asks for its product ("Produit non reconnu"), and a non-drug product sold over the counter is never
in the drug reference, so it must not block the sale.

The key is the finding's kind, level, substances and products (codes, not words): a decision stays attached
while the basket changes around it, and an alert that disappears leaves its decision unused.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from comptoir.analysis.case import Case, HistoryItem, PatientProfile, PrescribedLine, Prescriber
from comptoir.analysis.engine import Analysis, analyse
from comptoir.analysis.findings import Finding, Level
from comptoir.analysis.reference import AnalysisReference
from comptoir.services.asafo.trust import UNSAID, Trust
from comptoir.services.dispensing import products
from comptoir.services.dispensing.views import AlertView, DecisionView, ProductName
from comptoir.services.identity.profile import analysis_profile
from comptoir.store import models as m
from comptoir.store.counter import BasketDecision, BasketLine
from comptoir.store.dispensing import HistoryLine

HISTORY_DAYS = 365
HISTORY_LINES = 60
DECISION_LABELS = {"intervention": "Intervention pharmaceutique", "override": "Délivrance maintenue"}
SERIALISATION = "serialisation"
"""A listed line with fewer DataMatrix scanned than boxes delivered: those boxes are neither verified nor
decommissioned (SPEC §9.3-9.4). Said beside the basket, not blocking: a line typed or read from paper has its packs
scanned afterwards, and an older pack without a DataMatrix is still handed out; the warning is the pharmacist's
reminder before validation."""


_FIRST = {"allergy": 1, "fraud": 2, SERIALISATION: 3}


def needs_decision(finding: Finding) -> bool:
    if finding.kind in ("allergy", "fraud"):
        return True
    return finding.kind in ("interaction", "contraindication") and finding.level <= Level.ASDEC


def why_blocking(finding: Finding) -> str:
    """Why an alert holds the validation, in French: said at the end of its message."""
    if finding.kind == "fraud":
        what = "signal de fraude, l'ordonnance est à vérifier"
    elif finding.kind == SERIALISATION:
        what = "boîte non vérifiée auprès du NMVS"
    elif finding.kind == "allergy":
        what = "allergie déclarée par le patient"
    else:
        what = "contre-indication" if finding.level == Level.CI else "association déconseillée"
    return (f"Validation bloquée ({what}) : un pharmacien décide, par une intervention pharmaceutique ou en "
            "maintenant la délivrance avec son motif.")


def alert_key(finding: Finding) -> str:
    """kind-level-digest of the sorted substances and products (the message when it names neither)."""
    body = "|".join(sorted(finding.substances)) + "#" + "|".join(sorted(finding.drugs))
    digest = hashlib.sha256((body if body != "#" else finding.message).encode()).hexdigest()[:16]
    return f"{finding.kind}-{finding.level.name}-{digest}"


def _rank(finding: Finding) -> tuple[int, int, str]:
    """Alerts needing a decision first: contre-indications, allergies, fraud, associations déconseillées."""
    if not needs_decision(finding):
        return (8 if finding.kind == "unidentified" else 9, finding.level, finding.message)
    first = _FIRST.get(finding.kind, 0 if finding.level == Level.CI else 3)
    return (first, finding.level, finding.message)


def patient_profile(patient: m.Patient | None, today: date) -> PatientProfile:
    """The patient's profile for the analysis: age, sex, allergies, pregnancy and its term, breastfeeding, weight,
    renal function (services/identity/profile.py)."""
    return analysis_profile(patient, today) if patient is not None else PatientProfile()


def line_code(line: BasketLine) -> str:
    """What the analysis reads for a line: its CIS when known (an exact product), else the text."""
    return line.cis or line.cip13 or line.text


def history_code(entry: HistoryLine) -> str:
    return entry.cis or entry.cip13 or entry.drug


def basket_case(lines: Sequence[BasketLine], history: Iterable[HistoryLine], profile: PatientProfile, *,
                prescriber_rpps: str | None, today: date, trust: Trust = UNSAID) -> Case:
    return Case(today=today, patient=profile,
                lines=tuple(PrescribedLine(line_code(line), line.posology) for line in lines),
                history=tuple(HistoryItem(history_code(h), h.dispensed_at.date(), h.duration_days) for h in history),
                prescriber=Prescriber(rpps=prescriber_rpps, known=trust.prescriber_known),
                history_window_days=HISTORY_DAYS, patient_known=trust.patient_known, authenticated=trust.authenticated)


def unscanned_packs(lines: Sequence[BasketLine], reference: AnalysisReference) -> list[Finding]:
    """Every line of a listed product (liste I, II, stupéfiant: prescription-only, hence serialised, SPEC §9.3)
    with fewer packs scanned than boxes delivered: a finding naming how many boxes escape the NMVS. The decision
    stays with the line's product while its count changes."""
    found = []
    for index, line in enumerate(lines):
        missing = line.boxes - len(line.packs)
        if missing <= 0 or not products.conditions(reference.products.get(line.cis or "")).listing:
            continue
        found.append(Finding(SERIALISATION, Level.PE, (line_code(line),), (), f"{line_code(line)} : {missing} "
                             "boîte(s) sans DataMatrix scanné : non vérifiée(s) ni désactivée(s) (obligation de "
                             "sérialisation).", "NMVS (directive 2011/62/UE)", (index,)))
    return found


def run(case: Case, reference: AnalysisReference) -> Analysis:
    return analyse(case, reference)


@dataclass(frozen=True, slots=True)
class Naming:
    """Codes the analysis read (CIS, CIP13) -> the product's name and DCI."""

    names: Mapping[str, ProductName]
    pattern: re.Pattern[str] | None

    @classmethod
    def of(cls, codes: Iterable[str], reference: AnalysisReference) -> Naming:
        names = {}
        for code in codes:
            found = product_name(code, reference) if code.isdigit() else None
            if found is not None:
                names[code] = found
        ordered = sorted(names, key=len, reverse=True)
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, ordered)) + r")\b") if ordered else None
        return cls(names, pattern)

    def product(self, drug: str) -> ProductName:
        return self.names.get(drug) or ProductName(drug, "")

    def message(self, text: str) -> str:
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda found: self.names[found.group(1)].label, text)


def product_name(code: str, reference: AnalysisReference) -> ProductName | None:
    """A CIS or CIP13 as a pharmacist says it: "KARDEGIC 75 mg (acide acétylsalicylique)"."""
    cis = code if code in reference.products else reference.cip13_to_cis.get(code)
    product = reference.products.get(cis or "")
    if product is None:
        return None
    return ProductName(short_name(product.name), ", ".join(product.substance_names))


def short_name(name: str) -> str:
    """The BDPM name without its form: "DOLIPRANE 1000 mg, comprimé" -> "DOLIPRANE 1000 mg". The form follows a
    comma and a space; a decimal comma ("ELIQUIS 2,5 mg") is never a cut."""
    return name.split(", ")[0].strip() or name


def naming_of(lines: Sequence[BasketLine], history: Iterable[HistoryLine], reference: AnalysisReference) -> Naming:
    return Naming.of({line_code(line) for line in lines} | {history_code(h) for h in history}, reference)


def alerts_of(analysis: Analysis, lines: Sequence[BasketLine], naming: Naming,
              decisions: Iterable[BasketDecision]) -> tuple[AlertView, ...]:
    decided = {d.alert_key: d for d in decisions}
    return tuple(_alert(f, lines, naming, decided) for f in sorted(analysis.findings, key=_rank))


def _alert(finding: Finding, lines: Sequence[BasketLine], naming: Naming,
           decided: Mapping[str, BasketDecision]) -> AlertView:
    key = alert_key(finding)
    decision = decided.get(key)
    blocking = needs_decision(finding)
    message = naming.message(finding.message) + (f" {why_blocking(finding)}" if blocking else "")
    return AlertView(key=key, level=finding.level.name, level_label=level_label(finding), kind=finding.kind,
                     message=message, products=tuple(naming.product(d) for d in finding.drugs),
                     needs_decision=blocking, decision=decision_view(decision) if decision else None,
                     source=finding.source, positions=tuple(lines[i].position for i in finding.lines if i < len(lines)))


FRAUD_LABEL, SERIALISATION_LABEL = "Signal de fraude", "Sérialisation"


def level_label(finding: Finding) -> str:
    """The alert's label: a fraud signal (invalid RPPS, early renewal...) blocks, whatever interaction level it
    borrows to rank among the others."""
    if finding.kind == SERIALISATION:
        return SERIALISATION_LABEL
    return FRAUD_LABEL if finding.kind == "fraud" else finding.level.label


def decision_view(row: BasketDecision) -> DecisionView:
    return DecisionView(kind=row.kind, kind_label=DECISION_LABELS.get(row.kind, row.kind), reason=row.reason,
                        problem_code=row.problem_code, intervention_code=row.intervention_code,
                        outcome=row.outcome_code, operator_code=row.operator_code, at=row.at)


def advice_of(analysis: Analysis, naming: Naming) -> tuple[str, ...]:
    return tuple(naming.message(f.message) for f in analysis.advice)


def findings_by_key(analysis: Analysis) -> dict[str, Finding]:
    return {alert_key(f): f for f in analysis.findings}
