"""Use cases: back up the pharmacy's database, restore a backup, and keep taking backups on a schedule.

Backups go to `COMPTOIR_BACKUP_DIR` (default `var/sauvegardes`), named by their UTC time; the scheduler
keeps the `COMPTOIR_BACKUP_KEEP` most recent ones. A restore replaces the whole database: the server
must be stopped first (the CLI asks for an explicit confirmation).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from comptoir.errors import NotFound
from comptoir.settings import Settings
from comptoir.store import backup as copies

log = logging.getLogger("comptoir.sauvegarde")


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    size_bytes: int
    taken_at: datetime

    def as_json(self) -> dict[str, object]:
        return {"path": str(self.path), "size_bytes": self.size_bytes, "taken_at": self.taken_at.isoformat()}


def take_backup(settings: Settings, *, now: datetime, destination: Path | None = None) -> Backup:
    target = destination or default_destination(settings, now)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partiel")
    if settings.is_sqlite:
        copies.backup_sqlite(copies.sqlite_path(settings.database_url), partial)
    else:
        copies.backup_postgres(settings.database_url, partial)
    partial.replace(target)  # a backup cut short never bears a backup's name
    return Backup(target, target.stat().st_size, now)


def default_destination(settings: Settings, now: datetime) -> Path:
    suffix = ".db" if settings.is_sqlite else ".dump"
    return settings.backup_dir / f"comptoir-{now:%Y%m%d-%H%M%S}{suffix}"


def restore_backup(settings: Settings, source: Path) -> None:
    if not source.is_file():
        raise NotFound(f"Sauvegarde introuvable : {source}")
    if settings.is_sqlite:
        copies.restore_sqlite(source, copies.sqlite_path(settings.database_url))
    else:
        copies.restore_postgres(source, settings.database_url)


def prune(settings: Settings) -> list[Path]:
    """Delete the oldest backups beyond the number to keep; returns what was deleted."""
    kept = sorted(settings.backup_dir.glob("comptoir-*.*"), reverse=True)
    stale = [p for p in kept if not p.name.endswith(".partiel")][settings.backup_keep:]
    for path in stale:
        path.unlink()
    return stale


class BackupScheduler:
    """A daemon thread of `comptoir serve` that takes a backup every `backup_every_h` hours."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sauvegardes", daemon=True)

    def start(self) -> None:
        if self._settings.backup_every_h > 0:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(self._settings.backup_every_h * 3600):
            self.run_once(datetime.now().astimezone())

    def run_once(self, now: datetime) -> Backup | None:
        try:
            done = take_backup(self._settings, now=now)
            prune(self._settings)
            log.info("Sauvegarde faite : %s (%d octets)", done.path.name, done.size_bytes)
            return done
        except Exception as exc:  # a failed backup must not stop the server; it is logged for the owner
            log.error("Sauvegarde impossible : %s: %s", type(exc).__name__, exc)
            return None
