"""The counter in a real browser (Debian's chromium driven by Playwright) against a real server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from comptoir.services import demo
from comptoir.services.runtime import Runtime

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(reference_runtime: Runtime, tmp_path: Path) -> Iterator[str]:
    with reference_runtime.session_factory.begin() as session:
        demo.load_demo(session, now=reference_runtime.clock())
    port = free_port()
    env = {**os.environ, "COMPTOIR_DATABASE_URL": reference_runtime.settings.database_url}
    command = [str(Path(sys.executable).parent / "comptoir"), "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server stopped: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (scripts/system-deps.sh)")
def test_a_pharmacist_logs_in_and_finds_a_drug(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="fr-FR")

        page.goto(f"{server}/")
        expect(page.get_by_role("heading", name="Connexion au comptoir")).to_be_visible()
        page.get_by_label("Code opérateur").fill("PH01")
        page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_text("Claire Martin · Pharmacien titulaire")).to_be_visible()

        page.locator("#scan").fill("doliprane 1000")
        page.locator("#scan").press("Enter")
        first = page.locator("table.results tbody tr").first.locator("a")
        expect(first).to_contain_text("DOLIPRANE 1000 mg")
        page.screenshot(path=str(ARTIFACTS / "recherche-doliprane.png"), full_page=True)

        first.click()
        expect(page.get_by_role("heading", name="Présentations")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "fiche-produit.png"), full_page=True)
        browser.close()

    assert (ARTIFACTS / "recherche-doliprane.png").stat().st_size > 10_000
