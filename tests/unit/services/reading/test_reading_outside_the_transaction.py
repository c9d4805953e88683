"""The OCR runs after the unit of work has ended: on SQLite its transaction holds the write lock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from comptoir.reading.prescription_reader import ReadResult
from comptoir.refdata.search import DrugIndex
from comptoir.services.platform.audit_log import Actor
from comptoir.services.reading import read_prescription
from tests.fakes import FakeUnitOfWork

INDEX = DrugIndex([])
NOW = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)


class OneIndex:
    def get(self, reference: object) -> DrugIndex:
        return INDEX


def test_the_unit_of_work_is_over_before_the_prescription_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    uow = FakeUnitOfWork()
    seen: list[tuple[int, DrugIndex]] = []

    def read(source: bytes, index: DrugIndex) -> ReadResult:
        seen.append((uow.rolled_back, index))
        return ReadResult()

    monkeypatch.setattr(read_prescription, "read_with_index", read)

    read_prescription.read_paper_prescription(b"image", uow=uow, drug_index=OneIndex(),  # type: ignore[arg-type]
                                              actor=Actor("PH01", "poste-1"), now=NOW)

    assert seen == [(1, INDEX)]
    assert [(e.object_type, e.detail) for e in uow.audit.entries] == [
        ("prescription_reading", "0 ligne(s), 0 page(s), patient non lu")]
    assert uow.committed == 1
