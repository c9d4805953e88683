"""A small world for the DMP feed's rules: a pharmacy, its titulaire, a patient of the DMP's referential, a
dispensation of one line, and a builder that answers the kit's eDISP-MED under the header's ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from comptoir.cda import model
from comptoir.domain.operators import Role
from comptoir.national.credentials import DEMO_PHARMACIST_RPPS, DEMO_PHARMACY_FINESS
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation, DispensedLine
from tests.fakes import FakeUnitOfWork
from tests.fakes.dmp import GENE, kit_document

NOW = datetime(2026, 11, 29, 10, 30, tzinfo=UTC)
PHARMACIST = CurrentOperator(1, "PH01", "Claire MARTIN", Role.TITULAIRE, "poste-1")
PREPARER = CurrentOperator(3, "PR01", "Paul DURAND", Role.PREPARATEUR, "poste-2")
STUDENT = CurrentOperator(4, "ET01", "Léa ROUX", Role.ETUDIANT, "poste-2")
CIS, CIP13 = "60234100", "3400930000001"


def world() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.eprescriptions.pharmacies.append(m.Pharmacy(id=1, name="Pharmacie du Centre", finess=DEMO_PHARMACY_FINESS,
                                                    address="1 place de la Mairie, 75001 Paris"))
    uow.eprescriptions.rpps[PHARMACIST.id] = DEMO_PHARMACIST_RPPS
    uow.reference.specialties[CIS] = m.Specialty(cis=CIS, name="DOLIPRANE 1000 mg, comprimé", form="comprimé")
    uow.reference.presentations.append(m.Presentation(cip13=CIP13, cis=CIS,
                                                      label="plaquette(s) PVC de 8 comprimé(s)"))
    return uow


def patient(uow: FakeUnitOfWork, *, status: str = "QUAL") -> m.Patient:
    row = m.Patient(last_name=GENE.birth_name, first_name=GENE.given_names.split()[0], birth_date=GENE.birth_date,
                    sex=GENE.sex, nir=GENE.matricule, nir_oid=GENE.oid, birth_name=GENE.birth_name,
                    birth_given_names=GENE.given_names, identity_status=status, created_at=NOW)
    uow.patients.add(row)
    return row


def dispensation(uow: FakeUnitOfWork, patient_row: m.Patient | None) -> tuple[Dispensation, tuple[DispensedLine, ...]]:
    row = Dispensation(dispensed_at=NOW, patient_id=patient_row.id if patient_row else None, operator_code="PH01",
                       kind="ordonnance")
    line = DispensedLine(position=1, drug="doliprane 1000", cis=CIS, cip13=CIP13, boxes=2, posology="1 cp 3 fois/j",
                         substitution="G")
    uow.dispensations.add_with_lines(row, [line])
    return row, (line,)


@dataclass
class KitBuilder:
    """Stands for comptoir.cda's builder: keeps what it was given, answers the kit's example under its ids."""

    given: list[model.Dispensation] = field(default_factory=list)

    def __call__(self, content: model.Dispensation) -> bytes:
        self.given.append(content)
        h = content.header
        return kit_document("eDISP-MED_2024.01.xml", patient=GENE, document_id=h.document_id, set_id=h.set_id,
                            version=h.version, rpps=h.author.rpps, structure=h.pharmacy.finess)
