"""Production mode: HTTPS served by `comptoir serve` itself, no demo accounts."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from comptoir.domain.operators import Role
from comptoir.services.platform.runtime import open_runtime
from comptoir.store import models as m
from comptoir.web.app import create_app
from tests.conftest import PASSWORD, Clock, add_operator, make_settings
from tests.emulators import free_port

COMPTOIR = str(Path(sys.executable).parent / "comptoir")
SECRET = "s" * 40


def production_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "COMPTOIR_ENVIRONMENT": "production", "COMPTOIR_SECRET_KEY": SECRET,
            "COMPTOIR_DATABASE_URL": database_url, "COMPTOIR_VAR_DIR": str(tmp_path / "var"),
            "COMPTOIR_OUTBOX_WORKER": "false", "COMPTOIR_BACKUP_EVERY_H": "0"}


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'comptoir.db'}"
    built = open_runtime(make_settings(url, tmp_path))
    with built.session_factory.begin() as session:
        # One specialty is enough for `serve` to see a reference and not import the BDPM.
        session.add(m.Specialty(cis="63458349", name="AMLOR 5 mg, gélule"))
    built.engine.dispose()
    yield url


def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def test_serve_answers_over_https_with_hsts_in_production(database: str, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    port = free_port()
    process = subprocess.Popen([COMPTOIR, "serve", "--port", str(port), "--certificat", str(cert), "--cle", str(key)],
                               env=production_env(database, tmp_path), cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    trusting = ssl.create_default_context(cafile=str(cert))
    try:
        response = None
        deadline = time.monotonic() + 90
        while response is None and time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            try:
                response = httpx.get(f"https://127.0.0.1:{port}/api/health", verify=trusting, timeout=2)
            except httpx.HTTPError:
                time.sleep(0.2)
        assert response is not None, "server did not start"
        assert response.status_code == 200
        assert response.headers["strict-transport-security"].startswith("max-age=")
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_serve_refuses_a_certificate_without_its_key(database: str, tmp_path: Path) -> None:
    cert, _ = self_signed(tmp_path)
    result = subprocess.run([COMPTOIR, "serve", "--certificat", str(cert)], env=production_env(database, tmp_path),
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)

    assert result.returncode == 2
    assert "clé" in " ".join(result.stderr.split())


@pytest.mark.parametrize("command", [["demo"], ["serve", "--demo"]])
def test_demo_accounts_are_refused_in_production(command: list[str], database: str, tmp_path: Path) -> None:
    result = subprocess.run([COMPTOIR, *command], env=production_env(database, tmp_path), cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)

    assert result.returncode == 2
    assert "jamais exister en production" in " ".join(result.stderr.split())
    built = open_runtime(make_settings(database, tmp_path))
    with built.session_factory() as session:
        assert session.query(m.Operator).count() == 0
    built.engine.dispose()


@pytest.fixture
def production_app(tmp_path: Path, clock: Clock) -> Iterator[FastAPI]:
    settings = make_settings(f"sqlite:///{tmp_path / 'comptoir.db'}", tmp_path)
    settings = settings.model_copy(update={"environment": "production", "secret_key": SECRET})
    runtime = open_runtime(settings, clock=clock)
    add_operator(runtime, "PH01", Role.TITULAIRE)
    yield create_app(settings, runtime=runtime)
    runtime.engine.dispose()


def cookie_flags(response: httpx.Response) -> set[str]:
    header = response.headers["set-cookie"].lower()
    assert header.startswith("comptoir_session=")
    return {part.strip() for part in header.split(";")[1:]}


@pytest.mark.parametrize("login", ["page", "api"])
def test_the_session_cookie_is_secure_in_production(production_app: FastAPI, login: str) -> None:
    with TestClient(production_app, base_url="https://testserver") as client:
        if login == "page":
            response = client.post("/connexion", data={"code": "PH01", "password": PASSWORD}, follow_redirects=False)
        else:
            response = client.post("/api/session", json={"code": "PH01", "password": PASSWORD})

    assert response.status_code in (200, 303)
    assert {"secure", "httponly", "samesite=strict"} <= cookie_flags(response)


def test_the_session_cookie_is_secure_over_https_outside_production(tmp_path: Path, clock: Clock) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'comptoir.db'}", tmp_path)
    runtime = open_runtime(settings, clock=clock)
    add_operator(runtime, "PH01", Role.TITULAIRE)
    app = create_app(settings, runtime=runtime)
    with TestClient(app, base_url="https://testserver") as https, TestClient(app) as plain:
        over_https = https.post("/api/session", json={"code": "PH01", "password": PASSWORD})
        over_http = plain.post("/api/session", json={"code": "PH01", "password": PASSWORD})
    runtime.engine.dispose()

    assert "secure" in cookie_flags(over_https)
    assert "secure" not in cookie_flags(over_http)  # the development server on plain HTTP still works
