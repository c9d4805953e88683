"""A backup taken while the counters write holds every act committed before it, with an intact audit chain."""

from __future__ import annotations

import threading
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from comptoir.errors import RuleViolation
from comptoir.services.platform import audit_log
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.backup import BackupScheduler, prune, restore_backup, take_backup
from comptoir.services.platform.runtime import Runtime, open_runtime
from comptoir.settings import Settings

NOW = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)
COUNTER = Actor("PH01", "poste-1")


class Counter(threading.Thread):
    """Writes one audited act after another until stopped; remembers the acts whose commit returned."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(daemon=True)
        self.runtime, self.committed, self.stop = runtime, [], threading.Event()
        self.started_writing = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            with self.runtime.unit_of_work() as uow:
                entry = audit(uow, COUNTER, action="read", object_type="patient", object_id="1", now=NOW)
                uow.commit()
            self.committed.append(entry.seq)
            if len(self.committed) >= 20:
                self.started_writing.set()


def entries_of(settings: Settings) -> tuple[set[int], bool]:
    reopened = open_runtime(settings)
    try:
        with closing(reopened.unit_of_work()) as uow:
            check = audit_log.verify_trail(uow)
            seqs = {e.seq for e in audit_log.recent_entries(uow=uow, limit=100_000)}
        return seqs, check.intact
    finally:
        reopened.engine.dispose()


def test_a_backup_taken_during_writes_restores_every_act_committed_before_it(runtime: Runtime) -> None:
    counter = Counter(runtime)
    counter.start()
    assert counter.started_writing.wait(30)

    before = set(counter.committed)
    backup = take_backup(runtime.settings, now=NOW)
    counter.stop.set()
    counter.join(30)
    written = set(counter.committed)
    runtime.engine.dispose()
    restore_backup(runtime.settings, backup.path)

    restored, intact = entries_of(runtime.settings)
    assert before <= restored
    assert restored <= written
    assert intact


def test_a_file_that_is_not_a_backup_is_refused_and_the_base_is_kept(runtime: Runtime, tmp_path: Path) -> None:
    with runtime.unit_of_work() as uow:
        audit(uow, COUNTER, action="read", object_type="patient", object_id="1", now=NOW)
        uow.commit()
    junk = tmp_path / "pas-une-sauvegarde.db"
    junk.write_bytes(b"ceci n'est pas une base" * 100)
    runtime.engine.dispose()

    with pytest.raises(RuleViolation):
        restore_backup(runtime.settings, junk)

    restored, intact = entries_of(runtime.settings)
    assert restored == {1} and intact


def test_the_scheduler_keeps_only_the_most_recent_backups(runtime: Runtime) -> None:
    settings = runtime.settings.model_copy(update={"backup_keep": 2})
    scheduler = BackupScheduler(settings)

    for hour in (1, 2, 3):
        assert scheduler.run_once(NOW.replace(hour=hour)) is not None

    kept = sorted(p.name for p in settings.backup_dir.iterdir())
    assert len(kept) == 2 and kept[0].startswith("comptoir-20260219-02")
    assert prune(settings) == []
