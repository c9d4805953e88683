"""Browser tests: a real `comptoir serve` on a copy of the reference database with the demo pharmacy,
and Debian's chromium driven by Playwright (no browser download). Screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from comptoir.devtools import demo
from comptoir.services.platform.runtime import Runtime
from tests.emulators import free_port, wait_until_up

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]


@pytest.fixture
def server(reference_runtime: Runtime, tmp_path: Path) -> Iterator[str]:
    with reference_runtime.session_factory.begin() as session:
        demo.load_demo(session, now=reference_runtime.clock())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "COMPTOIR_DATABASE_URL": reference_runtime.settings.database_url,
           "COMPTOIR_VAR_DIR": str(tmp_path / "var"), "COMPTOIR_OUTBOX_POLL_S": "0.2",
           # As in the test environment: the journeys' prescribers are made up, unknown to the Annuaire Santé
           # (its check is tested in tests/integration/annuaire).
           "COMPTOIR_ANNUAIRE_URL": ""}
    command = [str(Path(sys.executable).parent / "comptoir"), "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (scripts/system-deps.sh)")
    from playwright.sync_api import expect, sync_playwright

    # A counter's answer runs the analysis; on a CI machine shared with the rest of the suite, 5 s (the
    # default) is not always enough for the page to show it. No timing is asserted: this is only patience.
    expect.set_options(timeout=15_000)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS)
        yield launched
        launched.close()


def new_page(browser: Any, width: int = 1400, height: int = 900) -> Any:
    return browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR").new_page()


def log_in(page: Any, code: str) -> None:
    page.get_by_label("Code opérateur").fill(code)
    page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
