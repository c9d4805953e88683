"""Demo dispensations: the real situations of `../shared/examples/` (the two counter cases and the
course's dispensing history), so that the analysis page and the deferred-check queue show real cases.
Running it twice changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation, DispensedLine

Line = tuple[str, str, int | None]
DEMO_DISPENSATIONS: tuple[tuple[str, datetime, tuple[Line, ...]], ...] = (
    ("GASLY", datetime(2025, 9, 10, 10, 5, tzinfo=UTC), (
        ("CLOPIDOGREL 75 mg", "1 comprimé le matin, pendant 1 mois", 30),
        ("ZYMAD 50 000 UI", "1 ampoule par mois", 30))),
    ("GASLY", datetime(2025, 9, 20, 16, 40, tzinfo=UTC), (("SINTROM 4 mg", "selon INR", 30),)),
    ("GASLY", datetime(2025, 9, 25, 11, 15, tzinfo=UTC), (
        ("CLOPIDOGREL 75 mg cp", "1 comprimé le matin, pendant 1 mois. Traitement à renouveler 3 fois.", 30),
        ("AMLODIPINE 5 mg gél", "1 gélule le matin, pendant 1 mois. Traitement à renouveler 3 fois.", 30),
        ("IRBESARTAN / HYDROCHLOROTHIAZIDE 300 mg / 12,5 mg cp", "1 comprimé le matin, pendant 1 mois.", 30),
        ("FEBUXOSTAT 80 mg cp", "1 comprimé le matin, pendant 1 mois.", 30),
        ("ASPIRINE 1000 mg cp effervescent", "conseil : 1 comprimé si douleur", None))),
    ("BOCRIE", datetime(2026, 2, 19, 9, 40, tzinfo=UTC), (
        ("HYDROXYZINE CHLORHYDRATE 25 mg cp (ATARAX)", "1 cp 30 min avant le coucher 1 mois", 30),
        ("ESCITALOPRAM (oxalate) 20 mg cp", "1 cp par jour qsp 3 mois", 90),
        ("PARACETAMOL 1 g cp (DOLIPRANE)", "1-1-1 qsp 1 mois", 30),
        ("HYDROCHLOROTHIAZIDE 25 mg cp (ESIDREX)", "1-0-0 qsp 3 mois", 90),
        ("BICARBONATE DE SODIUM 1,4 % sol inj/p perf", "1-1-1 qsp 15j bain de bouche", 15),
        ("AMPHOTERICINE B 10 % susp buv (FUNGIZONE)", "1-1-1 qsp 15j", 15))),
    ("DARC", datetime(2026, 1, 12, 14, 0, tzinfo=UTC), (
        ("FUROSEMIDE 40 mg", "1 cp le matin", 30), ("ELIQUIS 2,5 mg", "1 cp matin et soir", 30),
        ("FORXIGA 10 mg", "1 cp par jour", 30), ("BISOPROLOL 2,5 mg", "1 cp matin et soir", 30),
        ("VALSARTAN 40 mg", "1 cp par jour", 30), ("ATORVASTATINE 40 mg", "1 cp le soir", 30),
        ("ACIDE FOLIQUE 5 mg", "1 cp par jour", 30), ("UVEDOSE 100 000 UI", "1 ampoule tous les 3 mois", 90))),
)


def load_demo_dispensations(session: Session) -> int:
    patients = {p.last_name: p.id for p in session.scalars(select(m.Patient))}
    done = {(d.patient_id, d.dispensed_at.replace(tzinfo=None)) for d in session.scalars(select(Dispensation))}
    added = 0
    for last_name, when, lines in DEMO_DISPENSATIONS:
        patient_id = patients.get(last_name)
        if patient_id is None or (patient_id, when.replace(tzinfo=None)) in done:
            continue
        row = Dispensation(dispensed_at=when, patient_id=patient_id, operator_code="PH01", workstation="poste-1")
        session.add(row)
        session.flush()
        for position, (drug, posology, duration) in enumerate(lines):
            session.add(DispensedLine(dispensation_id=row.id, position=position, drug=drug, posology=posology,
                                      duration_days=duration))
        added += 1
    return added
