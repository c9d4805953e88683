"""A vaccination's note ends in the DMP emulator (served on a socket, reached through the product's client) once
the outbox worker runs; the patient's history joins our records and the DMP's vaccination documents, and a DMP
that is down leaves our records with a French notice. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select, update

from comptoir.national.credentials import DEMO_PHARMACIST_RPPS, DEMO_PHARMACY_FINESS, demo_pharmacy
from comptoir.national.dmp.client import DmpClient
from comptoir.national.dmp.emulator import create_emulator
from comptoir.services.dmp import messages
from comptoir.services.platform.outbox import OutboxWorker
from comptoir.services.platform.runtime import Runtime
from comptoir.services.vaccination.record import record_vaccination
from comptoir.services.vaccination.sheet import VaccinationSheet, vaccination_sheet
from comptoir.store import models as m
from comptoir.store import sharing as s
from tests.emulators import FAST_POLICY, free_port, serving
from tests.fakes.dmp import GENE, KIT, kit_document
from tests.integration.vaccination.builders import form, operator, vaccination_pharmacy

TOKEN = "jeton-dmp-de-la-pharmacie"


@pytest.fixture
def dmp(tmp_path: Path) -> Iterator[DmpClient]:
    if not (KIT / "examples").is_dir():
        pytest.skip(f"kit CDA absent : {KIT}")
    with serving(create_emulator(tmp_path / "dmp.db", credentials=[demo_pharmacy(TOKEN)])) as url:
        client = DmpClient.at(url, FAST_POLICY, token=TOKEN)
        yield client
        client.close()


@pytest.fixture
def patient_id(runtime: Runtime) -> int:
    """The demo pharmacy (the DMP knows its titulaire) and GENE, a patient of the DMP's referential, qualified."""
    found = vaccination_pharmacy(runtime)
    with runtime.session_factory.begin() as session:
        session.execute(update(m.Pharmacy).values(finess=DEMO_PHARMACY_FINESS))
        session.execute(update(m.Operator).where(m.Operator.code == "PH01").values(rpps=DEMO_PHARMACIST_RPPS))
        session.execute(update(m.Patient).where(m.Patient.id == found).values(
            identity_status="QUAL", nir=GENE.matricule, nir_oid=GENE.oid, birth_name=GENE.birth_name,
            birth_given_names=GENE.given_names, last_name=GENE.birth_name, first_name="Alain", sex=GENE.sex,
            birth_date=GENE.birth_date))
    return found


def vaccinate(runtime: Runtime, patient_id: int) -> None:
    with closing(runtime.unit_of_work()) as uow:
        record_vaccination(patient_id, form(), uow=uow, operator=operator(runtime), now=runtime.clock())


def send(runtime: Runtime, dmp: DmpClient) -> None:
    OutboxWorker(runtime.unit_of_work, messages.handlers(dmp, runtime.unit_of_work, runtime.clock), runtime.clock,
                 first_backoff_s=0.0).run_once()


def sheet(runtime: Runtime, patient_id: int, dmp: DmpClient) -> VaccinationSheet:
    with closing(runtime.unit_of_work()) as uow:
        return vaccination_sheet(patient_id, uow=uow, operator=operator(runtime), dmp=dmp, now=runtime.clock())


def test_the_note_is_delivered_to_the_dmp_when_the_worker_runs(runtime: Runtime, patient_id: int,
                                                               dmp: DmpClient) -> None:
    vaccinate(runtime, patient_id)

    send(runtime, dmp)

    with runtime.session_factory() as session:
        note = session.scalars(select(s.SharedDocument)).one()
    assert note.status == s.SENT
    [entry] = dmp.search(GENE.matricule, type_codes=("87273-9",))
    assert (entry.unique_id, entry.title) == (note.document_id, "Note de vaccination")
    assert b"VX2611A" in dmp.retrieve(note.document_id).content


def test_the_history_joins_the_dmp_s_vaccinations_and_ours_each_once(runtime: Runtime, patient_id: int,
                                                                     dmp: DmpClient) -> None:
    dmp.submit(kit_document("VAC-NOTE_2023.01.xml", patient=GENE))
    vaccinate(runtime, patient_id)
    send(runtime, dmp)

    found = sheet(runtime, patient_id, dmp)

    assert sorted(line.source for line in found.history) == ["DMP", "Pharmacie"]
    assert found.dmp_notice == ""


def test_a_dmp_that_is_down_leaves_our_records_with_a_notice(runtime: Runtime, patient_id: int) -> None:
    vaccinate(runtime, patient_id)
    down = DmpClient.at(f"http://127.0.0.1:{free_port()}", FAST_POLICY, token=TOKEN)

    found = sheet(runtime, patient_id, down)

    assert [line.source for line in found.history] == ["Pharmacie"]
    assert "ne répond pas" in found.dmp_notice and "pharmacie seulement" in found.dmp_notice
