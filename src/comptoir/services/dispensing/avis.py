"""The avis pharmaceutique for the prescriber (PDF, A4 portrait, French): for each alert, the problem found
and the intervention proposed in the SFPC classification (Act-IP, SPEC §13: problems 1–10, interventions
1–7, domain/interventions.py), the products by name and DCI, and the pharmacist's comment.

`avis_pdf` is pure: the basket calls it with its own data before validation. `dispensation_avis` builds
the same input from a validated dispensation's recorded interventions (table analysis_decision).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from comptoir.domain.interventions import INTERVENTIONS, PROBLEMS, Intervention
from comptoir.domain.operators import Permission
from comptoir.errors import NotFound, RuleViolation
from comptoir.services.dispensing.printing import BODY, HEADING, MM, SMALL, TITLE, NumberedCanvas, day_fr, local, para
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import CurrentOperator

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork
    from comptoir.store.dispensing import AnalysisDecision, Dispensation, DispensedLine

SOURCE = ("Classification des problèmes et des interventions : Société française de pharmacie clinique (SFPC), "
          "outil Act-IP.")


@dataclass(frozen=True, slots=True)
class AvisPharmacy:
    name: str
    address: str = ""
    finess: str = ""


@dataclass(frozen=True, slots=True)
class AvisProfessional:
    name: str
    rpps: str = ""


@dataclass(frozen=True, slots=True)
class AvisPatient:
    name: str
    birth_date: date | None = None


@dataclass(frozen=True, slots=True)
class AvisProduct:
    name: str
    dci: str = ""


@dataclass(frozen=True, slots=True)
class AvisAlert:
    """One problem found: its SFPC codes (problem "6.3", intervention "3"), the products, what was found."""

    problem: str
    intervention: str
    products: tuple[AvisProduct, ...]
    finding: str = ""
    comment: str = ""

    def problem_label(self) -> str:
        top = self.problem.split(".")[0]
        label = PROBLEMS[self.problem]
        return label if top == self.problem else f"{PROBLEMS[top]} : {label.lower()}"

    def intervention_label(self) -> str:
        return INTERVENTIONS[self.intervention]


@dataclass(frozen=True, slots=True)
class AvisInput:
    pharmacy: AvisPharmacy
    pharmacist: AvisProfessional
    prescriber: AvisProfessional
    patient: AvisPatient
    date: date
    alerts: tuple[AvisAlert, ...]
    comment: str = ""


def avis_pdf(avis: AvisInput) -> bytes:
    """The avis as a PDF; unknown SFPC codes or an avis without any alert are refused in French."""
    if not avis.alerts:
        raise RuleViolation("Avis pharmaceutique : aucune intervention pharmaceutique à transmettre.")
    for alert in avis.alerts:
        Intervention(alert.problem, alert.intervention)  # refuses a code outside the classification
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * MM, rightMargin=18 * MM, topMargin=16 * MM,
                                 bottomMargin=18 * MM, title="Avis pharmaceutique", author=avis.pharmacy.name)
    document.build(_story(avis), canvasmaker=NumberedCanvas)
    return buffer.getvalue()


def _story(avis: AvisInput) -> list[Flowable]:
    story: list[Flowable] = [para("Avis pharmaceutique", TITLE), _parties(avis), Spacer(1, 4 * MM),
                             para(f"Patient : {avis.patient.name}"
                                  + (f", né(e) le {day_fr(avis.patient.birth_date)}" if avis.patient.birth_date
                                     else "")),
                             para(f"Date de l'analyse : {day_fr(avis.date)}"), Spacer(1, 3 * MM),
                             para("Docteur, lors de la dispensation de votre prescription, l'analyse pharmaceutique "
                                  "a relevé les points suivants ; nous vous proposons les interventions ci-dessous.")]
    story += [_alert(number, alert) for number, alert in enumerate(avis.alerts, start=1)]
    if avis.comment.strip():
        story += [para("Commentaire du pharmacien", HEADING), para(avis.comment.strip())]
    story += [Spacer(1, 6 * MM), para(f"Pharmacien : {avis.pharmacist.name}"
                                      + (f" — RPPS {avis.pharmacist.rpps}" if avis.pharmacist.rpps else "")),
              para("Signature :"), Spacer(1, 14 * MM), para(SOURCE, SMALL)]
    return story


def _parties(avis: AvisInput) -> Table:
    pharmacy = "\n".join(p for p in (avis.pharmacy.name, avis.pharmacy.address,
                                     f"FINESS {avis.pharmacy.finess}" if avis.pharmacy.finess else "") if p)
    prescriber = "\n".join(p for p in ("Destinataire :", avis.prescriber.name,
                                       f"RPPS {avis.prescriber.rpps}" if avis.prescriber.rpps else "") if p)
    table = Table([[para(pharmacy), para(prescriber)]], colWidths=[90 * MM, 76 * MM], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _alert(number: int, alert: AvisAlert) -> KeepTogether:
    products = ", ".join(f"{p.name} ({p.dci})" if p.dci else p.name for p in alert.products) or "—"
    parts: list[Flowable] = [
        para(f"{number}. Problème {alert.problem} — {alert.problem_label()}", HEADING),
        para(f"Produits concernés : {products}", BODY),
    ]
    if alert.finding:
        parts.append(para(f"Constat : {alert.finding}"))
    parts.append(para(f"Intervention proposée ({alert.intervention}) : {alert.intervention_label()}"))
    if alert.comment.strip():
        parts.append(para(f"Précision : {alert.comment.strip()}"))
    return KeepTogether(parts)


# --- from a validated dispensation ------------------------------------------------------------------


def dispensation_avis(dispensation_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> bytes:
    """The avis of a dispensation, built from the interventions recorded for it; the printing is audited."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        avis = _avis_of(uow, dispensation_id)
        audit(uow, Actor(operator.code, operator.workstation), action="read", object_type="avis_pharmaceutique",
              object_id=str(dispensation_id), detail=f"{len(avis.alerts)} intervention(s)", now=now)
        uow.commit()
    return avis_pdf(avis)


