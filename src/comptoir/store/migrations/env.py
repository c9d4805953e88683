"""Alembic environment: the URL comes from the caller's config (or COMPTOIR_DATABASE_URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from comptoir.settings import Settings
from comptoir.store.db import make_engine
from comptoir.store.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or Settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(url)
    with engine.connect() as new_connection:
        _run(new_connection)
    engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
