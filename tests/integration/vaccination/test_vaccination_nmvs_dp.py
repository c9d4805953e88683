"""The vaccine's pack and the DP, on SQLite and PostgreSQL: a DataMatrix with a serial is verified with the NMVS
when the act is recorded (refused: said beside the scan, nothing written; the system down: taken « en attente »),
its decommission enqueued with the act; the vaccine goes to the patient's DP, category « vaccin », when he has one."""

from __future__ import annotations

from contextlib import closing
from typing import Any

import pytest
from sqlalchemy import select

from comptoir.errors import FieldErrors
from comptoir.national.nmvs.port import Alert, PackId, PackState, PackStatus
from comptoir.services.platform.runtime import Runtime
from comptoir.services.vaccination.record import Recorded, record_vaccination
from comptoir.store.dp import DpRecord
from comptoir.store.outbox import OutboxMessage
from comptoir.store.vaccination import Vaccination
from tests.emulators import FAST_POLICY
from tests.integration.vaccination.builders import FLU, form, operator, vaccination_pharmacy


class Nmvs:
    """The system's answer to a verification, as the test sets it; the packs it was asked about."""

    def __init__(self, state: PackState) -> None:
        self.state, self.asked = state, []  # type: ignore[var-annotated]

    def verify(self, pack: PackId) -> PackStatus:
        self.asked.append(pack)
        alerts = () if self.state is PackState.ACTIVE else (Alert("NMVS_NC_PCK_22", "Boîte déjà désactivée"),)
        return PackStatus(pack, self.state, alerts)


def record(runtime: Runtime, patient_id: int, nmvs: Any) -> Recorded:
    with closing(runtime.unit_of_work()) as uow:
        return record_vaccination(patient_id, form(), uow=uow, operator=operator(runtime), now=runtime.clock(),
                                  nmvs=nmvs)


def messages(runtime: Runtime, prefix: str) -> list[OutboxMessage]:
    with runtime.session_factory() as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind.like(f"{prefix}.%"))))


def test_the_vaccine_pack_is_verified_and_its_decommission_enqueued_with_the_act(runtime: Runtime) -> None:
    patient_id = vaccination_pharmacy(runtime)
    nmvs = Nmvs(PackState.ACTIVE)

    done = record(runtime, patient_id, nmvs)

    assert [(p.gtin, p.serial, p.lot) for p in nmvs.asked] == [("0" + FLU, "SN00042", "VX2611A")]
    (message,) = messages(runtime, "nmvs")
    assert message.kind == "nmvs.decommission" and message.payload["serial"] == "SN00042"
    assert str(done.id) in message.idempotency_key


def test_a_vaccine_pack_the_nmvs_refuses_is_said_beside_the_scan_and_nothing_is_written(runtime: Runtime) -> None:
    patient_id = vaccination_pharmacy(runtime)

    with pytest.raises(FieldErrors) as refused:
        record(runtime, patient_id, Nmvs(PackState.SUPPLIED))

    assert "Boîte refusée par le système de vérification (NMVS)" in refused.value.errors["code"]
    with runtime.session_factory() as session:
        assert session.scalars(select(Vaccination)).all() == []
    assert messages(runtime, "nmvs") == []


def test_the_nmvs_down_the_vaccination_is_recorded_and_its_decommission_still_enqueued(runtime: Runtime) -> None:
    from comptoir.national.nmvs.client import NmvsClient

    patient_id = vaccination_pharmacy(runtime)

    record(runtime, patient_id, NmvsClient.at("http://127.0.0.1:9", FAST_POLICY, token="x"))

    assert [m.kind for m in messages(runtime, "nmvs")] == ["nmvs.decommission"]


def test_the_vaccine_goes_to_the_patients_dp_as_a_vaccine_line(runtime: Runtime) -> None:
    patient_id = vaccination_pharmacy(runtime)
    with runtime.session_factory.begin() as session:
        session.add(DpRecord(patient_id=patient_id, status="ouvert", window_months=4, lines=[], note=""))

    record(runtime, patient_id, Nmvs(PackState.ACTIVE))

    (fed,) = messages(runtime, "dp")
    (line,) = fed.payload["lines"]
    assert (line["cip13"], line["category"], line["quantity"]) == (FLU, "vaccin", 1)


def test_a_patient_without_a_dp_feeds_none(runtime: Runtime) -> None:
    patient_id = vaccination_pharmacy(runtime)

    record(runtime, patient_id, Nmvs(PackState.ACTIVE))

    assert messages(runtime, "dp") == []