def _avis_of(uow: UnitOfWork, dispensation_id: int) -> AvisInput:
    dispensation = uow.dispensations.by_id(dispensation_id)
    if dispensation is None:
        raise NotFound(f"Aucune délivrance n° {dispensation_id}.")
    decisions = [d for d in uow.dispensations.decisions_of_dispensation(dispensation_id)
                 if d.problem_code and d.intervention_code]
    if not decisions:
        raise NotFound(f"Aucune intervention pharmaceutique enregistrée pour la délivrance n° {dispensation_id}.")
    lines = uow.dispensations.lines_of([dispensation_id]).get(dispensation_id, [])
    patient = uow.dispensations.patient(dispensation.patient_id) if dispensation.patient_id else None
    return AvisInput(
        pharmacy=_pharmacy(uow), pharmacist=_pharmacist(uow, decisions[0].operator_code),
        prescriber=_prescriber(uow, dispensation),
        patient=AvisPatient(f"{patient.last_name} {patient.first_name}", patient.birth_date) if patient
        else AvisPatient("Patient non identifié"),
        date=local(dispensation.dispensed_at).date(),
        alerts=tuple(_alert_of(uow, decision, lines) for decision in decisions),
        comment="")


def _pharmacy(uow: UnitOfWork) -> AvisPharmacy:
    pharmacy = uow.eprescriptions.pharmacy()
    return AvisPharmacy(pharmacy.name, pharmacy.address, pharmacy.finess) if pharmacy else AvisPharmacy("Pharmacie")


def _pharmacist(uow: UnitOfWork, code: str) -> AvisProfessional:
    row = uow.operators.by_code(code)
    return AvisProfessional(row.display_name, row.rpps or "") if row else AvisProfessional(code)


def _prescriber(uow: UnitOfWork, dispensation: Dispensation) -> AvisProfessional:
    """The prescriber's name as the ordonnancier wrote it for this dispensation, else his RPPS alone."""
    rpps = dispensation.prescriber_rpps or ""
    named = next((e.prescriber_name for e in uow.registers.deliveries_of(dispensation.id) if e.prescriber_name), "")
    return AvisProfessional(named or "Prescripteur", rpps)


def _alert_of(uow: UnitOfWork, decision: AnalysisDecision, lines: list[DispensedLine]) -> AvisAlert:
    products = tuple(AvisProduct(drug, _dci(uow, drug, lines, decision)) for drug in decision.drugs)
    return AvisAlert(problem=decision.problem_code or "", intervention=decision.intervention_code or "",
                     products=products, finding=decision.message, comment=decision.comment)


def _dci(uow: UnitOfWork, drug: str, lines: list[DispensedLine], decision: AnalysisDecision) -> str:
    """The DCI of a product: from the reference's composition of the dispensed line, else the finding's."""
    cis = next((line.cis for line in lines if line.drug == drug and line.cis), None)
    if cis:
        names = _substances(uow, cis)
        if names:
            return ", ".join(names)
    if len(decision.substances) == len(decision.drugs):
        return decision.substances[decision.drugs.index(drug)]
    return ", ".join(decision.substances)


def _substances(uow: UnitOfWork, cis: str) -> list[str]:
    # BDPM composition: the therapeutic fraction ("FT") names the active moiety when the salt is the substance.
    rows = uow.reference.compositions_of(cis)
    chosen = [r for r in rows if r.nature == "FT"] or [r for r in rows if r.nature == "SA"]
    return list(dict.fromkeys(r.substance_name.lower() for r in chosen))
