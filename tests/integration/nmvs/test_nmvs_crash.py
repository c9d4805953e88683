"""The outbox worker (`comptoir worker`, its own process) killed (SIGKILL) while two counters validate a burst of
dispensations against the NMVS emulator (`comptoir emulate nmvs`, its own process), then restarted: every pack of
every validated dispensation is decommissioned exactly once (the outbox commits with the dispensation; the system
does a transaction id once). The kill falls where it hurts: a decommission sent, its record held back by a lock the
test takes. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from comptoir.national.nmvs.emulator import upload_packs
from comptoir.national.nmvs.port import PackId, PackState
from comptoir.services.dispensing import basket as counter
from comptoir.services.dispensing.validate import validate
from comptoir.services.nmvs.messages import DECOMMISSION
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime, open_runtime
from comptoir.store import models as m
from comptoir.store.outbox import OutboxMessage
from tests.conftest import make_settings
from tests.emulators import free_port
from tests.integration.eprescription.onsite import pharmacy_with_prescription
from tests.integration.nmvs.nmvs_site import CLOPIDOGREL, PHARMACY_TOKEN, nmvs_client
from tests.integration.nmvs.test_nmvs_counter import CLOPIDOGREL_CIP13, CLOPIDOGREL_CIS, datamatrix

COUNTERS, DISPENSATIONS, PACKS_EACH, KILL_AFTER = 2, 6, 2, 5
"""Two counters, six dispensations each of two packs: 24 decommissions; the worker killed after the 5th."""
BIN = Path(sys.executable).parent / "comptoir"


@pytest.fixture
def crash_runtime(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    built = open_runtime(make_settings(database_url, tmp_path))  # the real clock: the worker runs on it too
    with built.session_factory.begin() as session:
        session.add(m.Specialty(cis=CLOPIDOGREL_CIS, name="CLOPIDOGREL TEST 75 mg, comprimé",
                                marketing_status="Commercialisée"))
        session.add(m.Presentation(cip13=CLOPIDOGREL_CIP13, cip7=CLOPIDOGREL_CIP13[5:12], cis=CLOPIDOGREL_CIS,
                                   label="plaquette(s) de 30 comprimé(s)", status="Présentation active",
                                   marketing_state="Déclaration de commercialisation", collectivities="oui",
                                   reimbursement_rate="65%", price_eur=Decimal("4.80")))
    yield built
    built.engine.dispose()


def crash_packs() -> list[PackId]:
    return [PackId(CLOPIDOGREL, f"CRASH-{n:04d}", "K26C01", date(2028, 3, 31))
            for n in range(COUNTERS * DISPENSATIONS * PACKS_EACH)]


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    return {**os.environ, "COMPTOIR_VAR_DIR": str(tmp_path), "COMPTOIR_NMVS_TOKEN": PHARMACY_TOKEN,
            **{f"COMPTOIR_{name.upper()}": value for name, value in settings.items()}}


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`comptoir emulate nmvs` in its own process, the crash's packs uploaded first; its URL and database."""
    home = tmp_path / "nmvs"
    database = home / "emulateurs" / "nmvs.db"
    upload_packs(database, crash_packs())
    port = free_port()
    process = subprocess.Popen([str(BIN), "emulate", "nmvs", "--port", str(port)], env=environment(home), cwd=home,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_emulator(url, process)
        yield url, database
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_for_emulator(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"emulator stopped: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            httpx.get(f"{url}/openapi.json", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("emulator did not start")


def start_worker(runtime: Runtime, url: str, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = environment(tmp_path / "worker", database_url=runtime.settings.database_url, nmvs_url=url,
                      outbox_lease_s="1", outbox_poll_s="0.05")
    (tmp_path / "worker").mkdir(exist_ok=True)
    return subprocess.Popen([str(BIN), "worker"], env=env, cwd=tmp_path / "worker", stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def dispense(runtime: Runtime, operator: CurrentOperator, patient_id: int, url: str, packs: list[PackId],
             validated: list[PackId]) -> None:
    """One counter: each dispensation's packs scanned (verified at once), then validated; adds them to `validated`."""
    with closing(nmvs_client(url)) as nmvs:
        for start in range(0, len(packs), PACKS_EACH):
            with closing(runtime.unit_of_work()) as uow:
                view = counter.open_basket(patient_id, "ordonnance_papier", uow=uow, operator=operator,
                                           now=runtime.clock(), reference=runtime.analysis_reference)
            for pack in packs[start:start + PACKS_EACH]:
                with closing(runtime.unit_of_work()) as uow:
                    view = counter.scan_or_type(view.id, datamatrix(pack), uow=uow, operator=operator,
                                                now=runtime.clock(), reference=runtime.analysis_reference, nmvs=nmvs)
            assert {p.verification for line in view.lines for p in line.packs} == {"verifiee"}
            with closing(runtime.unit_of_work()) as uow:
                validate(view.id, view.version, uow=uow, operator=operator, now=runtime.clock(),
                         reference=runtime.analysis_reference)
            validated.extend(packs[start:start + PACKS_EACH])


def burst(runtime: Runtime, url: str) -> tuple[list[threading.Thread], list[PackId]]:
    """The counters at work, each in its thread on its own packs; the packs validated so far."""
    operator, patient_id, _ = pharmacy_with_prescription(runtime)
    packs, share, validated = crash_packs(), DISPENSATIONS * PACKS_EACH, list[PackId]()
    threads = [threading.Thread(target=dispense, args=(runtime, operator, patient_id, url,
                                                       packs[n * share:(n + 1) * share], validated))
               for n in range(COUNTERS)]
    for thread in threads:
        thread.start()
    return threads, validated


def test_every_pack_is_decommissioned_exactly_once_across_a_killed_worker(
        crash_runtime: Runtime, emulator: tuple[str, Path], tmp_path: Path) -> None:
    url, emulator_db = emulator
    worker = start_worker(crash_runtime, url, tmp_path)
    counters, validated = burst(crash_runtime, url)
    kill_between_send_and_record(worker, crash_runtime, emulator_db)
    at_kill = len(supplied(emulator_db))
    for thread in counters:
        thread.join(timeout=60)
    worker = start_worker(crash_runtime, url, tmp_path)
    try:
        wait_until_drained(crash_runtime, timeout_s=60)
    finally:
        worker.terminate()
        worker.wait(timeout=20)

    assert KILL_AFTER <= at_kill < len(crash_packs()), "the kill did not fall in the middle of the burst"
    assert len(validated) == len(crash_packs()), "every dispensation of both counters validated"
    assert outbox(crash_runtime) == {"envoye": len(validated)}
    assert sorted(supplied(emulator_db)) == sorted((p.gtin, p.serial) for p in validated), "each supplied once"
    assert resent_and_done_once(crash_runtime) >= 1, "the kill fell between a send and its record"
    with closing(nmvs_client(url)) as nmvs:
        assert {nmvs.verify(p).state for p in validated} == {PackState.SUPPLIED}


def kill_between_send_and_record(worker: subprocess.Popen[bytes], runtime: Runtime, emulator_db: Path) -> None:
    """Once `KILL_AFTER` packs are decommissioned: the claimed messages' rows locked (on SQLite the database's
    write lock), so the worker, having sent the next one, waits to record it; SIGKILL then."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and worker.poll() is None:
        if len(supplied(emulator_db)) >= KILL_AFTER:
            with runtime.session_factory.begin() as session:
                if sent_while_held(claimed_packs(session), emulator_db):
                    os.kill(worker.pid, signal.SIGKILL)
                    worker.wait(timeout=10)
                    return
        time.sleep(0.01)
    worker.kill()
    raise AssertionError("the worker was never caught between a send and its record")


def claimed_packs(session: Session) -> set[tuple[str, str]]:
    """The packs of the decommissions a worker claimed and has not recorded, their rows locked by `session`."""
    rows = session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == DECOMMISSION, OutboxMessage.status == "a_envoyer",
        OutboxMessage.claimed_until.is_not(None)).with_for_update())
    return {(row.payload["gtin"], row.payload["serial"]) for row in rows}


def sent_while_held(claimed: set[tuple[str, str]], emulator_db: Path) -> bool:
    deadline = time.monotonic() + 10
    while claimed and time.monotonic() < deadline:
        if claimed & set(supplied(emulator_db)):
            return True
        time.sleep(0.01)
    return False


def supplied(emulator_db: Path) -> list[tuple[str, str]]:
    """The emulator's decommissions into "delivered" (the seed's own, made by no pharmacist, left out)."""
    with closing(sqlite3.connect(emulator_db)) as connection:
        return list(connection.execute("select gtin, serial from nmvs_transition where to_state = 'delivre' "
                                       "and rpps != ''"))


def outbox(runtime: Runtime) -> Mapping[str, int]:
    with runtime.session_factory() as session:
        rows = session.execute(select(OutboxMessage.status, func.count()).where(OutboxMessage.kind.like("nmvs.%"))
                               .group_by(OutboxMessage.status))
        return {str(status): int(count) for status, count in rows}


def resent_and_done_once(runtime: Runtime) -> int:
    """The messages sent again after the restart that the system answered as already done."""
    with runtime.session_factory() as session:
        acknowledgements = session.scalars(select(OutboxMessage.acknowledgement)
                                           .where(OutboxMessage.kind.like("nmvs.%")))
        return sum(1 for answer in acknowledgements if (answer or {}).get("dejaTraitee"))


def wait_until_drained(runtime: Runtime, *, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if set(outbox(runtime)) - {"envoye", "echec"} == set():
            return
        time.sleep(0.2)
    raise AssertionError(f"NMVS messages still unsent: {outbox(runtime)}")

