"""The rules of the ordonnancier's writing and of the scan's acceptance, without a database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from comptoir.domain.dispensing.conditions import Listing, read_conditions
from comptoir.errors import RuleViolation
from comptoir.services.dispensing.ordonnancier import (
    RegisterInput,
    RegisterLine,
    RegisterPatient,
    RegisterPrescriber,
    record_cancellation,
    record_dispensation,
)
from comptoir.services.dispensing.scans import keep_pending_scan, scan_type
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)


def entry(*lines: RegisterLine, prescriber: RegisterPrescriber | None = None) -> RegisterInput:
    return RegisterInput(7, "PH01", prescriber or RegisterPrescriber("Dr BLANC", "10002223336"),
                         RegisterPatient("LEMAIRE Anne"), lines)


def test_only_the_lines_the_bdpm_lists_are_registered() -> None:
    uow = FakeUnitOfWork()
    listed = read_conditions(["Liste I"]).listing
    unlisted = read_conditions(["Prescription médicale facultative"]).listing

    numbers = record_dispensation(uow, entry(RegisterLine(0, "DOLIPRANE", 1, unlisted),
                                             RegisterLine(1, "XANAX", 2, listed)), now=NOW)

    assert numbers == [1]
    assert [(e.product, e.quantity, e.line_position) for e in uow.registers.entries] == [("XANAX", 2, 1)]


def test_a_listed_line_needs_a_prescriber() -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(RuleViolation, match="prescripteur"):
        record_dispensation(uow, entry(RegisterLine(0, "XANAX", 1, Listing.LIST_I),
                                       prescriber=RegisterPrescriber("")), now=NOW)

    assert uow.registers.entries == []


def test_a_zero_quantity_is_refused() -> None:
    with pytest.raises(RuleViolation, match="quantité"):
        record_dispensation(FakeUnitOfWork(), entry(RegisterLine(0, "XANAX", 0, Listing.LIST_I)), now=NOW)


def test_cancelling_a_dispensation_with_nothing_registered_writes_nothing() -> None:
    uow = FakeUnitOfWork()

    assert record_cancellation(uow, 7, operator_code="PH01", reason="Retour", now=NOW) == []
    assert uow.registers.entries == []


@pytest.mark.parametrize(("content", "kind"), [(b"\xff\xd8\xff\xdb rest", "image/jpeg"),
                                               (b"\x89PNG\r\n\x1a\n rest", "image/png"),
                                               (b"%PDF-1.7 rest", "application/pdf")])
def test_the_scan_type_comes_from_the_content(content: bytes, kind: str) -> None:
    assert scan_type(content) == kind


@pytest.mark.parametrize("content", [b"GIF89a....", b"<html>", b"PK\x03\x04 zip", b"\xff\xd8 short"])
def test_anything_else_is_refused_whatever_it_is_called(content: bytes) -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(RuleViolation, match="ni une image JPEG ou PNG ni un PDF"):
        keep_pending_scan(uow, content, "image/jpeg", basket_ref="panier", now=NOW)

    assert uow.documents.documents == []
