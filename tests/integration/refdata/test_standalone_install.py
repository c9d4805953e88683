"""A clone of the repository, with nothing beside it, loads its own reference and finds an interaction.

The clone runs on this interpreter (its dependencies are already installed) with `PYTHONPATH` pointing
at the clone's `src/`, from a working directory and a HOME of its own, with no network needed and no
`../shared` anywhere above it: only what the repository commits can be used.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
HYDROXYZINE_WITH_AMIODARONE = {
    "today": "2026-02-19",
    "patient": {"birth_date": "1970-01-01", "sex": "F"},
    "lines": [{"drug": "ATARAX 25 mg", "posology": ""}, {"drug": "CORDARONE 200 mg", "posology": ""}],
    "history": [],
}

pytestmark = pytest.mark.slow


def committed_clone(target: Path) -> Path:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(REPO), str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "checkout", "-q", head], check=True)
    return target


def clone_runner(clone: Path, home: Path) -> tuple[list[str], dict[str, str]]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("COMPTOIR_")}
    env |= {"PYTHONPATH": str(clone / "src"), "HOME": str(home), "COMPTOIR_ENVIRONMENT": "test",
            "COMPTOIR_DATABASE_URL": f"sqlite:///{home / 'comptoir.db'}", "NO_PROXY": "*",
            "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
    return [sys.executable, "-m", "comptoir"], env


def test_a_bare_clone_loads_the_packaged_reference_and_finds_an_interaction(tmp_path: Path) -> None:
    clone = committed_clone(tmp_path / "comptoir")
    home = tmp_path / "poste"
    home.mkdir()
    comptoir, env = clone_runner(clone, home)
    (home / "cas.json").write_text(json.dumps(HYDROXYZINE_WITH_AMIODARONE), encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*comptoir, *args], capture_output=True, text=True, env=env, cwd=home, timeout=600)

    where = subprocess.run([sys.executable, "-c", "import comptoir; print(comptoir.__file__)"], capture_output=True,
                           text=True, env=env, cwd=home, check=True).stdout
    loaded = run("refdata", "import")
    status = run("refdata", "status", "--json")
    analysed = run("analyse", "cas.json", "--json")

    assert Path(where.strip()).is_relative_to(clone)
    assert not (tmp_path / "shared").exists() and not (tmp_path.parent / "shared").exists()
    assert loaded.returncode == 0, loaded.stderr
    releases = {r["kind"]: r for r in json.loads(status.stdout)["releases"]}
    assert "instantané embarqué reference-2026-05" in releases["bdpm"]["source"]
    assert releases["thesaurus"]["data_date"] == "2023-09-15"
    assert analysed.returncode == 0, analysed.stderr
    interactions = [f for f in json.loads(analysed.stdout)["findings"] if f["kind"] == "interaction"]
    assert [f["level"] for f in interactions] == ["CI"]
