"""Realistic dispensations for the demo and the benchmark: common French prescriptions, patients of
all ages, chronic treatments renewed monthly and acute ones in between. Deterministic for a seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from comptoir.analysis.reference import AnalysisReference
from comptoir.analysis.resolve import resolve
from comptoir.devtools.bench_patients import ALLERGIES
from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation, DispensedLine

CHRONIC = ("LEVOTHYROX 75", "AMLODIPINE 5 mg", "METFORMINE 850 mg", "ATORVASTATINE 20 mg", "BISOPROLOL 5 mg",
           "RAMIPRIL 5 mg", "KARDEGIC 75 mg", "SINTROM 4 mg", "CLOPIDOGREL 75 mg", "ESCITALOPRAM 10 mg",
           "FUROSEMIDE 40 mg", "ELIQUIS 2,5 mg", "FORXIGA 10 mg", "VALSARTAN 40 mg", "OMEPRAZOLE 20 mg",
           "LYRICA 75 mg", "ZOLPIDEM 10 mg", "HYDROCHLOROTHIAZIDE 25 mg", "ALLOPURINOL 100 mg", "LASILIX 40 mg")
ACUTE = ("DOLIPRANE 1000 mg", "IBUPROFENE 400 mg", "AMOXICILLINE 1 g", "ATARAX 25 mg", "TRAMADOL 50 mg",
         "PREDNISOLONE 20 mg", "SPASFON 80 mg", "AUGMENTIN 1 g", "AZITHROMYCINE 250 mg", "KETOPROFENE 100 mg")
CHRONIC_POSOLOGY = ("1 cp par jour", "1 cp le matin", "1 cp matin et soir", "1 cp le soir")
ACUTE_POSOLOGY = ("1 cp 3 fois par jour pendant 5 jours", "1 cp si douleur sans dépasser 3 par jour",
                  "1 cp matin et soir pendant 7 jours", "2 cp par jour pendant 3 jours")


@dataclass(frozen=True, slots=True)
class Catalogue:
    chronic: list[tuple[str, str, str]]
    acute: list[tuple[str, str, str]]
    """(name, cis, cip13) of products the reference knows."""


def catalogue(reference: AnalysisReference) -> Catalogue:
    first_cip13: dict[str, str] = {}
    for cip13, cis in reference.cip13_to_cis.items():
        first_cip13.setdefault(cis, cip13)

    def known(names: tuple[str, ...]) -> list[tuple[str, str, str]]:
        products = [resolve(name, reference).product for name in names]
        return [(p.name, p.cis, first_cip13[p.cis]) for p in products if p and p.cis in first_cip13]
    return Catalogue(known(CHRONIC), known(ACUTE))


def generate(reference: AnalysisReference, *, patients: int, dispensations: int, first_patient_id: int,
             start: date, days: int, seed: int = 7, allergy_share: float = 0.0
             ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """`allergy_share` of the patients declare one or two allergies (drawn apart: the rest stays as it was)."""
    rng = random.Random(seed)
    products = catalogue(reference)
    people = [_patient(rng, first_patient_id + n) for n in range(patients)]
    _declare_allergies(people, random.Random(seed + 1), allergy_share)
    treatments = {p["id"]: rng.sample(products.chronic, k=rng.randint(1, 4)) for p in people}
    rows, lines = [], []
    for number in range(1, dispensations + 1):
        patient = rng.choice(people)
        when = datetime.combine(start + timedelta(days=rng.randrange(days)), time(9 + rng.randrange(10)), tzinfo=UTC)
        rows.append({"id": number, "dispensed_at": when, "patient_id": patient["id"], "operator_code": "PH01",
                     "workstation": "poste-1", "kind": "ordonnance", "check_status": "a_controler", "check_note": ""})
        lines += _lines(rng, number, treatments[patient["id"]], products.acute)
    return people, rows, lines


def _patient(rng: random.Random, patient_id: int) -> dict[str, Any]:
    born = date(rng.randint(1930, 2015), rng.randint(1, 12), rng.randint(1, 28))
    return {"id": patient_id, "last_name": f"PATIENT{patient_id}", "first_name": "Test", "birth_date": born,
            "sex": rng.choice("FM"), "nir": None, "allergies": [], "created_at": datetime(2025, 1, 1, tzinfo=UTC)}


def _declare_allergies(people: list[dict[str, Any]], rng: random.Random, share: float) -> None:
    for person in people:
        if rng.random() < share:
            person["allergies"] = rng.sample(ALLERGIES, rng.choice((1, 1, 2)))


def _lines(rng: random.Random, dispensation_id: int, chronic: list[tuple[str, str, str]],
           acute: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    chosen = [(p, rng.choice(CHRONIC_POSOLOGY), 30) for p in chronic]
    if rng.random() < 0.3 and acute:
        chosen.append((rng.choice(acute), rng.choice(ACUTE_POSOLOGY), 7))
    return [{"dispensation_id": dispensation_id, "position": n, "drug": name, "cis": cis, "cip13": cip13, "boxes": 1,
             "posology": posology, "duration_days": duration}
            for n, ((name, cis, cip13), posology, duration) in enumerate(chosen)]


def store(session_factory: sessionmaker[Session], people: list[dict[str, Any]], rows: list[dict[str, Any]],
          lines: list[dict[str, Any]]) -> None:
    with session_factory.begin() as session:
        for model, batch in ((m.Patient, people), (Dispensation, rows), (DispensedLine, lines)):
            for begin in range(0, len(batch), 5000):
                session.execute(insert(model), batch[begin:begin + 5000])
