"""The bench's server memory: a real `comptoir serve` process, its resident memory once it has done
what a counter's first minutes make it do.

The server runs on a scratch SQLite database holding the full reference (the bench's import), with a
bench operator, so the pharmacy's own database gets neither an operator nor audit lines. Its RSS is
read twice: when it answers (reference loaded: `server_rss_reference_mb`) and after it has answered a
drug search, an analysis of a patient with an allergy (which builds the analysis reference) and the OCR
of a generated paper prescription (`server_rss_mb`). Tesseract runs in a child process: its memory is
not the server's and is not counted.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from comptoir.devtools.paper_prescriptions.generator import generate_pages
from comptoir.devtools.paper_prescriptions.truth import PosologySample
from comptoir.refdata.search import DrugRecord

OPERATOR, PASSWORD = "BANC", "banc-de-mesure-local"
CASE = {"today": "2026-02-19",
        "patient": {"birth_date": "1948-03-20", "sex": "F", "allergies": ["pénicillines", "aspirine"],
                    "weight_kg": 58, "egfr": 42},
        "lines": [{"drug": "augmentin 1g", "posology": "1 cp matin et soir pendant 7 jours"},
                  {"drug": "kardegic 75", "posology": "1 sachet par jour"},
                  {"drug": "doliprane 1000", "posology": "1 cp 3 fois par jour si douleur"}],
        "history": [{"drug": "SINTROM 4 mg", "date": "2026-01-20"}]}
POSOLOGIES = (PosologySample("1 comprimé matin et soir", {"unit": "comprimé", "daily_quantity": 2.0}),
              PosologySample("1 gélule 3 fois par jour pendant 7 jours", {"unit": "gélule", "daily_quantity": 3.0,
                                                                         "duration_days": 7}),
              PosologySample("1 cp le soir", {"unit": "comprimé", "daily_quantity": 1.0}))


def server_memory(database_url: str, records: Sequence[DrugRecord]) -> dict[str, float | None]:
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "COMPTOIR_DATABASE_URL": database_url, "COMPTOIR_VAR_DIR": str(Path(scratch) / "var")}
        _add_operator(env)
        page = generate_pages(Path(scratch) / "pages", records=records, samples=POSOLOGIES, count=1, seed=8,
                              noise="mild")[0]
        with running_server(database_url, Path(scratch) / "var") as (pid, base):
            if not wait_until_up(base, timeout_s=120):
                return {"server_rss_reference_mb": None, "server_rss_mb": None}
            return _measure(pid, base, page)


@contextmanager
def running_server(database_url: str, var_dir: Path) -> Iterator[tuple[int, str]]:
    """A `comptoir serve` on `database_url` and a free port: its pid and its base URL (not yet up: see
    `wait_until_up`); its output goes to `var_dir/serve.log`, stopped on leaving."""
    var_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, "COMPTOIR_DATABASE_URL": database_url, "COMPTOIR_VAR_DIR": str(var_dir),
           "COMPTOIR_PORT": str(port)}
    with (var_dir / "serve.log").open("wb") as log:
        server = subprocess.Popen([*comptoir_command(), "serve", "--port", str(port)], env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            yield server.pid, f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=20)


@contextmanager
def api_client(base: str, code: str, password: str) -> Iterator[httpx.Client]:
    """An API client logged in as `code`: its bearer token, no cookie (so no form token either)."""
    with httpx.Client(base_url=base, timeout=120) as client:
        opened = client.post("/api/session", json={"code": code, "password": password})
        opened.raise_for_status()
        client.cookies.clear()
        client.headers["Authorization"] = f"Bearer {opened.json()['token']}"
        yield client


def _measure(pid: int, base: str, page: Path) -> dict[str, float | None]:
    loaded = _rss_mb(pid)
    with api_client(base, OPERATOR, PASSWORD) as client:
        client.get("/api/drugs", params={"q": "amox 1g"}).raise_for_status()
        client.post("/api/analysis", json=CASE).raise_for_status()
        client.post("/api/prescriptions/read", files={"file": (page.name, page.read_bytes(), _image_type(page))}
                    ).raise_for_status()
    return {"server_rss_reference_mb": loaded, "server_rss_mb": _rss_mb(pid)}


def _image_type(page: Path) -> str:
    return "image/png" if page.suffix == ".png" else "image/jpeg"


def _add_operator(env: dict[str, str]) -> None:
    subprocess.run([*comptoir_command(), "operators", "add", OPERATOR, "--name", "Banc de mesure", "--role",
                    "preparateur", "--password", PASSWORD], env=env, check=True, capture_output=True, timeout=300)


def comptoir_command() -> list[str]:
    return [sys.executable, "-c", "from comptoir.cli import main; main()"]


def _rss_mb(pid: int) -> float:
    import psutil

    rss_bytes: int = psutil.Process(pid).memory_info().rss
    return round(rss_bytes / 1_048_576, 1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(base: str, *, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            time.sleep(0.2)
    return False
