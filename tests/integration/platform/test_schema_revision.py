"""Opening a database already at head skips Alembic: the head is read from the migration files."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from comptoir.services.platform.runtime import Runtime
from comptoir.store import migrate


def test_the_head_read_from_the_files_is_alembics() -> None:
    scripts = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))

    assert migrate.head_revisions() == set(scripts.get_heads())


def test_a_database_one_migration_behind_is_not_at_head_until_upgraded(runtime: Runtime) -> None:
    at_head = migrate.is_at_head(runtime.engine)
    migrate.downgrade(runtime.engine, "-1")
    behind = migrate.is_at_head(runtime.engine)

    migrate.upgrade(runtime.engine)

    assert at_head and not behind
    assert migrate.is_at_head(runtime.engine)
