"""`comptoir read` and `comptoir posology` as outside checks run them: real process, JSON out, exit code 2."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from comptoir.devtools.paper_prescriptions.generator import generate_pages, load_posology_samples
from comptoir.refdata.search import DrugIndex
from comptoir.services.platform.runtime import Runtime

COMPTOIR = str(Path(sys.executable).parent / "comptoir")
CORPUS = Path(__file__).resolve().parents[2] / "data" / "posology_corpus.jsonl"
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr absent")


def run(*args: str, cwd: Path, database_url: str = "", stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COMPTOIR_DATABASE_URL": database_url or f"sqlite:///{cwd / 'absent.db'}"}
    return subprocess.run([COMPTOIR, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300,
                          input=stdin)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, drug_index: DrugIndex) -> Path:
    directory = tmp_path_factory.mktemp("cli-pages")
    return generate_pages(directory, records=drug_index.records, samples=load_posology_samples(CORPUS), count=1,
                          seed=5, noise="mild")[0]


@needs_tesseract
def test_read_image_json_prints_the_design_contract(page: Path, reference_runtime: Runtime, tmp_path: Path) -> None:
    result = run("read", str(page), "--json", cwd=tmp_path, database_url=reference_runtime.settings.database_url)

    assert result.returncode == 0, result.stderr
    reading = json.loads(result.stdout)
    assert set(reading) >= {"lines", "prescriber", "patient", "date"}
    assert reading["lines"]
    assert set(reading["lines"][0]) >= {"text", "substances", "cis", "posology"}
    assert set(reading["lines"][0]["posology"]) >= {"unit", "daily_quantity", "duration_days", "as_needed",
                                                   "renewals", "boxes", "total_quantity"}


@needs_tesseract
def test_read_eval_prints_recall_precision_posology_and_time(page: Path, reference_runtime: Runtime,
                                                              tmp_path: Path) -> None:
    result = run("read", "eval", str(page.parent), "--json", cwd=tmp_path,
                 database_url=reference_runtime.settings.database_url)

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["pages"] == 1
    assert set(report) >= {"recall", "precision", "posology_accuracy", "seconds_per_page"}


def test_read_generate_writes_pages_and_their_truth(reference_runtime: Runtime, tmp_path: Path) -> None:
    result = run("read", "generate", str(tmp_path / "pages"), "--count", "2", "--seed", "4", "--posologies",
                 str(CORPUS), cwd=tmp_path, database_url=reference_runtime.settings.database_url)

    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "pages").glob("*.json"))) == 2


def test_reading_a_missing_file_is_one_french_line_and_exit_code_2(tmp_path: Path) -> None:
    result = run("read", str(tmp_path / "absente.png"), "--json", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.strip() == f"comptoir : Fichier introuvable : {tmp_path / 'absente.png'}"


def test_posology_parse_json_prints_the_contract_without_a_database(tmp_path: Path) -> None:
    result = run("posology", "parse", "1 cp matin et soir pendant 7 jours", "--json", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"unit": "comprimé", "daily_quantity": 2, "duration_days": 7,
                                         "as_needed": False, "renewals": 0, "boxes": None, "total_quantity": 14}
    assert not (tmp_path / "absent.db").exists()


def test_posology_parse_dash_reads_one_text_per_line(tmp_path: Path) -> None:
    result = run("posology", "parse", "-", "--json", cwd=tmp_path, stdin="1-0-1 qsp 3 mois\nn'importe quoi\n")

    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["daily_quantity"] for a in answers] == [2, None]


def test_posology_eval_prints_the_accuracy_of_each_field(tmp_path: Path) -> None:
    result = run("posology", "eval", str(CORPUS), "--json", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report["fields"]) == {"unit", "daily_quantity", "duration_days", "as_needed", "renewals", "boxes",
                                     "total_quantity"}
    assert report["all_fields"] >= 0.95


def write_cases(path: Path, cases: list[tuple[str, dict[str, object]]]) -> Path:
    path.write_text("".join(json.dumps({"text": t, "expected": e}, ensure_ascii=False) + "\n" for t, e in cases),
                    encoding="utf-8")
    return path


def test_posology_eval_without_a_file_scores_development_and_blind_apart(tmp_path: Path) -> None:
    development = write_cases(tmp_path / "dev.jsonl", [("1 cp matin et soir", {"daily_quantity": 2.0}),
                                                       ("1 cp le soir", {"daily_quantity": 1.0})])
    blind = write_cases(tmp_path / "blind.jsonl", [("1 cp matin et soir", {"daily_quantity": 2.0}),
                                                   ("1 cp le soir", {"daily_quantity": 5.0})])

    result = run("posology", "eval", "--developpement", str(development), "--aveugle", str(blind), "--json",
                 cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["development"]["count"], report["development"]["all_fields"]) == (2, 1.0)
    assert (report["blind"]["count"], report["blind"]["all_fields"]) == (2, 0.5)


def test_posology_eval_prints_the_two_figures_and_never_the_blind_texts(tmp_path: Path) -> None:
    development = write_cases(tmp_path / "dev.jsonl", [("1 cp le matin", {"daily_quantity": 3.0})])
    blind = write_cases(tmp_path / "blind.jsonl", [("2 cp le soir", {"daily_quantity": 7.0})])

    result = run("posology", "eval", "--developpement", str(development), "--aveugle", str(blind), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    development_part, blind_part = result.stdout.split("À l'aveugle")
    assert "Développement" in development_part and "1 cas, tous champs justes : 0.0%" in development_part
    assert "« 1 cp le matin »" in development_part  # a development miss is shown, to be fixed
    assert "1 cas, tous champs justes : 0.0%" in blind_part and "2 cp le soir" not in result.stdout


def test_posology_eval_says_when_there_is_no_blind_set(tmp_path: Path) -> None:
    development = write_cases(tmp_path / "dev.jsonl", [("1 cp le soir", {"daily_quantity": 1.0})])

    result = run("posology", "eval", "--developpement", str(development), "--aveugle", str(tmp_path / "absent.jsonl"),
                 "--json", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["blind"] is None
