"""`cda_edisp_build_p95_ms`: building one eDISP-MED_2024.01 of 8 lines (comptoir.cda.build_dispensation), the
document the DMP receives after each dispensation.

Each document is a different one: 8 boxes drawn from the reference with a fixed seed (their BDPM names and
forms, long as they are), posologies as the counter writes them, a substitution now and then, the patient's
masks now and then, a prescription for most of them. One build is timed from the typed values to the bytes;
`p95_cpu_ms` is the CPU time of the bench's thread (on a shared machine, what the code itself costs).
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, datetime, timedelta, timezone

from comptoir.analysis.reference import AnalysisReference
from comptoir.cda import build_dispensation, new_document_id
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
    Professional,
)

LINES = 8
POSOLOGIES = ("1 comprimé matin et soir", "1 cp par jour pendant 30 jours", "2 gélules 3 fois par jour",
              "1 sachet le matin à jeun", "", "1 application le soir sur les lésions")
PARIS = timezone(timedelta(hours=1))


def bench_cda_dispensation(reference: AnalysisReference, *, documents: int) -> dict[str, float]:
    rng = random.Random(20261129)
    cip13s = sorted(c for c, cis in reference.cip13_to_cis.items() if cis in reference.products)
    build_dispensation(_dispensation(reference, rng.sample(cip13s, LINES), rng))  # lxml's first use is not timed
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(documents):
        d = _dispensation(reference, rng.sample(cip13s, LINES), rng)
        started, thread = time.perf_counter(), time.thread_time()
        build_dispensation(d)
        cpu.append((time.thread_time() - thread) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return {"documents": documents, "p50_ms": round(statistics.median(wall), 3), "p95_ms": _p95(wall),
            "p95_cpu_ms": _p95(cpu)}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[round(0.95 * (len(ordered) - 1))], 3)


def _dispensation(reference: AnalysisReference, cip13s: list[str], rng: random.Random) -> Dispensation:
    prescribed = rng.random() < 0.8
    lines = tuple(DispensedLine(product=_product(reference, cip13), boxes=rng.randint(1, 3),
                                posology=rng.choice(POSOLOGIES), substituted=rng.random() < 0.3,
                                prescription_line=n if prescribed else None,
                                note="Conseils donnés au patient." if rng.random() < 0.2 else "")
                  for n, cip13 in enumerate(cip13s, start=1))
    doctor = Professional(rpps="10002223336", last_name="BLANC", first_name="Julie", role="medecin")
    return Dispensation(header=_header(rng), lines=lines, dispensation_id=str(rng.getrandbits(32)),
                        prescription=Prescription(id=str(rng.getrandbits(60)), issued_on=date(2026, 2, 10),
                                                  prescriber=doctor) if prescribed else None)


def _product(reference: AnalysisReference, cip13: str) -> Product:
    product = reference.products[reference.cip13_to_cis[cip13]]
    return Product(cip13=cip13, name=product.name, cis=product.cis, form=product.form, atc=product.atc or "",
                   units_per_box=product.pack_sizes[0] if product.pack_sizes else None, unit="comprimé")


def _header(rng: random.Random) -> Header:
    document_id = new_document_id()
    patient = Patient(ins="268066912345664", ins_oid=INS_NIR_TEST_OID, last_name="LEMAIRE", birth_name="COSTE",
                      first_names=("Anne", "Claire"), birth_date=date(1968, 6, 2), sex="F")
    pharmacy = Pharmacy(finess="690004569", name="Pharmacie de la Croix-Rousse",
                        address=Address("8 place de la Croix-Rousse", "69004", "Lyon"))
    masks = (Confidentiality.MASKED_FROM_PROFESSIONALS,) if rng.random() < 0.1 else ()
    return Header(document_id=document_id, set_id=document_id, version=1, patient=patient,
                  author=Professional(rpps="10005551238", last_name="FAURE", first_name="Thomas"), pharmacy=pharmacy,
                  at=datetime(2026, 2, 11, 16, 20, tzinfo=PARIS), confidentiality=masks)
