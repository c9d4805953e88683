"""What a vaccination hands out: the VAC-NOTE for the DMP, conformant to the ANS kit, and the certificate for the
patient with his name and the vaccine's lot. On SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select

from comptoir.services.platform.runtime import Runtime
from comptoir.services.vaccination.certificate import vaccination_certificate
from comptoir.services.vaccination.record import record_vaccination
from comptoir.store.sharing import SharedDocument
from tests.integration.vaccination.builders import form, operator, vaccination_pharmacy
from tests.unit.cda.kit import Kit, missing, open_kit


@pytest.fixture(scope="module")
def kit() -> Kit:
    if why := missing():
        pytest.skip(why)
    return open_kit()


def vaccinated(runtime: Runtime, **changes: str) -> int:
    patient_id = vaccination_pharmacy(runtime)
    with closing(runtime.unit_of_work()) as uow:
        return record_vaccination(patient_id, form(**changes), uow=uow, operator=operator(runtime),
                                  now=runtime.clock()).id


def test_the_note_of_a_vaccination_passes_the_ans_kit_as_a_vac_note(runtime: Runtime, kit: Kit) -> None:
    vaccinated(runtime, site="deltoïde droit", audience="invisible_patient")

    with runtime.session_factory() as session:
        note = session.scalars(select(SharedDocument)).one()

    assert kit.failures(note.content, "VAC-NOTE_2023.01") == []
    assert b"VX2611A" in note.content and b"16217661000119109" in note.content
    assert note.visibility == ["INVISIBLE_PATIENT"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) absent")
def test_the_certificate_names_the_patient_the_vaccine_its_lot_and_the_next_campaign(runtime: Runtime,
                                                                                     tmp_path: Path) -> None:
    vaccination_id = vaccinated(runtime)

    with closing(runtime.unit_of_work()) as uow:
        certificate = vaccination_certificate(vaccination_id, uow=uow, operator=operator(runtime),
                                              now=runtime.clock())

    (tmp_path / "certificat.pdf").write_bytes(certificate.pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "certificat.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "LEMAIRE Anne" in text and "VX2611A" in text and "VAXIGRIP" in text
    assert "Thomas FAURE" in text and "15/10/2026" in text
