"""The demo's fake prescription, of the kind the seeds describe (SPEC §11): an anti-TNF over 300 € (HUMIRA) and a
tramadol (TOPALGIC) for a patient the pharmacy has never seen, from a prescriber it does not know whose RPPS is
on a prescription the CPAM confirmed fake (national/asafo/seeds.py). The basket is left open at the counter:
the ASAFO hit and the reinforced check hold its validation until the pharmacist acts.

The pharmacy's copy of the ASAFO list starts from the emulator's seeds (the worker refreshes it from the
emulator mounted in the server); running it twice changes nothing.
"""

from __future__ import annotations

from contextlib import closing
from datetime import date, datetime, timedelta

from sqlalchemy import select

from comptoir.domain.operators import Role
from comptoir.national.asafo import seeds
from comptoir.services.dispensing import basket as counter
from comptoir.services.dispensing.views import PrescriptionInput
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.asafo import SYNC_ROW, AsafoAlert, AsafoSync
from comptoir.store.counter import Basket

PATIENT = ("GARNIER", "Thomas", date(1984, 12, 1), "M")
PRODUCTS = ("3400930042687", "3400930002278")
"""HUMIRA 40 mg stylo (380,27 € la boîte) and TOPALGIC 50 mg (tramadol)."""
PHARMACIST = "PH01"


def load_demo_asafo(runtime: Runtime) -> dict[str, int]:
    """The copy of the list and the fake prescription's basket; what this run added (0 the second time)."""
    alerts = _copy_of_the_list(runtime)
    basket = 0 if _demo_basket(runtime) is not None else _open_the_fake(runtime)
    return {"alertes_asafo": alerts, "fausse_ordonnance": 1 if basket else 0}


def demo_basket_id(runtime: Runtime) -> int | None:
    return _demo_basket(runtime)


def _demo_basket(runtime: Runtime) -> int | None:
    with runtime.session_factory() as session:
        return session.scalar(select(Basket.id).where(Basket.prescriber_rpps == seeds.DEMO_PRESCRIBER_RPPS)
                              .order_by(Basket.id.desc()).limit(1))


def _copy_of_the_list(runtime: Runtime) -> int:
    now = runtime.clock()
    with runtime.session_factory.begin() as session:
        if session.scalar(select(AsafoAlert.alert_id).limit(1)) is not None:
            return 0
        found = seeds.seed_alerts()
        for seed in found:
            session.add(_alert(seed, now))
        session.merge(AsafoSync(id=SYNC_ROW, last_attempt_at=now, last_success_at=now, last_error=""))
    return len(found)


def _alert(seed: seeds.SeedAlert, now: datetime) -> AsafoAlert:
    rpps, structure, name = seed.prescriber
    return AsafoAlert(alert_id=seed.alert_id, anomaly=seed.anomaly, review_ended_on=seed.review_ended_on,
                      prescribed_on=seed.prescribed_on, prescriber_rpps=rpps, prescriber_structure=structure,
                      prescriber_name=name, patient_nir=seed.patient_nir, patient_name=seed.patient_name,
                      drug_class=seed.drug_class, region=seed.region, created_at=seed.created_at, fetched_at=now,
                      products=[{"brand": b, "cip13": c, "substances": list(s)} for b, c, s in seed.products])


def _open_the_fake(runtime: Runtime) -> int:
    now, reference = runtime.clock(), runtime.analysis_reference
    patient_id = _patient(runtime, now)
    by = _pharmacist(runtime)
    with closing(runtime.unit_of_work()) as uow:
        view = counter.open_basket(patient_id, "ordonnance_papier", uow=uow, operator=by, now=now,
                                   reference=reference)
    header = PrescriptionInput(seeds.DEMO_PRESCRIBER_RPPS, seeds.DEMO_PRESCRIBER_NAME, now.date() - timedelta(days=1))
    with closing(runtime.unit_of_work()) as uow:
        counter.set_prescription(view.id, header, uow=uow, operator=by, now=now, reference=reference)
    for code in PRODUCTS:
        with closing(runtime.unit_of_work()) as uow:
            counter.scan_or_type(view.id, code, uow=uow, operator=by, now=now, reference=reference)
    return view.id


def _patient(runtime: Runtime, now: datetime) -> int:
    last, first, born, sex = PATIENT
    with runtime.session_factory.begin() as session:
        found = session.scalar(select(m.Patient.id).where(m.Patient.last_name == last, m.Patient.first_name == first))
        if found is not None:
            return found
        patient = m.Patient(last_name=last, first_name=first, birth_date=born, sex=sex, allergies=[], created_at=now)
        session.add(patient)
        session.flush()
        return patient.id


def _pharmacist(runtime: Runtime) -> CurrentOperator:
    with closing(runtime.unit_of_work()) as uow, uow:
        row = uow.operators.by_code(PHARMACIST)
        if row is None:
            raise LookupError(f"opérateur de démonstration {PHARMACIST} absent : lancez d'abord load_demo")
        return CurrentOperator(row.id, row.code, row.display_name, Role(row.role), runtime.settings.workstation)
