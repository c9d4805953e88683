"""The paper prescription's scan: checked by its content, kept with the basket then the dispensation, served
only to who may see health data and audited, purged when its basket was abandoned."""

from __future__ import annotations

import hashlib
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from comptoir.errors import NotFound, PermissionDenied, RuleViolation
from comptoir.services.dispensing.housekeeping import tidy_counter
from comptoir.services.dispensing.scans import (
    MAX_SCAN_BYTES,
    attach_scans,
    documents_of,
    keep_pending_scan,
    purge_abandoned_scans,
    scan_of,
    take_scan,
)
from comptoir.services.platform.backup import take_backup
from comptoir.services.platform.runtime import Runtime, open_runtime
from comptoir.store import models as m
from comptoir.store.counter import Basket
from comptoir.store.documents import DispensationDocument
from tests.conftest import Clock, make_settings
from tests.integration.dispensing.builders import dispensation, operator, pharmacy

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


def open_basket(runtime: Runtime, patient_id: int) -> int:
    now = runtime.clock()
    with runtime.session_factory.begin() as session:
        row = Basket(status="ouvert", kind="ordonnance_papier", patient_id=patient_id, renewal=0, prescriber_name="",
                     version=1, created_by="PR01", created_at=now, workstation="poste-1", updated_by="PR01",
                     updated_at=now)
        session.add(row)
        session.flush()
        return row.id


def stored(runtime: Runtime) -> int:
    with runtime.session_factory() as session:
        return session.scalar(select(func.count()).select_from(DispensationDocument)) or 0


def scanned(runtime: Runtime, content: bytes, basket: str = "panier-1", declared: str = "image/jpeg") -> int:
    with closing(runtime.unit_of_work()) as uow:
        return take_scan(content, declared, basket_ref=basket, uow=uow, operator=operator(runtime, "PR01"),
                         now=runtime.clock())


def validated(runtime: Runtime, basket: str, dispensation_id: int) -> list[int]:
    with closing(runtime.unit_of_work()) as uow, uow:
        ids = attach_scans(uow, basket, dispensation_id)
        uow.commit()
        return ids


def test_a_jpeg_png_or_pdf_scan_is_kept_for_its_basket_then_its_dispensation(runtime: Runtime) -> None:
    patient_id = pharmacy(runtime)
    ids = [scanned(runtime, content) for content in (JPEG, PNG, PDF)]
    done = dispensation(runtime, patient_id, ("XANAX", None))

    assert validated(runtime, "panier-1", done) == ids
    with closing(runtime.unit_of_work()) as uow:
        listed = documents_of(done, uow=uow, operator=operator(runtime), now=runtime.clock())
    assert [d.content_type for d in listed.scans] == ["image/jpeg", "image/png", "application/pdf"]
    assert listed.scans[0].sha256 == hashlib.sha256(JPEG).hexdigest()


def test_a_jpg_that_is_really_text_is_refused_and_nothing_is_stored(runtime: Runtime) -> None:
    pharmacy(runtime)

    with pytest.raises(RuleViolation, match="ni une image JPEG ou PNG ni un PDF"):
        scanned(runtime, b"Ceci est un texte, pas une photo.\n", declared="image/jpeg")

    assert stored(runtime) == 0


def test_a_scan_over_the_size_limit_is_refused_and_nothing_is_stored(runtime: Runtime) -> None:
    pharmacy(runtime)

    with pytest.raises(RuleViolation, match="trop volumineuse : 20 Mo au plus"):
        scanned(runtime, JPEG + b"\x00" * MAX_SCAN_BYTES)

    assert stored(runtime) == 0


def test_an_empty_scan_is_refused(runtime: Runtime) -> None:
    pharmacy(runtime)

    with pytest.raises(RuleViolation, match="vide"):
        scanned(runtime, b"")


def test_the_scan_is_served_with_its_type_and_the_read_is_audited(runtime: Runtime) -> None:
    patient_id = pharmacy(runtime)
    scanned(runtime, PNG)
    done = dispensation(runtime, patient_id, ("XANAX", None))
    validated(runtime, "panier-1", done)

    with closing(runtime.unit_of_work()) as uow:
        scan = scan_of(done, uow=uow, operator=operator(runtime, "PR01"), now=runtime.clock())

    assert (scan.content, scan.content_type) == (PNG, "image/png")
    with runtime.session_factory() as session:
        reads = session.scalars(select(m.AuditEntry).where(m.AuditEntry.object_type == "prescription_scan",
                                                           m.AuditEntry.action == "read")).all()
    assert [(e.operator_code, e.detail) for e in reads] == [("PR01", f"délivrance {done}")]


