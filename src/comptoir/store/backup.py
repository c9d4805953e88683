"""Copies of the pharmacy's database and their restoration: SQLite's online backup, pg_dump for PostgreSQL.

SQLite's backup API copies a consistent snapshot while other connections keep writing (WAL mode);
pg_dump reads one repeatable-read snapshot. Either way a backup holds every transaction committed
before it started and none half-written.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from comptoir.errors import ConfigurationError, RuleViolation


def sqlite_path(url: str) -> Path:
    return Path(url.split("///", 1)[1])


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as pg_dump reads it (no driver name)."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest if scheme.startswith("postgres") else url


def backup_sqlite(database: Path, destination: Path) -> None:
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    target = sqlite3.connect(destination)
    try:
        source.backup(target)
        if target.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise RuleViolation("La copie de la base SQLite est corrompue.")
    finally:
        target.close()
        source.close()


def restore_sqlite(backup: Path, database: Path) -> None:
    check = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        if check.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise RuleViolation(f"Sauvegarde illisible ou corrompue : {backup}")
        database.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(database)
        try:
            check.backup(target)
        finally:
            target.close()
    except sqlite3.DatabaseError as exc:
        raise RuleViolation(f"Ce fichier n'est pas une sauvegarde SQLite : {backup}") from exc
    finally:
        check.close()


def backup_postgres(url: str, destination: Path) -> None:
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={destination}", libpq_url(url)], "pg_dump")


def restore_postgres(backup: Path, url: str) -> None:
    _run(["pg_restore", "--list", str(backup)], "pg_restore")
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
          f"--dbname={libpq_url(url)}", str(backup)], "pg_restore")


def _run(command: list[str], tool: str) -> None:
    if shutil.which(tool) is None:
        raise ConfigurationError(f"{tool} est introuvable : installez le paquet Debian postgresql-client.")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["sans message"])[-1]
        raise RuleViolation(f"{tool} a échoué : {last}")
