"""The printout of a patient's DP handed to him (SPEC §6: "obtain a print-out"): his lines within their windows,
each with its pharmacy, and the history of the accesses (who, when, what), as a PDF (reportlab)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, SimpleDocTemplate, Table, TableStyle

from comptoir.domain.operators import Permission
from comptoir.errors import ExternalServiceError, RuleViolation
from comptoir.national.dp.port import DossierPharmaceutique, DpStatus, Printout
from comptoir.services.dispensing.printing import BODY, HEADING, MM, SMALL, TITLE, NumberedCanvas, day_fr, local, para
from comptoir.services.dp.record import CATEGORY_LABELS, UNAVAILABLE, beneficiary_of
from comptoir.services.eprescription.scan import pharmacy_of
from comptoir.services.identity.patients import actor_of
from comptoir.services.platform.audit_log import audit
from comptoir.services.platform.operators import CurrentOperator

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Heading:
    patient: str
    birth_date: str
    pharmacy: str
    printed_at: datetime


def printout_pdf(patient_id: int, *, uow: UnitOfWork, operator: CurrentOperator, dp: DossierPharmaceutique,
                 now: datetime) -> bytes:
    """The DP asked with no transaction open; the printing audited. A DP down or absent: a French refusal."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        patient = uow.patients.by_id(patient_id)
        beneficiary = beneficiary_of(patient)
        if patient is None or beneficiary is None:
            raise RuleViolation("Impression impossible : ce patient n'a pas de NIR pour joindre son DP.")
        heading = Heading(f"{patient.last_name} {patient.first_name}", day_fr(patient.birth_date),
                          pharmacy_of(uow).name, now)
    try:
        printed = dp.printout(beneficiary)
    except ExternalServiceError as exc:
        raise RuleViolation(f"Impression impossible : {str(exc) if exc.permanent else UNAVAILABLE}.") from exc
    if printed.status is not DpStatus.OPEN:
        raise RuleViolation("Impression impossible : ce patient n'a pas de DP ouvert.")
    with uow:
        audit(uow, actor_of(operator), action="read", object_type="dp", object_id=str(patient_id),
              detail=f"impression du DP : {len(printed.lines)} ligne(s)", now=now)
        uow.commit()
    return render(heading, printed)


def render(heading: Heading, printed: Printout) -> bytes:
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * MM, rightMargin=15 * MM, topMargin=15 * MM,
                                 bottomMargin=15 * MM, title="Dossier Pharmaceutique", author=heading.pharmacy)
    document.build(_story(heading, printed), canvasmaker=NumberedCanvas)
    return buffer.getvalue()


def _story(heading: Heading, printed: Printout) -> list[Flowable]:
    opened = f" · DP ouvert le {day_fr(printed.opened_on)}" if printed.opened_on else ""
    story: list[Flowable] = [
        para("Dossier Pharmaceutique", TITLE),
        para(f"{heading.patient}, né(e) le {heading.birth_date}{opened}"),
        para(f"Imprimé par {heading.pharmacy} le {local(heading.printed_at):%d/%m/%Y à %H:%M}", SMALL),
        para("Médicaments dispensés", HEADING)]
    rows = [[para(day_fr(x.dispensed_on), SMALL), para(x.label, SMALL), para(str(x.quantity), SMALL),
             para(CATEGORY_LABELS.get(x.category.value, "") or "—", SMALL), para(x.pharmacy_name, SMALL)]
            for x in printed.lines]
    story.append(_table(["Date", "Produit", "Qté", "Catégorie", "Pharmacie"], rows, [22, 70, 12, 22, 54])
                 if rows else para("Aucune ligne dans les fenêtres d'affichage.", BODY))
    story.append(para("Historique des accès", HEADING))
    accesses = [[para(f"{local(a.at):%d/%m/%Y %H:%M}", SMALL), para(a.structure, SMALL), para(a.rpps, SMALL),
                 para(a.action, SMALL)] for a in printed.accesses]
    story.append(_table(["Quand", "Structure (FINESS)", "RPPS", "Acte"], accesses, [30, 40, 30, 80]))
    story.append(para("Médicaments ordinaires : 12 mois ; vaccins : 21 ans ; médicaments biologiques : 3 ans. "
                      "Vous pouvez refuser une consultation ou une alimentation, et fermer votre DP à tout "
                      "moment dans toute pharmacie (ses données sont alors effacées).", SMALL))
    return story


def _table(header: list[str], rows: list[list[Flowable]], widths_mm: list[int]) -> Table:
    table = Table([[para(h, SMALL) for h in header], *rows], colWidths=[w * MM for w in widths_mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table
