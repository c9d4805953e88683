"""The vaccinations the pharmacy's pharmacists gave: one row per injection, with the pack (CIP13, lot, expiry),
how it was given, who gave it, the answers to the questions asked before, and the patient's consent.

Every query on them lives here, and the one look-up of the drug reference the vaccination needs (a pack by its
CIP13, with its specialty's name, ATC and routes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from comptoir.store.models import Base, Presentation, Specialty


class Vaccination(Base):
    __tablename__ = "vaccination"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    cip13: Mapped[str] = mapped_column(String(13))
    product_name: Mapped[str] = mapped_column(Text)
    cis: Mapped[str] = mapped_column(String(8))
    atc: Mapped[str] = mapped_column(String(8), default="")
    kind: Mapped[str] = mapped_column(String(20))
    """domain.vaccination.vaccines.VaccineKind."""
    lot: Mapped[str] = mapped_column(String(20))
    expiry: Mapped[date] = mapped_column(Date)
    dose: Mapped[str] = mapped_column(String(10))
    """1, 2, 3 or rappel."""
    route: Mapped[str] = mapped_column(String(4))
    site: Mapped[str] = mapped_column(String(60))
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"))
    operator_code: Mapped[str] = mapped_column(String(40))
    pharmacist_name: Mapped[str] = mapped_column(Text)
    pharmacist_rpps: Mapped[str] = mapped_column(String(11), default="")
    answers: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    """{question code: the patient's answer} (domain.vaccination.questionnaire)."""
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    """The precautions the answers called for, as shown to the pharmacist."""
    consent: Mapped[bool] = mapped_column(Boolean)
    prescriber_rpps: Mapped[str] = mapped_column(String(11), default="")
    prescriber_name: Mapped[str] = mapped_column(Text, default="")
    next_due: Mapped[date | None] = mapped_column(Date)


@dataclass(frozen=True, slots=True)
class ReferencePack:
    cip13: str
    label: str
    cis: str
    name: str
    atc: str | None
    routes: str


class VaccinationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, vaccination: Vaccination) -> None:
        self.session.add(vaccination)
        self.session.flush()

    def get(self, vaccination_id: int) -> Vaccination | None:
        return self.session.get(Vaccination, vaccination_id)

    def of_patient(self, patient_id: int) -> list[Vaccination]:
        return list(self.session.scalars(select(Vaccination).where(Vaccination.patient_id == patient_id)
                                         .order_by(Vaccination.given_at.desc(), Vaccination.id.desc())))

    def pack(self, cip13: str) -> ReferencePack | None:
        """A presentation of the reference by its CIP13, with its specialty (None when unknown)."""
        row = self.session.execute(
            select(Presentation.cip13, Presentation.label, Specialty.cis, Specialty.name, Specialty.atc_code,
                   Specialty.routes)
            .join(Specialty, Specialty.cis == Presentation.cis).where(Presentation.cip13 == cip13)).first()
        return ReferencePack(*row) if row else None
