"""The audit trail against its signed checkpoints outside the database: what a database writer can no
longer hide (a cut tail, an emptied table, a chain recomputed without the key, a forged checkpoint)."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

from sqlalchemy import delete, select, update

from comptoir.domain.audit import GENESIS, AuditRecord, entry_seal
from comptoir.services.platform import audit_log
from comptoir.services.platform.audit_log import Actor
from comptoir.services.platform.runtime import Runtime, open_runtime
from comptoir.store import models as m
from tests.conftest import make_settings
from tests.integration.cli.test_cli import run

SECRET = "le-secret-de-la-pharmacie-du-port-0123456789"
NEW_SECRET = "le-nouveau-secret-de-la-pharmacie-9876543210"
ACTOR = Actor("PH01", "poste-1")


def write_entries(runtime: Runtime, count: int) -> None:
    for number in range(count):
        with closing(runtime.unit_of_work()) as uow, uow:
            audit_log.audit(uow, ACTOR, action="read", object_type="patient", object_id=str(number),
                            now=runtime.clock())
            uow.commit()


def checkpoint(runtime: Runtime) -> None:
    with closing(runtime.unit_of_work()) as uow:
        audit_log.write_checkpoint(uow, runtime.audit_checkpoint_files, now=runtime.clock())


def verify(runtime: Runtime) -> audit_log.TrailCheck:
    with closing(runtime.unit_of_work()) as uow:
        return audit_log.verify_trail(uow, runtime.audit_checkpoint_files)


def keyed(runtime: Runtime, tmp_path: Path, secret: str = SECRET, previous: str = "") -> Runtime:
    settings = make_settings(runtime.settings.database_url, tmp_path, secret_key=secret,
                             previous_secret_keys=previous)
    return open_runtime(settings, clock=runtime.clock)


def test_an_intact_trail_and_its_checkpoints_verify(runtime: Runtime) -> None:
    write_entries(runtime, 3)
    checkpoint(runtime)
    write_entries(runtime, 2)
    checkpoint(runtime)

    check = verify(runtime)

    assert check.intact and (check.entries, check.checkpoints) == (5, 2)
    lines = runtime.settings.audit_checkpoints.read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [3, 5]


def test_a_cut_tail_is_detected_by_the_cli(runtime: Runtime, tmp_path: Path) -> None:
    env = {"COMPTOIR_AUDIT_CHECKPOINTS": str(runtime.settings.audit_checkpoints),
           "COMPTOIR_SECRET_KEY": runtime.settings.secret_key}
    write_entries(runtime, 4)
    written = run("audit", "checkpoint", database_url=runtime.settings.database_url, cwd=tmp_path, extra_env=env)
    assert written.returncode == 0 and "entrée n° 4" in written.stdout, written.stderr
    with runtime.session_factory.begin() as session:
        second = session.scalar(select(m.AuditEntry.hash).where(m.AuditEntry.seq == 2))
        session.execute(delete(m.AuditEntry).where(m.AuditEntry.seq > 2))
        session.execute(update(m.AuditHead).values(seq=2, hash=second))

    result = run("audit", "verify", database_url=runtime.settings.database_url, cwd=tmp_path, extra_env=env)

    assert result.returncode == 2
    assert "entrées supprimées" in result.stderr and "n° 4" in result.stderr


def test_an_emptied_trail_is_detected(runtime: Runtime) -> None:
    write_entries(runtime, 3)
    checkpoint(runtime)
    with runtime.session_factory.begin() as session:
        session.execute(delete(m.AuditEntry))
        session.execute(delete(m.AuditHead))

    check = verify(runtime)

    assert check.chain.intact and check.entries == 0
    assert not check.intact and "entrées supprimées" in check.reason


def test_a_chain_recomputed_with_plain_sha256_is_detected(runtime: Runtime) -> None:
    write_entries(runtime, 3)
    checkpoint(runtime)
    with runtime.session_factory.begin() as session:  # the writer rewrites entry 1 and reseals everything
        previous = GENESIS
        for row in session.scalars(select(m.AuditEntry).order_by(m.AuditEntry.seq)):
            row.object_id = "autre" if row.seq == 1 else row.object_id
            record = AuditRecord(row.seq, row.at, row.operator_code, row.workstation, row.action, row.object_type,
                                 row.object_id, row.detail, previous)
            row.prev_hash, row.hash, row.key_id = previous, entry_seal(record, None), ""
            previous = row.hash
        session.execute(update(m.AuditHead).values(seq=3, hash=previous))

    check = verify(runtime)

    assert check.chain.intact  # by itself, a legacy chain
    assert not check.intact and "réécrit" in check.reason


def test_a_forged_or_garbled_checkpoint_line_is_detected_by_the_cli(runtime: Runtime, tmp_path: Path) -> None:
    write_entries(runtime, 2)
    checkpoint(runtime)
    path = runtime.settings.audit_checkpoints
    genuine = json.loads(path.read_text().splitlines()[0])
    with path.open("a") as out:
        out.write(json.dumps({**genuine, "seq": 1, "signature": "0" * 64}) + "\n")
        out.write("{pas du json\n")

    env = {"COMPTOIR_AUDIT_CHECKPOINTS": str(path), "COMPTOIR_SECRET_KEY": runtime.settings.secret_key}
    result = run("audit", "verify", "--json", database_url=runtime.settings.database_url, cwd=tmp_path,
                 extra_env=env)

    assert result.returncode == 2
    problems = json.loads(result.stdout)["problems"]
    assert any("falsifié" in p for p in problems) and any("illisible" in p for p in problems)


def test_after_a_rotation_old_entries_and_checkpoints_still_verify(runtime: Runtime, tmp_path: Path) -> None:
    before = keyed(runtime, tmp_path)
    write_entries(before, 2)
    checkpoint(before)
    before.engine.dispose()
    after = keyed(runtime, tmp_path, secret=NEW_SECRET, previous=SECRET)
    write_entries(after, 2)
    checkpoint(after)
    forgotten = keyed(runtime, tmp_path, secret=NEW_SECRET)

    try:
        assert verify(after).intact and verify(after).checkpoints == 2
        lost = verify(forgotten)
        assert lost.first_broken_seq == 1 and "clé inconnue" in lost.reason
    finally:
        after.engine.dispose()
        forgotten.engine.dispose()


def test_the_server_thread_writes_a_checkpoint_only_when_the_head_moved(runtime: Runtime) -> None:
    scheduler = audit_log.CheckpointScheduler(runtime.unit_of_work, runtime.audit_checkpoint_files, 10,
                                              runtime.clock)
    write_entries(runtime, 1)

    assert scheduler.run_once() is not None
    assert scheduler.run_once() is None
    write_entries(runtime, 1)
    assert scheduler.run_once() is not None
    assert len(runtime.settings.audit_checkpoints.read_text().splitlines()) == 2


def test_the_copy_gets_every_checkpoint_and_is_checked_too(runtime: Runtime, tmp_path: Path) -> None:
    copy = tmp_path / "ailleurs" / "points.jsonl"
    twin = open_runtime(make_settings(runtime.settings.database_url, tmp_path, audit_checkpoints_copy=copy),
                        clock=runtime.clock)
    try:
        write_entries(twin, 2)
        checkpoint(twin)
        runtime.settings.audit_checkpoints.unlink()
        with twin.session_factory.begin() as session:
            first = session.scalar(select(m.AuditEntry.hash).where(m.AuditEntry.seq == 1))
            session.execute(delete(m.AuditEntry).where(m.AuditEntry.seq == 2))
            session.execute(update(m.AuditHead).values(seq=1, hash=first))

        check = verify(twin)
        assert copy.read_text().count("\n") == 1
        assert check.chain.intact and "entrées supprimées" in check.reason
    finally:
        twin.engine.dispose()