def test_the_technical_administrator_never_sees_the_scan(runtime: Runtime) -> None:
    patient_id = pharmacy(runtime)
    scanned(runtime, PNG)
    done = dispensation(runtime, patient_id, ("XANAX", None))
    validated(runtime, "panier-1", done)

    with closing(runtime.unit_of_work()) as uow, pytest.raises(PermissionDenied):
        scan_of(done, uow=uow, operator=operator(runtime, "ADM"), now=runtime.clock())
    with closing(runtime.unit_of_work()) as uow, pytest.raises(PermissionDenied):
        take_scan(PNG, "image/png", basket_ref="b", uow=uow, operator=operator(runtime, "ADM"), now=runtime.clock())


def test_a_dispensation_without_scan_says_so(runtime: Runtime) -> None:
    patient_id = pharmacy(runtime)
    done = dispensation(runtime, patient_id, ("XANAX", None))

    with closing(runtime.unit_of_work()) as uow, pytest.raises(NotFound, match="Aucune ordonnance scannée"):
        scan_of(done, uow=uow, operator=operator(runtime), now=runtime.clock())


def test_a_basket_validated_takes_only_its_own_scans(runtime: Runtime) -> None:
    patient_id = pharmacy(runtime)
    mine = scanned(runtime, PNG, basket="panier-1")
    scanned(runtime, JPEG, basket="panier-2")
    done = dispensation(runtime, patient_id, ("XANAX", None))

    assert validated(runtime, "panier-1", done) == [mine]


def test_scans_of_baskets_abandoned_for_a_day_are_purged_the_others_kept(runtime: Runtime, clock: Clock) -> None:
    patient_id = pharmacy(runtime)
    scanned(runtime, PNG, basket="abandonne")
    scanned(runtime, PNG, basket="valide")
    validated(runtime, "valide", dispensation(runtime, patient_id, ("XANAX", None)))
    clock.advance(hours=23)
    scanned(runtime, JPEG, basket="recent")
    clock.advance(hours=2)

    with closing(runtime.unit_of_work()) as uow:
        purged = purge_abandoned_scans(uow=uow, now=runtime.clock())

    assert purged == 1
    with runtime.session_factory() as session:
        left = session.scalars(select(DispensationDocument.basket_ref).order_by(DispensationDocument.id)).all()
    assert left == ["valide", "recent"]


def test_the_hourly_tidy_abandons_a_basket_left_for_a_day_purges_its_scan_and_keeps_an_open_ones(
        runtime: Runtime, clock: Clock) -> None:
    patient_id = pharmacy(runtime)
    left, taken = (open_basket(runtime, patient_id) for _ in range(2))
    scanned(runtime, PNG, basket=f"panier-{left}")
    scanned(runtime, PNG, basket=f"panier-{taken}")
    clock.advance(hours=20)
    with runtime.session_factory.begin() as session:  # a pharmacist takes the second basket late
        session.execute(update(Basket).where(Basket.id == taken).values(updated_at=runtime.clock()))
    clock.advance(hours=5)

    tidied = tidy_counter(runtime.unit_of_work, now=runtime.clock())

    with runtime.session_factory() as session:
        statuses = dict(session.execute(select(Basket.id, Basket.status)).tuples().all())
        kept = session.scalars(select(DispensationDocument.basket_ref)).all()
    assert (tidied.baskets, tidied.scans) == (1, 1)
    assert statuses == {left: "abandonne", taken: "ouvert"} and kept == [f"panier-{taken}"]


def test_keep_pending_scan_writes_in_the_callers_transaction(runtime: Runtime) -> None:
    pharmacy(runtime)

    with closing(runtime.unit_of_work()) as uow, uow:
        keep_pending_scan(uow, PNG, "image/png", basket_ref="panier-1", now=runtime.clock() - timedelta(minutes=1))
        # the caller fails before its commit

    assert stored(runtime) == 0


# The SQLite copy only: a PostgreSQL backup is pg_dump's whole database, scans included by construction.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_backup_carries_the_scans_with_the_dispensations(runtime: Runtime, tmp_path: Path) -> None:
    patient_id = pharmacy(runtime)
    scanned(runtime, PNG)
    done = dispensation(runtime, patient_id, ("XANAX", None))
    validated(runtime, "panier-1", done)

    copy = take_backup(runtime.settings, now=runtime.clock(), destination=tmp_path / "copie.db")

    restored = open_runtime(make_settings(f"sqlite:///{copy.path}", tmp_path / "restauree"))
    try:
        with closing(restored.unit_of_work()) as uow:
            scan = scan_of(done, uow=uow, operator=operator(restored), now=runtime.clock())
    finally:
        restored.engine.dispose()
    assert scan.content == PNG and scan.sha256 == hashlib.sha256(PNG).hexdigest()
