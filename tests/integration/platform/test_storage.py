"""Storage: Alembic builds and tears down every database; SQLite runs in WAL mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from comptoir.devtools import demo
from comptoir.errors import ConfigurationError
from comptoir.services.platform.runtime import Runtime
from comptoir.services.refdata.status import download_source, find_source
from comptoir.settings import Settings
from comptoir.store import migrate
from comptoir.store.models import Base


def test_migrations_build_every_table_of_the_model(runtime: Runtime) -> None:
    tables = set(inspect(runtime.engine).get_table_names())

    assert set(Base.metadata.tables) <= tables


def test_migrations_go_down_and_up_again(runtime: Runtime) -> None:
    migrate.downgrade(runtime.engine, "base")
    assert set(inspect(runtime.engine).get_table_names()) <= {"alembic_version"}

    migrate.upgrade(runtime.engine)

    assert set(Base.metadata.tables) <= set(inspect(runtime.engine).get_table_names())


def test_the_default_database_is_sqlite_in_wal_mode_under_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPTOIR_DATABASE_URL", raising=False)
    settings = Settings()

    from comptoir.services.platform.runtime import open_runtime

    built = open_runtime(settings)
    with built.engine.connect() as connection:
        mode = connection.execute(text("PRAGMA journal_mode")).scalar()
    built.engine.dispose()

    assert settings.database_url == f"sqlite:///{tmp_path / 'var' / 'comptoir.db'}"
    assert mode == "wal"
    assert (tmp_path / "var" / "comptoir.db").is_file()


def test_production_refuses_the_placeholder_secret() -> None:
    with pytest.raises(ConfigurationError, match="COMPTOIR_SECRET_KEY"):
        Settings(environment="production")


def test_a_secret_may_come_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret"
    secret.write_text("un-vrai-secret-de-production-0123456789\n")
    monkeypatch.setenv("COMPTOIR_SECRET_KEY_FILE", str(secret))

    assert Settings(environment="production").secret_key == "un-vrai-secret-de-production-0123456789"


def test_production_refuses_a_short_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPTOIR_SECRET_KEY", "x")

    with pytest.raises(ConfigurationError, match="trop court"):
        Settings(environment="production")


def test_the_demo_loads_once(runtime: Runtime) -> None:
    with runtime.session_factory.begin() as session:
        first = demo.load_demo(session, now=runtime.clock())
    with runtime.session_factory.begin() as session:
        second = demo.load_demo(session, now=runtime.clock())

    assert first == {"pharmacie": 1, "operateurs": 6, "patients": 6}
    assert second == {"pharmacie": 0, "operateurs": 0, "patients": 0}


def test_a_failed_official_download_says_what_is_missing(runtime: Runtime) -> None:
    def offline(url: str) -> bytes:
        raise OSError("réseau injoignable")

    with pytest.raises(ConfigurationError) as raised:
        download_source(runtime, fetch=offline)

    message = str(raised.value)
    assert "CIS_bdpm.txt (réseau injoignable)" in message
    assert "référentiel embarqué reste utilisable" in message


def test_without_configuration_the_reference_comes_from_the_package(runtime: Runtime) -> None:
    source = find_source(runtime)

    assert source.origin == "instantané embarqué"
    assert source.directory.is_relative_to(runtime.settings.var_dir)
