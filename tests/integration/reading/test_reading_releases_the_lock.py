"""A paper prescription's OCR runs outside the request's transaction: on SQLite another counter may
write meanwhile instead of waiting for the second of Tesseract."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import create_engine, text

from comptoir.domain.operators import Role
from comptoir.reading.prescription_reader import ReadResult
from comptoir.refdata.search import DrugIndex
from comptoir.services.platform.runtime import Runtime
from comptoir.services.reading import read_prescription
from comptoir.web.app import create_app
from tests.conftest import add_operator, open_session


def test_another_counter_writes_while_a_prescription_is_read(reference_runtime: Runtime,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    add_operator(reference_runtime, "PR01", Role.PREPARATEUR)
    other_counter = create_engine(reference_runtime.settings.database_url, connect_args={"timeout": 0.5})
    written: list[bool] = []
    reader = read_prescription.read_with_index

    def read_while_someone_writes(image: bytes, index: DrugIndex) -> ReadResult:
        with other_counter.begin() as connection:  # fails after 0.5 s if the request still held the lock
            connection.execute(text("INSERT INTO login_failure (operator_code, at, workstation) VALUES ('X', :at, '')"),
                               {"at": datetime.now(UTC)})
        written.append(True)
        return reader(image, index)

    monkeypatch.setattr(read_prescription, "read_with_index", read_while_someone_writes)
    blank = io.BytesIO()
    Image.new("L", (800, 1100), 255).save(blank, format="PNG")

    with TestClient(create_app(reference_runtime.settings, runtime=reference_runtime)) as client:
        open_session(client, "PR01")
        response = client.post("/api/prescriptions/read", files={"file": ("vide.png", blank.getvalue(), "image/png")})

    other_counter.dispose()
    assert response.status_code == 200
    assert written == [True]
