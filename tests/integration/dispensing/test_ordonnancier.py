"""The ordonnancier (CSP R.5132-10): numbered at validation, gap-free under concurrency, cancelled by new
entries, read, exported and printed by who may see health data, every read audited."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import threading
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from comptoir.domain.dispensing.conditions import Listing
from comptoir.errors import Conflict, PermissionDenied, RuleViolation
from comptoir.services.dispensing.ordonnancier import (
    RegisterFilters,
    RegisterInput,
    RegisterPatient,
    record_cancellation,
    record_dispensation,
    register_csv,
    register_page,
    register_pdf,
)
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.registers import RegisterEntry
from tests.integration.dispensing.builders import dispensation, operator, pharmacy, register_input, validated

WRITERS = 8


def entries(runtime: Runtime) -> list[RegisterEntry]:
    with runtime.session_factory() as session:
        return list(session.scalars(select(RegisterEntry).order_by(RegisterEntry.number)))


def test_a_listed_line_gets_the_next_number_and_an_unlisted_one_none(runtime: Runtime) -> None:
    patient_id = pharmacy(runtime)
    first = dispensation(runtime, patient_id, ("XANAX 0,25 mg", None))
    second = dispensation(runtime, patient_id, ("DOLIPRANE 1000 mg", None), ("SKENAN 10 mg", None),
                          ("AMOXICILLINE 1 g", None))

    assert validated(runtime, register_input(first, ("XANAX 0,25 mg", Listing.LIST_I))) == [1]
    numbers = validated(runtime, register_input(second, ("DOLIPRANE 1000 mg", None), ("SKENAN 10 mg", Listing.NARCOTIC),
                                                ("AMOXICILLINE 1 g", Listing.LIST_I)))

    assert numbers == [2, 3]
    assert [(e.number, e.product, e.listing) for e in entries(runtime)] == [
        (1, "XANAX 0,25 mg", "liste I"), (2, "SKENAN 10 mg", "stupéfiant"), (3, "AMOXICILLINE 1 g", "liste I")]


def test_a_dispensation_of_unlisted_products_writes_nothing(runtime: Runtime) -> None:
    patient_id = pharmacy(runtime)
    done = dispensation(runtime, patient_id, ("DOLIPRANE 1000 mg", None))

    assert validated(runtime, register_input(done, ("DOLIPRANE 1000 mg", None))) == []
    assert entries(runtime) == []


def test_an_entry_names_the_prescriber_the_patient_and_the_quantity(runtime: Runtime) -> None:
    patient_id = pharmacy(runtime)
    done = dispensation(runtime, patient_id, ("SKENAN 10 mg", None))

    validated(runtime, register_input(done, ("SKENAN 10 mg", Listing.NARCOTIC), patient_id=patient_id, boxes=2))

    (entry,) = entries(runtime)
    assert (entry.prescriber_name, entry.prescriber_rpps, entry.prescriber_address) == (
        "Dr Julie BLANC", "10002223336", "3 rue de la Paix, 69002 Lyon")
    assert (entry.patient_name, entry.patient_address, entry.quantity) == (
        "LEMAIRE Anne", "8 rue Dumenge, 69004 Lyon", 2)


def test_a_listed_line_without_patient_name_is_refused_and_takes_no_number(runtime: Runtime) -> None:
    patient_id = pharmacy(runtime)
    done = dispensation(runtime, patient_id, ("XANAX 0,25 mg", None))
    entry = register_input(done, ("XANAX 0,25 mg", Listing.LIST_I))
    nameless = RegisterInput(entry.dispensation_id, entry.operator_code, entry.prescriber, RegisterPatient("  "),
                             entry.lines)

    with pytest.raises(RuleViolation, match="nom du patient"):
        validated(runtime, nameless)

    assert entries(runtime) == []
    assert validated(runtime, entry) == [1]


def test_a_validation_rolled_back_gives_its_numbers_back(runtime: Runtime) -> None:
    patient_id = pharmacy(runtime)
    lost = dispensation(runtime, patient_id, ("XANAX 0,25 mg", None))
    kept = dispensation(runtime, patient_id, ("XANAX 0,25 mg", None))
    with closing(runtime.unit_of_work()) as uow, uow:
        record_dispensation(uow, register_input(lost, ("XANAX 0,25 mg", Listing.LIST_I)), now=runtime.clock())
        # the validation fails after this point: the block ends without a commit

    assert validated(runtime, register_input(kept, ("XANAX 0,25 mg", Listing.LIST_I))) == [1]


def test_concurrent_validations_get_distinct_consecutive_numbers(runtime: Runtime) -> None:
    patient_id = pharmacy(runtime)
    ids = [dispensation(runtime, patient_id, ("XANAX", None), ("SKENAN", None)) for _ in range(WRITERS)]
    got: dict[int, list[int]] = {}
    failures: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def counter(dispensation_id: int) -> None:
        start.wait()
        try:
            got[dispensation_id] = validated(runtime, register_input(
                dispensation_id, ("XANAX", Listing.LIST_I), ("SKENAN", Listing.NARCOTIC)))
        except Exception as exc:  # reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=counter, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert sorted(n for numbers in got.values() for n in numbers) == list(range(1, 2 * WRITERS + 1))
    assert all(numbers[1] == numbers[0] + 1 for numbers in got.values())
    assert [e.number for e in entries(runtime)] == list(range(1, 2 * WRITERS + 1))


def test_a_cancellation_adds_entries_naming_the_originals_and_deletes_none(runtime: Runtime) -> None:
    patient_id = pharmacy(runtime)
    done = dispensation(runtime, patient_id, ("XANAX", None), ("SKENAN", None))
    validated(runtime, register_input(done, ("XANAX", Listing.LIST_I), ("SKENAN", Listing.NARCOTIC)))

    with closing(runtime.unit_of_work()) as uow, uow:
        numbers = record_cancellation(uow, done, operator_code="PH02", reason="Erreur de patient", now=runtime.clock())
        uow.commit()

    assert numbers == [3, 4]
    assert [(e.number, e.kind, e.cancels_number, e.reason) for e in entries(runtime)] == [
        (1, "delivrance", None, ""), (2, "delivrance", None, ""),
        (3, "annulation", 1, "Erreur de patient"), (4, "annulation", 2, "Erreur de patient")]


def test_a_dispensation_is_cancelled_once(runtime: Runtime) -> None:
    patient_id = pharmacy(runtime)
    done = dispensation(runtime, patient_id, ("XANAX", None))
    validated(runtime, register_input(done, ("XANAX", Listing.LIST_I)))

    def cancel() -> list[int]:
        with closing(runtime.unit_of_work()) as uow, uow:
            numbers = record_cancellation(uow, done, operator_code="PH01", reason="Retour", now=runtime.clock())
            uow.commit()
            return numbers

    cancel()
    with pytest.raises(Conflict, match="déjà annulée"):
        cancel()
    assert len(entries(runtime)) == 2


def test_a_cancellation_needs_its_reason(runtime: Runtime) -> None:
    patient_id = pharmacy(runtime)
    done = dispensation(runtime, patient_id, ("XANAX", None))
    validated(runtime, register_input(done, ("XANAX", Listing.LIST_I)))

    with closing(runtime.unit_of_work()) as uow, uow, pytest.raises(RuleViolation, match="motif"):
        record_cancellation(uow, done, operator_code="PH01", reason=" ", now=runtime.clock())


# --- reading ----------------------------------------------------------------------------------------


def three_entries(runtime: Runtime) -> int:
    patient_id = pharmacy(runtime)
    with runtime.session_factory.begin() as session:
        other = m.Patient(last_name="GENE", first_name="Alain", birth_date=date(1966, 2, 23), sex="M", allergies=[],
                          created_at=runtime.clock())
        session.add(other)
    first = dispensation(runtime, patient_id, ("XANAX 0,25 mg", None))
    validated(runtime, register_input(first, ("XANAX 0,25 mg", Listing.LIST_I), patient_id=patient_id))
    second = dispensation(runtime, None, ("SKENAN 10 mg", None))
    gene = register_input(second, ("SKENAN 10 mg", Listing.NARCOTIC))
    validated(runtime, RegisterInput(second, "PH01", gene.prescriber, RegisterPatient("GENE Alain"), gene.lines),
              now=runtime.clock() + timedelta(days=3))
    third = dispensation(runtime, patient_id, ("TRAMADOL 50 mg", None))
    validated(runtime, register_input(third, ("TRAMADOL 50 mg", Listing.LIST_II)),
              now=runtime.clock() + timedelta(days=10))
    return patient_id


def test_the_register_is_filtered_by_listing_product_patient_and_period(runtime: Runtime) -> None:
    patient_id = three_entries(runtime)
    reader = operator(runtime, "PR01")
    today = runtime.clock().date()

    def numbers(filters: RegisterFilters) -> list[int]:
        with closing(runtime.unit_of_work()) as uow:
            return [row.number for row in register_page(filters, uow=uow, operator=reader, now=runtime.clock()).rows]

    assert numbers(RegisterFilters()) == [1, 2, 3]
    assert numbers(RegisterFilters(listing=Listing.NARCOTIC)) == [2]
    assert numbers(RegisterFilters(product="tramadol")) == [3]
    assert numbers(RegisterFilters(patient="gene")) == [2]
    assert numbers(RegisterFilters(patient_id=patient_id)) == [1]
    assert numbers(RegisterFilters(start=today + timedelta(days=1), end=today + timedelta(days=3))) == [2]
    assert numbers(RegisterFilters(end=today)) == [1]


def test_a_period_that_ends_before_it_starts_is_refused(runtime: Runtime) -> None:
    pharmacy(runtime)
    today = runtime.clock().date()

    with closing(runtime.unit_of_work()) as uow, pytest.raises(RuleViolation, match="date de début"):
        register_page(RegisterFilters(start=today, end=today - timedelta(days=1)), uow=uow,
                      operator=operator(runtime), now=runtime.clock())


def test_the_technical_administrator_may_not_read_the_register(runtime: Runtime) -> None:
    three_entries(runtime)

    for read in (register_page, register_csv, register_pdf):
        with closing(runtime.unit_of_work()) as uow, pytest.raises(PermissionDenied):
            read(RegisterFilters(), uow=uow, operator=operator(runtime, "ADM"), now=runtime.clock())  # type: ignore[operator]


def test_every_read_and_export_is_audited(runtime: Runtime) -> None:
    three_entries(runtime)
    reader = operator(runtime, "PR01")

    for read in (register_page, register_csv, register_pdf):
        with closing(runtime.unit_of_work()) as uow:
            read(RegisterFilters(patient="LEMAIRE"), uow=uow, operator=reader, now=runtime.clock())  # type: ignore[operator]

    with runtime.session_factory() as session:
        trail = list(session.scalars(select(m.AuditEntry).where(m.AuditEntry.object_type == "ordonnancier")
                                     .order_by(m.AuditEntry.seq)))
    assert [(e.operator_code, e.detail.split(" ; ")[0]) for e in trail] == [
        ("PR01", "consultation"), ("PR01", "export CSV"), ("PR01", "impression")]
    assert all("LEMAIRE" not in e.detail for e in trail)  # the search's text never reaches the trail


def test_the_csv_opens_in_a_french_spreadsheet_with_the_right_rows(runtime: Runtime) -> None:
    three_entries(runtime)

    with closing(runtime.unit_of_work()) as uow:
        data = register_csv(RegisterFilters(listing=Listing.LIST_I), uow=uow, operator=operator(runtime),
                            now=runtime.clock())

    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:6] == ["N° d'ordre", "Date", "Heure", "Nature", "Liste", "Produit"]
    assert [(r[0], r[1], r[4], r[5], r[7], r[9], r[12]) for r in rows[1:]] == [
        ("1", "19/02/2026", "Liste I", "XANAX 0,25 mg", "1", "Dr Julie BLANC", "LEMAIRE Anne")]


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(runtime: Runtime) -> None:
    patient_id = pharmacy(runtime)
    done = dispensation(runtime, patient_id, ("=HYPERLINK(1)", None))
    validated(runtime, register_input(done, ("=HYPERLINK(1)", Listing.LIST_I)))

    with closing(runtime.unit_of_work()) as uow:
        data = register_csv(RegisterFilters(), uow=uow, operator=operator(runtime), now=runtime.clock())

    assert "'=HYPERLINK(1)" in data.decode("utf-8-sig")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) absent")
def test_the_printed_register_holds_the_pharmacy_the_period_and_every_entry(runtime: Runtime, tmp_path: Path) -> None:
    three_entries(runtime)
    today = runtime.clock().date()
    done = dispensation(runtime, None, ("XANAX", None))
    validated(runtime, register_input(done, ("XANAX", Listing.LIST_I)))
    with closing(runtime.unit_of_work()) as uow, uow:
        record_cancellation(uow, done, operator_code="PH01", reason="Erreur de saisie", now=runtime.clock())
        uow.commit()

    with closing(runtime.unit_of_work()) as uow:
        document = register_pdf(RegisterFilters(start=today, end=today + timedelta(days=30)), uow=uow,
                                operator=operator(runtime), now=runtime.clock())

    (tmp_path / "ordonnancier.pdf").write_bytes(document)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "ordonnancier.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Pharmacie de la Croix-Rousse" in text and "FINESS 690004569" in text
    assert "du 19/02/2026 au 21/03/2026" in text
    for product in ("XANAX 0,25 mg", "SKENAN 10 mg", "TRAMADOL 50 mg", "Annulation du n° 4", "Erreur de saisie"):
        assert product in text
    assert "Page 1 / 1" in text


def test_a_long_register_is_printed_on_numbered_pages(runtime: Runtime, tmp_path: Path) -> None:
    patient_id = pharmacy(runtime)
    for _ in range(60):
        done = dispensation(runtime, patient_id, ("XANAX", None))
        validated(runtime, register_input(done, ("XANAX", Listing.LIST_I)))

    with closing(runtime.unit_of_work()) as uow:
        document = register_pdf(RegisterFilters(), uow=uow, operator=operator(runtime), now=runtime.clock())

    (tmp_path / "long.pdf").write_bytes(document)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) absent")
    text = subprocess.run(["pdftotext", str(tmp_path / "long.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.count("\f")
    assert pages > 1 and f"Page {pages} / {pages}" in text


def test_no_entry_is_ever_deleted_by_the_repository() -> None:
    from comptoir.store.registers import RegisterRepository

    assert not [name for name in vars(RegisterRepository) if name.startswith(("delete", "remove", "update", "purge"))]
