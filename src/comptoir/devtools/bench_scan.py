"""The bench's scan-to-screen figure: distinct e-prescriptions, photographed QR codes, a cold memo.

For each of `scans` prescriptions (4 lines each, products drawn from the marketed ones, each its own
patient), the base emulator holds the ON; the QR code is rendered by segno and photographed
(`qr_photos`). One scan is timed from the photo to the counter page's data: the photo decoded, the ON
fetched from the emulator over HTTP (uvicorn on a free port, its own scratch database), checked against
the QR, each line's products, boxes and deliveries planned, and the analysis run. The memo of resolved
line texts is emptied before each scan, so every line is resolved as if seen for the first time.
Nothing is written to the pharmacy's database. A photo that cannot be decoded is counted in `unread`
and left out of the timings (the pharmacist would scan again). `p95_cpu_ms` is the CPU time of the
bench's process, emulator thread included, during a scan.
"""

from __future__ import annotations

import random
import secrets
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from comptoir.analysis.reference import AnalysisReference, Product
from comptoir.devtools.bench_server import free_port
from comptoir.devtools.qr_photos import photograph
from comptoir.domain.eprescription.prescription import Draft, LineKind, PatientTraits, PrescribedLine, Prescriber
from comptoir.national.eprescription.client import EPrescriptionClient
from comptoir.reading.prescription_qr import UnreadableQr, qr_payload, read_qr
from comptoir.services.analysis.analyse import analyse_data
from comptoir.services.eprescription.counter import plan
from comptoir.services.eprescription.document import qr_png
from comptoir.services.eprescription.scan import check_against_qr, decode_image
from comptoir.store.eprescription import EPrescriptionRepository

POSOLOGIES = ("1 comprimé matin et soir", "1 cp par jour", "1 gélule 3 fois par jour pendant 7 jours",
              "1 sachet le matin", "2 cp le soir", "1 cp si douleur, max 3 par jour")
LAST_NAMES = ("GENE", "MARTIN", "BERNARD", "PETIT", "DURAND", "LEROY", "MOREAU", "N'DIAYE", "NGUYEN", "GARCIA")
FIRST_NAMES = ("Alain", "Marie", "Léa", "Hugo", "Inès", "Jean", "Zoé", "Théo", "Chloé", "Louis")


def bench_scan_to_screen(session: Session, reference: AnalysisReference, *, scans: int) -> dict[str, float]:
    rng = random.Random(20260219)
    timings, cpu, unread = [], [], 0
    with _emulator() as (client, doctor):
        photos = [(_photo(doctor, draft, rng), draft) for draft in _drafts(reference, rng, scans)]
        for photo, draft in photos:
            reference.resolved.clear()
            started = time.process_time()
            elapsed = _one_scan(session, reference, client, photo, draft)
            if elapsed is None:
                unread += 1
            else:
                timings.append(elapsed)
                cpu.append((time.process_time() - started) * 1000)
        session.rollback()
    return {"scans": scans, "unread": unread, "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(_p95(timings), 1), "p95_cpu_ms": round(_p95(cpu), 1)}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _one_scan(session: Session, reference: AnalysisReference, client: EPrescriptionClient, photo: bytes,
              draft: Draft) -> float | None:
    started = time.perf_counter()
    try:
        content = read_qr(decode_image(photo))
    except UnreadableQr:
        return None
    prescription = client.consult(content.prescription_id, rpps="", finess="")
    check_against_qr(content, prescription)
    plan(EPrescriptionRepository(session), prescription, 0)
    analyse_data({"today": date.today().isoformat(), "patient": {"birth_date": draft.patient.birth_date.isoformat()},
                  "lines": [{"drug": x.text, "posology": x.posology} for x in prescription.lines]}, reference)
    return (time.perf_counter() - started) * 1000


@contextmanager
def _emulator() -> Iterator[tuple[EPrescriptionClient, EPrescriptionClient]]:
    """A scratch ON base on a free port, and its two callers: the counter (pharmacy) and the doctor."""
    import uvicorn

    from comptoir.national.credentials import demo_pharmacy, demo_prescriber
    from comptoir.national.eprescription.emulator import create_emulator

    tokens = (secrets.token_urlsafe(16), secrets.token_urlsafe(16))
    with tempfile.TemporaryDirectory() as scratch:
        emulator = create_emulator(Path(scratch) / "on.db", credentials=[demo_pharmacy(tokens[0]),
                                                                          demo_prescriber(tokens[1])])
        server = uvicorn.Server(uvicorn.Config(emulator, host="127.0.0.1", port=free_port(), log_level="warning",
                                               lifespan="off"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.02)
        url = f"http://127.0.0.1:{server.config.port}"
        client, doctor = EPrescriptionClient.at(url, token=tokens[0]), EPrescriptionClient.at(url, token=tokens[1])
        try:
            yield client, doctor
        finally:
            client.close()
            doctor.close()
            server.should_exit = True


def _photo(client: EPrescriptionClient, draft: Draft, rng: random.Random) -> bytes:
    ident = client.create(draft).prescription_id
    p = draft.patient
    png = qr_png(qr_payload(ident, last_name=p.last_name, first_name=p.first_name, birth_date=p.birth_date,
                            rpps=draft.prescriber.rpps, am=draft.prescriber.am), scale=4)
    return photograph(png, rng)


def _drafts(reference: AnalysisReference, rng: random.Random, count: int) -> list[Draft]:
    marketed = sorted((p for p in reference.products.values() if p.marketed and p.components), key=lambda p: p.cis)
    return [_draft(rng.sample(marketed, 4), rng) for _ in range(count)]


def _draft(products: list[Product], rng: random.Random) -> Draft:
    lines = tuple(PrescribedLine(n + 1, LineKind.MEDICINE, product.name, rng.choice(POSOLOGIES), 1, 2, 30,
                                 product.cis) for n, product in enumerate(products))
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(30_000))
    patient = PatientTraits(rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES), born, rng.choice("MF"))
    return Draft(Prescriber("99900038441", "991118019", "TRAL", "ADEMIS"), patient, date.today(), lines,
                 consent=True)

