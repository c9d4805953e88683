"""Use case: fill a database with the demo pharmacy, its operators and the example patients, then its
counter (demo_counter.py: profiles, validated dispensations, a basket waiting for a pharmacist).

The patients are those of the real-world samples (`../shared/examples/`): the two counter
cases, the ordonnance numérique QR example and the INS examples of the pharmacy course.
Running it twice changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from comptoir.devtools.demo_asafo import load_demo_asafo
from comptoir.devtools.demo_counter import PRESCRIBER_RPPS, load_demo_counter
from comptoir.devtools.demo_dispensations import load_demo_dispensations
from comptoir.devtools.demo_dp import load_demo_dp
from comptoir.devtools.demo_nmvs import write_demo_packs
from comptoir.devtools.demo_vaccination import load_demo_vaccination
from comptoir.domain.operators import Role
from comptoir.services.platform.operators import NewOperator, operator_account
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.eprescription import PrescriberProfile
from comptoir.store.platform import OperatorRepository

DEMO_PASSWORD = "comptoir-demo"
DEMO_OPERATORS = (
    ("PH01", "Claire Martin", Role.TITULAIRE, "10003456789"),
    ("PH02", "Karim Benali", Role.ADJOINT, "10004567891"),
    ("PR01", "Julie Robert", Role.PREPARATEUR, None),
    ("ET01", "Hugo Petit", Role.ETUDIANT, None),
    ("ADM", "Service informatique", Role.ADMIN, None),
    ("MED1", "Dr Ademis TRAL", Role.PRESCRIPTEUR, PRESCRIBER_RPPS),
)
# The prescriber of the CNAM's QR example (SPEC §4.3): his RPPS and N° AM are those of the example.
DEMO_PRESCRIBER = {"operator_code": "MED1", "rpps": PRESCRIBER_RPPS, "am": "991118019", "last_name": "TRAL",
                   "first_name": "ADEMIS", "specialty": "Médecine générale",
                   "address": "12 rue du Faubourg Saint-Antoine, 75011 Paris", "phone": "01 43 00 00 00"}
# (used name, first name, birth date, sex, typed NIR, allergies, birth given names, birth place). The INSi
# emulator knows each of them (national/ins/identites.json); all start provisional, as typed at the counter.
# LOISEAU's NIR is printed with a wrong key in the course (18 instead of 35): the INS panel says so.
# DARC Jeanne is a typing slip on DARK's record: identitovigilance finds the pair.
DEMO_PATIENTS = (
    ("BOCRIE", "Marc", date(1969, 3, 20), "M", None, (), "MARC", "44109"),
    ("GASLY", "Henri", date(1936, 4, 2), "M", None, (), "HENRI PAUL", "76540"),
    ("GENE", "Alain", date(1966, 2, 23), "M", None, (), "ALAIN", "31555"),
    ("DARK", "Jeanne Marie", date(1939, 8, 13), "F", "239088815400243", (), "JEANNE MARIE", "88154"),
    ("LOISEAU", "Marina Anne", date(1980, 1, 21), "F", "280017505601618", ("amoxicilline",), "MARINA ANNE", None),
    ("DARC", "Jeanne", date(1939, 8, 13), "F", None, (), "JEANNE", None),
)


def load_demo_pharmacy(runtime: Runtime, *, with_dispensations: bool) -> dict[str, int]:
    """The demo pharmacy (the `demo` and `serve --demo` commands): its accounts, patients and the past
    dispensations of the examples in one transaction, then its counter through the counter's use cases.
    What it added: "delivrances" counts the dispensations of both."""
    with runtime.session_factory.begin() as session:
        added = load_demo(session, now=runtime.clock())
        added["delivrances"] = load_demo_dispensations(session) if with_dispensations else 0
    at_the_counter = load_demo_counter(runtime)
    added["boites_nmvs"] = write_demo_packs(runtime.settings.var_dir)
    at_the_counter["delivrances"] += added["delivrances"]
    return added | at_the_counter | load_demo_vaccination(runtime) | load_demo_dp(runtime) | load_demo_asafo(runtime)


def load_demo(session: Session, *, now: datetime) -> dict[str, int]:
    added = {"pharmacie": 0, "operateurs": _add_operators(OperatorRepository(session), now), "patients": 0}
    if session.scalar(select(m.Pharmacy.id)) is None:
        session.add(m.Pharmacy(name="Pharmacie du Comptoir (démo)", finess="750000001",
                               address="1 place de la République, 75011 Paris"))
        added["pharmacie"] = 1
    if session.get(PrescriberProfile, DEMO_PRESCRIBER["operator_code"]) is None:
        session.add(PrescriberProfile(**DEMO_PRESCRIBER))
    known = {(p.last_name, p.first_name, p.birth_date) for p in session.scalars(select(m.Patient))}
    for last, first, born, sex, nir, allergies, given, place in DEMO_PATIENTS:
        if (last, first, born) not in known:
            session.add(m.Patient(last_name=last, first_name=first, birth_date=born, sex=sex, nir=nir,
                                  nir_oid="1.2.250.1.213.1.4.8" if nir else None, allergies=list(allergies),
                                  created_at=now, birth_name=last, birth_given_names=given, birth_place=place,
                                  identity_status="PROV", identity_attributes=[], collection_method="SM",
                                  document_prompts_left=0))
            added["patients"] += 1
    return added


def _add_operators(operators: OperatorRepository, now: datetime) -> int:
    existing = operators.codes()
    missing = [(code, name, role, rpps) for code, name, role, rpps in DEMO_OPERATORS if code not in existing]
    for code, name, role, rpps in missing:
        operators.add(operator_account(NewOperator(code, name, role, DEMO_PASSWORD, rpps=rpps), now=now))
    return len(missing)
