"""The OCR runs after the unit of work has ended: on SQLite its transaction holds the write lock."""

from __future__ import annotations

import pytest

from comptoir.reading.prescription_reader import ReadResult
from comptoir.refdata.search import DrugIndex
from comptoir.services.reading import read_prescription
from tests.fakes import FakeUnitOfWork

INDEX = DrugIndex([])


class OneIndex:
    def get(self, reference: object) -> DrugIndex:
        return INDEX


def test_the_unit_of_work_is_over_before_the_prescription_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    uow = FakeUnitOfWork()
    seen: list[tuple[int, DrugIndex]] = []

    def read(source: bytes, index: DrugIndex) -> ReadResult:
        seen.append((uow.rolled_back, index))
        return None  # type: ignore[return-value]

    monkeypatch.setattr(read_prescription, "read_with_index", read)

    read_prescription.read_paper_prescription(b"image", uow=uow, drug_index=OneIndex())  # type: ignore[arg-type]

    assert seen == [(1, INDEX)]
