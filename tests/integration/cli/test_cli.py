"""The `comptoir` command as outside checks run it: real process, JSON out, exit code 2 on errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from comptoir.domain.operators import Role
from comptoir.refdata.search import DrugIndex
from comptoir.services.identity import patients
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.services.refdata.drugs import search_drugs
from comptoir.store import models as m
from comptoir.store.counter import Basket
from tests.conftest import POSTGRES_OFF, POSTGRES_URL
from tests.integration.refdata.test_drug_search import some_packs

COMPTOIR = str(Path(sys.executable).parent / "comptoir")
BENCH_CHECK = Path(__file__).resolve().parents[3] / "bench" / "check.py"


def run(*args: str, database_url: str, cwd: Path, extra_env: dict[str, str] | None = None, stdin: str | None = None
        ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COMPTOIR_DATABASE_URL": database_url, **(extra_env or {})}
    return subprocess.run([COMPTOIR, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300,
                          input=stdin)


def test_drugs_search_prints_the_contract_json(reference_runtime: Runtime, tmp_path: Path) -> None:
    result = run("drugs", "search", "doliprane 1000", "--json", database_url=reference_runtime.settings.database_url,
                 cwd=tmp_path)

    found = json.loads(result.stdout)
    assert result.returncode == 0
    assert found[0]["name"].startswith("DOLIPRANE 1000 mg")
    assert set(found[0]) == {"cis", "name", "substances", "cip13"}


def test_drugs_search_reads_one_query_per_line_and_answers_one_json_line_each(
    reference_runtime: Runtime, tmp_path: Path
) -> None:
    queries = ["doliprane 1000", "", "amoxiciline 500", "3400930227336", "rien de tel"]

    result = run("drugs", "search", "-", "--json", database_url=reference_runtime.settings.database_url,
                 cwd=tmp_path, stdin="\n".join(queries) + "\n")
    single = run("drugs", "search", "amoxiciline 500", "--json", database_url=reference_runtime.settings.database_url,
                 cwd=tmp_path)

    answers = [json.loads(line) for line in result.stdout.splitlines()]
    with closing(reference_runtime.unit_of_work()) as uow, uow:
        index = reference_runtime.drug_index.get(uow.reference)
    assert result.returncode == 0, result.stderr
    assert answers == [[d.contract() for d in search_drugs(index, q)] for q in queries]
    assert answers[1] == [] and answers[0] and answers[3]
    assert answers[2] == json.loads(single.stdout)


def test_a_fresh_database_loads_the_packaged_reference_by_itself(tmp_path: Path) -> None:
    result = run("drugs", "search", "3400935955838", "--json", database_url=f"sqlite:///{tmp_path / 'new.db'}",
                 cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["cis"] == "60234100"


def test_an_error_is_one_line_on_stderr_with_exit_code_2(tmp_path: Path) -> None:
    result = run("refdata", "import", str(tmp_path / "absent"), database_url=f"sqlite:///{tmp_path / 'x.db'}",
                 cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "Traceback" not in result.stderr
    assert "introuvable" in result.stderr


def test_a_missing_reference_says_what_is_missing(tmp_path: Path) -> None:
    empty = tmp_path / "vide"
    empty.mkdir()

    result = run("refdata", "import", str(empty), database_url=f"sqlite:///{tmp_path / 'x.db'}", cwd=tmp_path)

    assert result.returncode == 2
    assert "CIS_bdpm.txt" in result.stderr and "CIS_COMPO_bdpm.txt" in result.stderr


def test_refdata_status_reports_dates_and_thesaurus_coverage(reference_runtime: Runtime, tmp_path: Path) -> None:
    result = run("refdata", "status", "--json", database_url=reference_runtime.settings.database_url, cwd=tmp_path)

    status = json.loads(result.stdout)
    assert {r["kind"]: r["data_date"] for r in status["releases"]} == {"bdpm": "2026-05-19",
                                                                       "thesaurus": "2023-09-15"}
    assert 0.8 < status["thesaurus_mapping"]["coverage"] <= 1


def test_audit_verify_fails_with_exit_code_2_on_a_tampered_trail(runtime: Runtime, tmp_path: Path) -> None:
    operator = CurrentOperator(1, "PR01", "Julie", Role.PREPARATEUR, "poste-1")
    with closing(runtime.unit_of_work()) as uow:
        created = patients.create_patient(patients.NewPatient("A", "B", runtime.clock().date(), "F"), uow=uow,
                                          operator=operator, now=runtime.clock())
        patients.read_patient(created.id, uow=uow, operator=operator, now=runtime.clock())
    url = runtime.settings.database_url

    intact = run("audit", "verify", "--json", database_url=url, cwd=tmp_path)
    with runtime.session_factory.begin() as session:
        session.execute(update(m.AuditEntry).where(m.AuditEntry.seq == 1).values(detail="effacé"))
    broken = run("audit", "verify", database_url=url, cwd=tmp_path)

    assert intact.returncode == 0 and json.loads(intact.stdout)["entries"] == 2
    assert broken.returncode == 2
    assert "entrée n° 1" in broken.stderr


def test_the_worker_tidies_the_counter_as_it_starts(runtime: Runtime, tmp_path: Path) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=2)
    with runtime.session_factory.begin() as session:
        session.add(Basket(status="ouvert", kind="sans_ordonnance", renewal=0, prescriber_name="", version=1,
                           created_by="PR01", created_at=long_ago, workstation="poste-1", updated_by="PR01",
                           updated_at=long_ago))

    result = run("worker", "--once", database_url=runtime.settings.database_url, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    with runtime.session_factory() as session:
        assert session.scalars(select(Basket.status)).all() == ["abandonne"]


@pytest.mark.parametrize("query", ["amoxiciline 500", "3400930227336"])
def test_drugs_search_finds_by_dci_typo_and_cip13(reference_runtime: Runtime, tmp_path: Path, query: str) -> None:
    result = run("drugs", "search", query, "--json", database_url=reference_runtime.settings.database_url,
                 cwd=tmp_path)

    assert json.loads(result.stdout), result.stderr


def test_drugs_search_finds_the_pack_of_a_scanned_datamatrix_and_says_its_lot(reference_runtime: Runtime,
                                                                             drug_index: DrugIndex,
                                                                             tmp_path: Path) -> None:
    (cis, cip13), = some_packs(drug_index, 1)
    scanned = f"]d2010{cip13}17270531" + "10AB12C\x1d219X8Y7Z"

    as_json = run("drugs", "search", scanned, "--json", database_url=reference_runtime.settings.database_url,
                  cwd=tmp_path)
    as_text = run("drugs", "search", scanned, database_url=reference_runtime.settings.database_url, cwd=tmp_path,
                  extra_env={"COLUMNS": "200"})

    assert [d["cis"] for d in json.loads(as_json.stdout)] == [cis], as_json.stderr
    assert f"CIP13 {cip13} · lot AB12C · péremption 31/05/2027 · n° de série 9X8Y7Z" in as_text.stdout


def test_the_quick_bench_reports_every_figure_that_bench_check_compares(reference_runtime: Runtime,
                                                                        tmp_path: Path) -> None:
    postgres = "off" if POSTGRES_OFF else POSTGRES_URL  # the counter's PostgreSQL figures, on the tests' server
    result = run("bench", "--quick", "--json", database_url=reference_runtime.settings.database_url, cwd=tmp_path,
                 extra_env={"COMPTOIR_BENCH_POSTGRES_URL": postgres})
    compared = subprocess.run([sys.executable, str(BENCH_CHECK)], input=result.stdout, capture_output=True, text=True,
                              timeout=60)

    report = json.loads(result.stdout)
    assert result.returncode == 0, result.stderr
    assert report["quick"] is True
    assert report["analysis_accuracy"]["development"] is not None
    assert set(report["drug_search"]["by_kind"]) == {"brand_strength", "dci", "misspelt", "code"}
    assert report["counter_change"]["count"] == 48 and report["counter_validation"]["dispensations"] == 6
    assert ("skipped" in report["counter_validation_postgres"]) == POSTGRES_OFF
    assert compared.returncode in (0, 1), compared.stdout + compared.stderr  # met or missed, never absent
    assert "ABSENT" not in compared.stdout
