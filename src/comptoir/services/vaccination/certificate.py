"""The vaccination certificate handed to the patient (reportlab): the pharmacy, the patient, the vaccine with its
lot and expiry, the date, route and site, the pharmacist who gave it, and the next dose when the schedule dates
it. Reading it is an access to health data: audited."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table, TableStyle

from comptoir.domain.operators import Permission
from comptoir.domain.vaccination.act import DOSE_LABELS, Route
from comptoir.domain.vaccination.vaccines import VaccineKind
from comptoir.errors import NotFound
from comptoir.services.dispensing.printing import HEADING, MM, SMALL, TITLE, day_fr, local, para
from comptoir.services.identity.patients import actor_of
from comptoir.services.platform.audit_log import audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.vaccination import Vaccination

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Certificate:
    file_name: str
    pdf: bytes


def vaccination_certificate(vaccination_id: int, *, uow: UnitOfWork, operator: CurrentOperator,
                            now: datetime) -> Certificate:
    operator.require(Permission.READ_PATIENTS)
    with uow:
        row = uow.vaccinations.get(vaccination_id)
        patient = uow.patients.by_id(row.patient_id) if row else None
        if row is None or patient is None:
            raise NotFound(f"Aucune vaccination n° {vaccination_id}.")
        audit(uow, actor_of(operator), action="read", object_type="vaccination", object_id=str(row.id),
              detail=f"certificat de vaccination du patient {patient.id}", now=now)
        document = certificate_pdf(row, patient, uow.eprescriptions.pharmacy())
        uow.commit()
    return Certificate(f"certificat-vaccination-{row.id}.pdf", document)


def certificate_pdf(row: Vaccination, patient: m.Patient, pharmacy: m.Pharmacy | None) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * MM, rightMargin=18 * MM, topMargin=16 * MM,
                                 bottomMargin=16 * MM, title="Certificat de vaccination", author="comptoir")
    document.build(_content(row, patient, pharmacy))
    return buffer.getvalue()


def _content(row: Vaccination, patient: m.Patient, pharmacy: m.Pharmacy | None) -> list[Flowable]:
    pharmacy_lines = (f"{pharmacy.name}\n{pharmacy.address}\nFINESS {pharmacy.finess}" if pharmacy
                      else "Pharmacie")
    return [para(pharmacy_lines, SMALL), Spacer(1, 6 * MM), para("Certificat de vaccination", TITLE),
            para("Patient", HEADING),
            _table([("Nom et prénom", f"{patient.last_name} {patient.first_name}"),
                    ("Date de naissance", day_fr(patient.birth_date))]),
            para("Vaccination", HEADING), _table(_act_rows(row)),
            para("Vacciné par", HEADING),
            _table([("Pharmacien", row.pharmacist_name), ("N° RPPS", row.pharmacist_rpps or "—")]),
            Spacer(1, 8 * MM),
            para("Conservez ce certificat et présentez-le lors de vos prochaines vaccinations. La vaccination est "
                 "aussi inscrite dans votre DMP (Mon espace santé) quand votre identité y est qualifiée.", SMALL)]


def _act_rows(row: Vaccination) -> list[tuple[str, str]]:
    given = local(row.given_at)
    rows = [("Vaccin", row.product_name), ("Contre", VaccineKind(row.kind).label), ("Code CIP13", row.cip13),
            ("Lot", row.lot), ("Péremption", day_fr(row.expiry)),
            ("Date", f"{day_fr(given.date())} à {given.strftime('%H:%M')}"),
            ("Dose", DOSE_LABELS.get(row.dose, row.dose)), ("Voie", Route(row.route).label),
            ("Site d'injection", row.site)]
    if row.prescriber_rpps:
        rows.append(("Prescripteur", f"{row.prescriber_name} (RPPS {row.prescriber_rpps})"))
    rows.append(("Prochaine dose", next_due_label(row.next_due)))
    return rows


def next_due_label(due: date | None) -> str:
    return f"à partir du {day_fr(due)}" if due else "selon l'avis de votre médecin ou pharmacien"


def _table(rows: list[tuple[str, str]]) -> Table:
    table = Table([[para(label, SMALL), para(value)] for label, value in rows], colWidths=(45 * MM, 125 * MM))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return table
