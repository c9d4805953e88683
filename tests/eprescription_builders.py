"""Builders with safe defaults for ordonnance numérique tests: state only the fact a test is about."""

from __future__ import annotations

from datetime import UTC, date, datetime

from comptoir.domain.eprescription.prescription import (
    DeliveredLine,
    Draft,
    Execution,
    LineKind,
    PatientTraits,
    PrescribedLine,
    Prescriber,
)

ADEMIS = Prescriber("99900038441", "991118019", "TRAL", "ADEMIS", "Médecine générale")
GENE = PatientTraits("GENE", "Alain", date(1966, 2, 23), "M")


def line(number: int = 1, text: str = "AMLODIPINE 5 mg gélule", *, quantity: int = 1, renewals: int = 0,
         substitutable: bool = True, reason: str | None = None, cis: str | None = None,
         posology: str = "1 gélule le matin pendant 30 jours", duration: int | None = 30) -> PrescribedLine:
    return PrescribedLine(number=number, kind=LineKind.MEDICINE, text=text, posology=posology, quantity=quantity,
                          renewals=renewals, duration_days=duration, cis=cis, substitutable=substitutable,
                          non_substitution_reason=reason)


def draft(*lines: PrescribedLine, patient: PatientTraits = GENE, consent: bool = True,
          issued: date = date(2026, 2, 19)) -> Draft:
    return Draft(prescriber=ADEMIS, patient=patient, issued_on=issued, lines=lines or (line(),), consent=consent)


def execution(key: str, *lines: tuple[int, int, bool], renewal: int = 0,
              at: datetime = datetime(2026, 2, 20, 10, 0, tzinfo=UTC)) -> Execution:
    """`lines`: (line number, boxes, partial?)."""
    delivered = tuple(DeliveredLine(n, f"ligne {n}", q, partial=p) for n, q, p in lines or ((1, 1, False),))
    return Execution(key=key, at=at, renewal=renewal, pharmacy_finess="750000001", pharmacy_name="Pharmacie test",
                     pharmacist_rpps="10000001916", lines=delivered)
