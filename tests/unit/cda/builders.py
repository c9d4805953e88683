"""Documents' inputs with safe defaults: a test states only the fact it is about."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

from comptoir.cda.model import (
    INS_NIR_TEST_OID,
    Address,
    Confidentiality,
    Dispensation,
    DispensedLine,
    Header,
    Patient,
    Pharmacy,
    Prescription,
    Product,
    Report,
    Vaccination,
)

PARIS = timezone(timedelta(hours=1))
AT = datetime(2026, 2, 11, 16, 20, tzinfo=PARIS)


def patient(**changes: Any) -> Patient:
    base = Patient(ins="268066912345664", ins_oid=INS_NIR_TEST_OID, last_name="LEMAIRE", birth_name="COSTE",
                   first_names=("Anne", "Claire"), birth_date=date(1968, 6, 2), sex="F")
    return replace(base, **changes)


def pharmacist(**changes: Any) -> Any:
    from comptoir.cda.model import Professional

    return replace(Professional(rpps="10005551238", last_name="FAURE", first_name="Thomas"), **changes)


def pharmacy(**changes: Any) -> Pharmacy:
    base = Pharmacy(finess="690004569", name="Pharmacie de la Croix-Rousse",
                    address=Address("8 place de la Croix-Rousse", "69004", "Lyon"), telephone="04 78 00 00 00")
    return replace(base, **changes)


def header(*, masks: tuple[Confidentiality, ...] = (), **changes: Any) -> Header:
    base = Header(document_id="2.25.1234567890123456789", set_id="2.25.987654321", version=1, patient=patient(),
                  author=pharmacist(), pharmacy=pharmacy(), at=AT, confidentiality=masks)
    return replace(base, **changes)


BISOPROLOL = Product(cip13="3400930227336", name="BISOPROLOL REF 2,5 mg, comprimé pelliculé sécable",
                     cis="65699110", form="comprimé pelliculé sécable", units_per_box=30, unit="comprimé")
DOLIPRANE = Product(cip13="3400935955838", name="DOLIPRANE 1000 mg, comprimé", cis="60234100", form="comprimé",
                    units_per_box=8, unit="comprimé")
INFLUVAC = Product(cip13="3400930117712", name="INFLUVAC TETRA, suspension injectable en seringue préremplie",
                   cis="60716805", form="suspension injectable", units_per_box=1, unit="seringue")


def line(product: Product = BISOPROLOL, **changes: Any) -> DispensedLine:
    base = DispensedLine(product=product, boxes=1, posology="1 comprimé le matin", prescription_line=1)
    return replace(base, **changes)


def prescription() -> Prescription:
    from comptoir.cda.model import Professional

    doctor = Professional(rpps="10002223336", last_name="BLANC", first_name="Julie", role="medecin")
    return Prescription(id="202602101630451208", issued_on=date(2026, 2, 10), prescriber=doctor)


def dispensation(*lines: DispensedLine, with_prescription: bool = True, **changes: Any) -> Dispensation:
    return Dispensation(header=header(**changes), lines=lines or (line(),),
                        prescription=prescription() if with_prescription else None, dispensation_id="D-1")


def vaccination(**changes: Any) -> Vaccination:
    base = Vaccination(header=header(), product=INFLUVAC, lot="K42L07", expiry=date(2027, 5, 31), dose="1",
                       route="IM", site="deltoïde droit")
    return replace(base, **changes)


def report(**changes: Any) -> Report:
    base = Report(header=header(title="Bilan partagé de médication"), type_code="56445-0",
                  text="Bilan partagé de médication\n\nTraitement revu avec la patiente : pas d'interaction.")
    return replace(base, **changes)
