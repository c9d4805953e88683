"""Shared fixtures: databases (SQLite and PostgreSQL, both built by Alembic), the reference, operators."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from comptoir.analysis.reference import AnalysisReference
from comptoir.domain.operators import Role
from comptoir.refdata.search import DrugIndex
from comptoir.refdata.sources import RefdataSource, locate_source
from comptoir.services.analysis.reference import build_reference
from comptoir.services.platform.operators import MACHINE_OWNER, NewOperator, create_operator
from comptoir.services.platform.runtime import Runtime, open_runtime
from comptoir.services.refdata.drugs import load_drug_records
from comptoir.services.refdata.import_reference import import_reference
from comptoir.settings import Settings

if TYPE_CHECKING:
    import httpx
    from fastapi.testclient import TestClient

REPO = Path(__file__).resolve().parents[1]
# The team's working copy, beside the repository or beside the folder of a git worktree: only for the
# tests that need what the packaged snapshot leaves out (the thesaurus's pdftotext text, CIS_MITM).
SHARED_DATA = next((p for p in (REPO.parent / "shared" / "data", REPO.parent.parent / "shared" / "data")
                    if p.is_dir()), REPO.parent / "shared" / "data")
POSTGRES_URL = os.environ.get("COMPTOIR_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test"
POSTGRES_OFF = os.environ.get("COMPTOIR_TEST_POSTGRES", "").lower() == "off"
"""The only way to leave PostgreSQL out besides `-m "not postgres"`: a developer's explicit choice, never
the test command's; otherwise a server that cannot be reached fails its tests (it must not hide them)."""
PASSWORD = "mot-de-passe-test"


@pytest.fixture(scope="session")
def snapshot_source(tmp_path_factory: pytest.TempPathFactory) -> RefdataSource:
    """The reference shipped in the package, unpacked once for the session, as the product finds it."""
    return locate_source(None, tmp_path_factory.mktemp("snapshot"))


@pytest.fixture(scope="session")
def reference_data(snapshot_source: RefdataSource) -> Path:
    """The packaged snapshot's files: bdpm/, thesaurus/ (the three CSV), atc/cis_atc.csv."""
    return snapshot_source.directory


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED_DATA / "bdpm" / "CIS_bdpm.txt").is_file():
        pytest.skip(f"reference data absent: {SHARED_DATA}")
    return SHARED_DATA


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of its own for this test session, so parallel runs on one server never collide."""
    if POSTGRES_OFF:
        pytest.skip("PostgreSQL écarté volontairement (COMPTOIR_TEST_POSTGRES=off)")
    name = f"comptoir_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_psycopg_url(POSTGRES_URL), isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 10})
    if problem := _create_database(admin, name):
        admin.dispose()
        pytest.fail(problem, pytrace=False)
    yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _create_database(admin: Engine, name: str) -> str:
    """Creates the session's database; returns why it could not, or an empty string."""
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        where = make_url(POSTGRES_URL).render_as_string(hide_password=True)
        return (f"PostgreSQL injoignable ({where}) : {str(exc.orig).strip().splitlines()[0]}\n"
                "Lancez ./scripts/test.sh (il démarre PostgreSQL), ou écartez ces tests délibérément : "
                '-m "not postgres" ou COMPTOIR_TEST_POSTGRES=off.')
    return ""


def reset_postgres(url: str) -> None:
    engine = create_engine(_psycopg_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'comptoir.db'}"
    url: str = request.getfixturevalue("postgres_url")
    reset_postgres(url)
    return url


def make_settings(database_url: str, tmp_path: Path, **extra: object) -> Settings:
    return Settings(database_url=database_url, var_dir=tmp_path / "var", environment="test", **extra)  # type: ignore[arg-type]


@pytest.fixture
def runtime(database_url: str, tmp_path: Path, clock: Clock) -> Iterator[Runtime]:
    built = open_runtime(make_settings(database_url, tmp_path), clock=clock)
    yield built
    built.engine.dispose()


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory: pytest.TempPathFactory, snapshot_source: RefdataSource) -> str:
    """A SQLite database holding the full reference, imported once for the session."""
    url = f"sqlite:///{tmp_path_factory.mktemp('reference') / 'reference.db'}"
    built = open_runtime(Settings(database_url=url, environment="test"))
    with closing(built.unit_of_work()) as uow:
        import_reference(snapshot_source, uow=uow, now=datetime(2026, 2, 19, tzinfo=UTC), step=lambda _: None)
    built.engine.dispose()
    return url


@pytest.fixture
def reference_runtime(reference_db: str, tmp_path: Path, clock: Clock, drug_index: DrugIndex,
                      analysis_reference: AnalysisReference) -> Iterator[Runtime]:
    """A runtime on a private copy of the reference database (tests may write to it), its caches
    primed with the session's index and analysis reference (same data, built once)."""
    copy = tmp_path / "comptoir.db"
    copy.write_bytes(Path(reference_db.removeprefix("sqlite:///")).read_bytes())
    built = open_runtime(make_settings(f"sqlite:///{copy}", tmp_path), clock=clock)
    with closing(built.unit_of_work()) as uow, uow:
        built.drug_index.preload(uow.reference, drug_index)
    built.analysis_reference.preload(drug_index, analysis_reference)
    yield built
    built.engine.dispose()


def add_operator(runtime: Runtime, code: str, role: Role) -> None:
    with closing(runtime.unit_of_work()) as uow:
        create_operator(NewOperator(code, f"Opérateur {code}", role, PASSWORD), by=MACHINE_OWNER, uow=uow,
                        now=runtime.clock())


@pytest.fixture(scope="session")
def drug_index(reference_db: str) -> DrugIndex:
    built = open_runtime(Settings(database_url=reference_db, environment="test"))
    with closing(built.unit_of_work()) as uow, uow:
        index = DrugIndex(load_drug_records(uow.reference))
    built.engine.dispose()
    return index


@pytest.fixture(scope="session")
def analysis_reference(reference_db: str, drug_index: DrugIndex) -> AnalysisReference:
    built = open_runtime(Settings(database_url=reference_db, environment="test"))
    with closing(built.unit_of_work()) as uow, uow:
        reference = build_reference(uow.reference, drug_index)
    built.engine.dispose()
    return reference


def open_session(client: TestClient, code: str, password: str = PASSWORD) -> httpx.Response:
    """Log in through the API; the client keeps the cookie and sends the CSRF token the API returned, as a
    page's HTMX requests do (forms may send it in `_csrf` instead)."""
    response = client.post("/api/session", json={"code": code, "password": password})
    if response.status_code == 200:
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return response
