"""The server killed (SIGKILL) during a burst of dispensations, then restarted: every committed execution
reaches the base exactly once (the outbox commits with the act; the base dedups by idempotency key).
On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from comptoir.services.platform.runtime import Runtime, open_runtime
from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation
from comptoir.store.outbox import OutboxMessage
from tests.conftest import PASSWORD, make_settings
from tests.emulators import (
    PHARMACY_TOKEN,
    eprescription_client,
    eprescription_emulator,
    free_port,
    prescriber_client,
    wait_until_up,
)
from tests.eprescription_builders import draft, line
from tests.integration.eprescription.onsite import consulted, pharmacy_with_prescription

PRESCRIPTIONS, KILL_AFTER = 30, 8


@pytest.fixture
def crash_runtime(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    built = open_runtime(make_settings(database_url, tmp_path))  # the real clock: the server runs on it too
    with built.session_factory.begin() as session:
        # One specialty is enough for `serve` to see a reference and not import the BDPM.
        session.add(m.Specialty(cis="63458349", name="AMLOR 5 mg, gélule"))
    yield built
    built.engine.dispose()


def start_server(runtime: Runtime, base_url: str, port: int, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "COMPTOIR_DATABASE_URL": runtime.settings.database_url, "COMPTOIR_EPRESCRIPTION_URL": base_url,
           "COMPTOIR_OUTBOX_LEASE_S": "1", "COMPTOIR_OUTBOX_POLL_S": "0.05", "COMPTOIR_VAR_DIR": str(tmp_path / "var"),
           "COMPTOIR_EPRESCRIPTION_TOKEN": PHARMACY_TOKEN}
    command = [str(Path(sys.executable).parent / "comptoir"), "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_until_up(f"http://127.0.0.1:{port}", process)
    return process


def prescriptions_in_the_base(runtime: Runtime, url: str) -> list[str]:
    operator, patient_id, _ = pharmacy_with_prescription(runtime)
    client, doctor, ids = eprescription_client(url), prescriber_client(url), []
    for _ in range(PRESCRIPTIONS):
        created = doctor.create(draft(line(1, cis="63458349"), issued=datetime.now(UTC).date()))
        found = client.consult(created.prescription_id, rpps="10000001916", finess="750000001")
        consulted(runtime, found, operator, patient_id, datetime.now(UTC))
        ids.append(created.prescription_id)
    client.close()
    doctor.close()
    return ids


def burst(base: str, ids: list[str], patient_id: int, killed: threading.Event) -> list[int]:
    token = httpx.post(f"{base}/api/session", json={"code": "PH01", "password": PASSWORD}).json()["token"]
    todo: queue.Queue[str] = queue.Queue()
    for ident in ids:
        todo.put(ident)
    done: list[int] = []

    def counter() -> None:
        while not killed.is_set() and not todo.empty():
            ident = todo.get()
            try:
                response = httpx.post(f"{base}/api/eprescriptions/{ident}/dispense", timeout=10,
                                      headers={"Authorization": f"Bearer {token}"},
                                      json={"patient_id": patient_id, "lines": [{"line": 1, "quantity": 1}]})
            except httpx.HTTPError:
                return
            if response.status_code == 201:
                done.append(response.json()["dispensation_id"])

    threads = [threading.Thread(target=counter) for _ in range(4)]
    for thread in threads:
        thread.start()
    killed.wait(timeout=60)
    for thread in threads:
        thread.join(timeout=15)
    return done


def test_every_committed_execution_reaches_the_base_exactly_once(crash_runtime: Runtime, tmp_path: Path) -> None:
    with eprescription_emulator(tmp_path / "base") as url:
        ids = prescriptions_in_the_base(crash_runtime, url)
        port = free_port()
        server = start_server(crash_runtime, url, port, tmp_path)
        killed = threading.Event()
        answered: list[int] = []
        runner = threading.Thread(target=lambda: answered.extend(
            burst(f"http://127.0.0.1:{port}", ids, patient_of(crash_runtime), killed)))
        runner.start()
        while len(committed(crash_runtime)) < KILL_AFTER and runner.is_alive():
            time.sleep(0.01)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        killed.set()
        runner.join(timeout=30)
        server = start_server(crash_runtime, url, port, tmp_path)
        try:
            wait_until_sent(crash_runtime, timeout_s=60)
        finally:
            server.terminate()
            server.wait(timeout=20)

    keys = committed(crash_runtime)
    received = received_keys(tmp_path / "base" / "ordonnance-numerique.db")
    assert KILL_AFTER <= len(keys) < PRESCRIPTIONS, "the kill did not fall in the middle of the burst"
    assert set(answered) <= set(keys.values())
    assert sorted(received) == sorted(keys)


def patient_of(runtime: Runtime) -> int:
    with runtime.session_factory() as session:
        return int(session.scalar(select(m.Patient.id)) or 0)


def committed(runtime: Runtime) -> dict[str, int]:
    with runtime.session_factory() as session:
        rows = session.execute(select(Dispensation.execution_key, Dispensation.id)
                               .where(Dispensation.prescription_id.is_not(None)))
        return {str(key): int(ident) for key, ident in rows}


def wait_until_sent(runtime: Runtime, *, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with runtime.session_factory() as session:
            left = session.scalar(select(func.count()).select_from(OutboxMessage)
                                  .where(OutboxMessage.status != "envoye"))
        if left == 0:
            return
        time.sleep(0.2)
    raise AssertionError(f"{left} message(s) still unsent")


def received_keys(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [row[0] for row in connection.execute("select key from on_execution")]
