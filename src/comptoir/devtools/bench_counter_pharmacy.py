"""The counter bench's pharmacy, written before its server starts, and what its counter will type and scan.

- A pharmacist (adjoint, with an RPPS: validation is a pharmacist's act), made by the operators' own use case.
- Patients of a polymedicated pharmacy's counter (55 to 92 years old), each created by the patients' use case
  with one or two declared allergies, then given a weight and an eGFR (dated) by the profile's use case.
- Forty history lines each over the last year: three chronic treatments dispensed monthly (twelve
  dispensations) and four acute products among them, drawn from `synthetic_dispensations`' common French
  prescriptions (anticoagulants, antiplatelets, antidiabetics, antihypertensives, analgesics, antibiotics).
  Dated in the past, so no use case can write them (a validation is dated now): they are written through
  the dispensations' repository (`add_with_lines`), as the deferred-check bench does.
- Each patient's entries at the counter: brand names with their strength as typed at the counter (each one
  marketed product for the counter's resolver: the names that several products answer, or only a product no
  longer marketed, are left out, so no answer is a choice between candidates or a line without a box), and
  generic products scanned, either their CIP13 or their box's GS1 DataMatrix (serial, lot, expiry two years
  ahead) as a USB scanner types it (GS as ASCII 29). The typed brands and the scanned generics share no
  substance, so no entry lands on another's line.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from comptoir.analysis.reference import AnalysisReference
from comptoir.devtools.bench_patients import ALLERGIES
from comptoir.devtools.synthetic_dispensations import ACUTE_POSOLOGY, CHRONIC_POSOLOGY, Catalogue, catalogue
from comptoir.domain.operators import Role
from comptoir.services.dispensing.catalogue import ReferenceCatalogue
from comptoir.services.dispensing.plan import PlanRequest, plan_line
from comptoir.services.identity.patients import NewPatient, create_patient
from comptoir.services.identity.profile import update_profile
from comptoir.services.platform.operators import MACHINE_OWNER, CurrentOperator, NewOperator, create_operator
from comptoir.services.platform.runtime import Runtime
from comptoir.store.dispensing import Dispensation, DispensedLine
from comptoir.store.unit_of_work import SqlUnitOfWork

PHARMACIST, PASSWORD = "BANCPH", "banc-de-mesure-local"
PHARMACIST_RPPS = "10009876540"
WORKSTATION = "poste-1"
TYPED = ("kardegic 75", "seroplex 10mg", "TAHOR 20", "xanax 0,25", "stilnox 10", "augmentin 1g", "orelox 100",
         "inexium 20 cpr", "singulair 10", "AERIUS 5", "solupred 20", "voltarene 50", "TOPALGIC 50", "laroxyl 25",
         "KEPPRA 500", "previscan 20", "PLAVIX 75", "coversyl 5", "aprovel 150", "LASILIX 40", "tenormine 50",
         "GLUCOPHAGE 850", "diamicron 60", "ZYLORIC 100", "fosamax 70", "tardyferon 80", "pyostacine 500",
         "BACTRIM FORTE", "colchimax", "FORLAX 10G", "debridat 100")
"""From bench/search_queries.tsv's brand + strength queries: those one marketed product answers."""
SCANNED = ("amlodipine 5 mg", "bisoprolol 5 mg", "ramipril 5 mg", "omeprazole 20 mg", "ibuprofene 400 mg",
           "paracetamol 1 g", "azithromycine 250 mg", "valsartan 40 mg",
           "hydrochlorothiazide 25 mg", "simvastatine 20 mg", "pantoprazole 40 mg", "sertraline 50 mg",
           "cetirizine 10 mg", "lercanidipine 10 mg", "candesartan 8 mg")
"""Generics whose box is scanned: the reference's best marketed answer to the name, the box the counter's plan
gives for it (a retail box: a hospital pack is never on a community pharmacy's shelf)."""
FILLED = 8
HISTORY_MONTHS, CHRONIC_TREATMENTS, ACUTE_LINES = 12, 3, 4
HISTORY_LINES = HISTORY_MONTHS * CHRONIC_TREATMENTS + ACUTE_LINES
LAST_NAMES = ("MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU",
              "SIMON", "LAURENT", "LEFEBVRE", "MICHEL", "GARCIA", "DAVID", "BERTRAND", "ROUX", "VINCENT", "FOURNIER")
FIRST_NAMES = ("Jeanne", "Marcel", "Odette", "Lucien", "Simone", "René", "Paulette", "Roger", "Yvette", "André")

EntryKind = Literal["nom", "cip13", "datamatrix"]


@dataclass(frozen=True, slots=True)
class Entry:
    kind: EntryKind
    text: str
    """What reaches the counter's input box."""


@dataclass(frozen=True, slots=True)
class Visit:
    """One patient at the counter: the entries filling the basket (`FILLED`), then one more per change cycle."""

    patient_id: int
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Pack:
    cis: str
    cip13: str


def prepare_pharmacy(runtime: Runtime, reference: AnalysisReference, *, patients: int, added: int,
                     now: datetime) -> list[Visit]:
    """The pharmacist, `patients` patients with their profile and history, and each one's entries (`FILLED`
    to fill the basket, `added` more), in the runtime's database (its audit keys are the server's: same
    settings). Deterministic but for the dates (the server's clock is the real one)."""
    rng = random.Random(20261129)
    pharmacist = _pharmacist(runtime, now)
    boxes, common = _scanned_packs(runtime, reference), catalogue(reference)
    visits = []
    for number in range(patients):
        patient_id = _patient(runtime, pharmacist, rng, number, now)
        _history(runtime, patient_id, common, rng, now)
        visits.append(Visit(patient_id, tuple(_entries(rng, boxes, added, now, number))))
    return visits


