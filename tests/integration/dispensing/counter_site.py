"""A pharmacy on a real database for the counter's basket: one product with its box (no full reference needed),
the titulaire with an RPPS, GENE at the counter, ONs scanned through a base that answers what the test says."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from comptoir.domain.eprescription.prescription import Prescription, validity_end
from comptoir.services.dispensing import basket as counter
from comptoir.services.dispensing.views import BasketView
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from tests.eprescription_builders import ADEMIS, GENE, line
from tests.integration.eprescription.onsite import pharmacy_with_prescription

CIS = "63458349"
CIP13 = "3400930000011"
ON_ID = "202602190930000777"


def gs1_check(twelve: str) -> str:
    """The GS1 / EAN-13 check digit (SPEC §9.1): odd positions from the right ×3, mod 10."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(twelve)))
    return str((10 - total % 10) % 10)


CIP13 = CIP13[:12] + gs1_check(CIP13[:12])


def pack_code(serial: str = "SN0001", lot: str = "L2026A", expiry: str = "281130") -> str:
    """The box's DataMatrix as a USB scanner types it (GS as ASCII 29)."""
    return f"01{'0' + CIP13}17{expiry}10{lot}\x1d21{serial}"


class StubBase:
    """The ON base, reduced to answering a consultation with the prescription the test holds."""

    def __init__(self, prescription: Prescription) -> None:
        self.prescription = prescription

    def consult(self, prescription_id: str, *, rpps: str, finess: str) -> Prescription:
        return self.prescription


@dataclass(frozen=True, slots=True)
class Site:
    runtime: Runtime
    pharmacist: CurrentOperator
    patient_id: int
    prescription: Prescription


def stocked(runtime: Runtime) -> None:
    with runtime.session_factory.begin() as session:
        session.add(m.Specialty(cis=CIS, name="AMLODIPINE TEST 5 mg, gélule", marketing_status="Commercialisée"))
        session.add(m.Presentation(cip13=CIP13, cip7=CIP13[5:12], cis=CIS, label="plaquette(s) de 30 gélule(s)",
                                   status="Présentation active", marketing_state="Déclaration de commercialisation",
                                   collectivities="oui", reimbursement_rate="65%",
                                   price_eur=Decimal("3.20")))


def site(runtime: Runtime, *, prescription_id: str = ON_ID) -> Site:
    """The pharmacy of tests/integration/eprescription/onsite, a stocked product, a one-line ON of it."""
    pharmacist, patient_id, _ = pharmacy_with_prescription(runtime)
    stocked(runtime)
    lines = (line(1, cis=CIS),)
    prescription = Prescription(prescription_id, date(2026, 2, 19), validity_end(date(2026, 2, 19), lines), ADEMIS,
                                GENE, lines, consent=True)
    return Site(runtime, pharmacist, patient_id, prescription)


def on_basket(place: Site, base: object | None = None) -> BasketView:
    """A basket of the ON, scanned at the counter (its id typed by hand)."""
    runtime = place.runtime
    with closing(runtime.unit_of_work()) as uow:
        opened = counter.open_basket(place.patient_id, "ordonnance_numerique", uow=uow, operator=place.pharmacist,
                                     now=runtime.clock(), reference=runtime.analysis_reference)
    with closing(runtime.unit_of_work()) as uow:
        return counter.scan_or_type(opened.id, place.prescription.id, uow=uow, operator=place.pharmacist,
                                    now=runtime.clock(), reference=runtime.analysis_reference,
                                    base=base or StubBase(place.prescription))  # type: ignore[arg-type]
