"""A pharmacy ready to vaccinate: its pharmacist (with an RPPS) and a preparer, a patient with a qualified identity,
and the few packs of the reference the tests scan (a flu vaccine, a live vaccine, a painkiller)."""

from __future__ import annotations

from contextlib import closing
from datetime import date

from sqlalchemy import update

from comptoir.cda.model import INS_NIR_TEST_OID
from comptoir.domain.operators import Role
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from tests.conftest import add_operator

FLU = "3400930306000"
"""VAXIGRIP, a BDPM flu vaccine (no ATC in the packaged table: known by its name)."""
LIVE = "3400935137340"
"""PRIORIX, measles-mumps-rubella, live."""
PAINKILLER = "3400935955838"
"""DOLIPRANE 1000 mg, no vaccine."""
PHARMACIST_RPPS = "10005551238"
SCAN = f"010{FLU}1726063010VX2611A\x1d21SN00042"
"""The flu vaccine's DataMatrix: lot VX2611A, expiry 30/06/2026."""

_SPECIALTIES = (
    ("69675854", FLU, "VAXIGRIP suspension injectable en seringue préremplie. Vaccin grippal trivalent (inactivé, "
                      "à virion fragmenté)", None),
    ("61896473", LIVE, "PRIORIX, poudre et solvant pour solution injectable en seringue préremplie. Vaccin "
                       "rougeoleux, des oreillons et rubéoleux vivant", "J07BD52"),
    ("60234100", PAINKILLER, "DOLIPRANE 1000 mg, comprimé", "N02BE01"),
)


def add_reference_packs(runtime: Runtime) -> None:
    with runtime.session_factory.begin() as session:
        for cis, cip13, name, atc in _SPECIALTIES:
            session.add(m.Specialty(cis=cis, name=name, routes="intramusculaire;sous-cutanée", atc_code=atc))
            session.add(m.Presentation(cip13=cip13, cip7=cip13[5:12], cis=cis, label="1 seringue préremplie"))


def vaccination_pharmacy(runtime: Runtime, *, qualified: bool = True, born: date = date(1958, 4, 12)) -> int:
    """The pharmacy, PH01 (titulaire, RPPS) and PR01, the reference packs, one patient; the patient's id."""
    for code, role in (("PH01", Role.TITULAIRE), ("PR01", Role.PREPARATEUR)):
        add_operator(runtime, code, role)
    add_reference_packs(runtime)
    with runtime.session_factory.begin() as session:
        session.execute(update(m.Operator).where(m.Operator.code == "PH01")
                        .values(rpps=PHARMACIST_RPPS, display_name="Thomas FAURE"))
        session.add(m.Pharmacy(name="Pharmacie de la Croix-Rousse", finess="690004569",
                               address="8 place de la Croix-Rousse, 69004 Lyon"))
        patient = m.Patient(last_name="LEMAIRE", first_name="Anne", birth_date=born, sex="F", allergies=[],
                            created_at=runtime.clock(), birth_name="LEMAIRE", birth_given_names="Anne Claire",
                            identity_status="QUAL" if qualified else "PROV",
                            nir="258046912345637" if qualified else None,
                            nir_oid=INS_NIR_TEST_OID if qualified else None)
        session.add(patient)
        session.flush()
        return patient.id


def operator(runtime: Runtime, code: str = "PH01") -> CurrentOperator:
    with closing(runtime.unit_of_work()) as uow, uow:
        row = uow.operators.by_code(code)
        assert row is not None
        return CurrentOperator(row.id, row.code, row.display_name, Role(row.role), "poste-1")


def form(**changes: str) -> dict[str, str]:
    """The form as a pharmacist sends it: the flu vaccine scanned, every answer « non », consent given."""
    answers = {f"q_{code}": "non" for code in ("allergy", "fever", "pregnancy", "immunodepression", "bleeding",
                                               "recent_vaccine", "fainting")}
    return {"code": SCAN, "cip13": "", "lot": "", "expiry": "", **answers, "dose": "1", "route": "IM",
            "site": "deltoïde gauche", "audience": "tous", "consent": "on", **changes}