def _work(runtime: Runtime) -> closing[SqlUnitOfWork]:
    """A unit of work for one use case."""
    return closing(runtime.unit_of_work())


def _pharmacist(runtime: Runtime, now: datetime) -> CurrentOperator:
    new = NewOperator(PHARMACIST, "Banc de mesure (pharmacien)", Role.ADJOINT, PASSWORD, rpps=PHARMACIST_RPPS)
    with _work(runtime) as uow:
        account = create_operator(new, by=MACHINE_OWNER, uow=uow, now=now)
    return CurrentOperator(account.id, account.code, account.display_name, Role.ADJOINT, WORKSTATION)


def _patient(runtime: Runtime, pharmacist: CurrentOperator, rng: random.Random, number: int,
             now: datetime) -> int:
    today = now.date()
    allergies = tuple(rng.sample(ALLERGIES, rng.choice((1, 1, 2))))
    born = date(today.year - rng.randint(55, 92), rng.randint(1, 12), rng.randint(1, 28))
    new = NewPatient(LAST_NAMES[number % len(LAST_NAMES)], FIRST_NAMES[number // len(LAST_NAMES) % len(FIRST_NAMES)],
                     born, rng.choice("FM"), allergies=allergies)
    with _work(runtime) as uow:
        patient = create_patient(new, uow=uow, operator=pharmacist, now=now)
    form = {"allergies": ", ".join(allergies), "weight_kg": f"{rng.uniform(48, 105):.1f}".replace(".", ","),
            "egfr": str(rng.randint(22, 85)), "egfr_on": (today - timedelta(days=rng.randint(10, 120))).isoformat()}
    with _work(runtime) as uow:
        update_profile(patient.id, form, uow=uow, operator=pharmacist, now=now)
    return patient.id


def _history(runtime: Runtime, patient_id: int, common: Catalogue, rng: random.Random,
             now: datetime) -> None:
    """Forty lines: the chronic treatments each month, an acute product in four of the months."""
    chronic = rng.sample(common.chronic, CHRONIC_TREATMENTS)
    acute_months = set(rng.sample(range(HISTORY_MONTHS), ACUTE_LINES))
    with _work(runtime) as uow, uow:
        for month in range(HISTORY_MONTHS):
            dispensation = Dispensation(dispensed_at=now - timedelta(days=12 + 30 * month + rng.randrange(10)),
                                        patient_id=patient_id, operator_code=PHARMACIST, workstation=WORKSTATION,
                                        kind="ordonnance", check_status="a_controler", check_note="")
            chosen = [(product, rng.choice(CHRONIC_POSOLOGY), 30) for product in chronic]
            if month in acute_months:
                chosen.append((rng.choice(common.acute), rng.choice(ACUTE_POSOLOGY), 7))
            lines = [DispensedLine(position=n, drug=name, cis=cis, cip13=cip13, boxes=1, posology=posology,
                                   duration_days=days) for n, ((name, cis, cip13), posology, days) in enumerate(chosen)]
            uow.dispensations.add_with_lines(dispensation, lines)
        uow.commit()


def _scanned_packs(runtime: Runtime, reference: AnalysisReference) -> list[Pack]:
    found = []
    with _work(runtime) as uow, uow:
        shelf = ReferenceCatalogue(uow.eprescriptions, reference)
        for name in SCANNED:
            hits = [h for h in reference.index.search(name, limit=8) if h.record.marketed]
            planned = plan_line(PlanRequest(name, cis=hits[0].record.cis), catalogue=shelf,
                                today=runtime.clock().date()) if hits else None
            if planned is not None and planned.cis and planned.cip13:
                found.append(Pack(planned.cis, planned.cip13))
        uow.commit()
    return found


def _entries(rng: random.Random, boxes: list[Pack], added: int, now: datetime, patient: int) -> Iterator[Entry]:
    """Half typed names, half scanned boxes (CIP13 or DataMatrix), none of the patient's twice."""
    typed = iter(rng.sample(TYPED, FILLED // 2 + added))
    scanned = iter(rng.sample(boxes, FILLED // 2 + added))
    filling: list[EntryKind] = ["nom", "nom", "nom", "nom", "cip13", "cip13", "datamatrix", "datamatrix"]
    rng.shuffle(filling)
    kinds = filling + [("nom", "cip13", "datamatrix")[n % 3] for n in range(added)]
    for n, kind in enumerate(kinds):
        if kind == "nom":
            yield Entry(kind, next(typed))
        else:
            pack = next(scanned)
            yield Entry(kind, pack.cip13 if kind == "cip13" else _datamatrix(pack, now, f"BANC{patient:04d}S{n:03d}"))


def _datamatrix(pack: Pack, now: datetime, serial: str) -> str:
    """The box's DataMatrix as a USB scanner types it: GTIN-14, expiry, lot, then GS and the serial."""
    expiry = (now + timedelta(days=730)).date()
    return f"010{pack.cip13}17{expiry:%y%m%d}10L{expiry:%y%m}B\x1d21{serial}"
