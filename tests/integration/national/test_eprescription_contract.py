"""The ON base contract, run over HTTP against the emulator through the client adapter (client.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from comptoir.domain.eprescription.prescription import Status
from comptoir.errors import ExternalServiceError, RuleViolation
from comptoir.national.eprescription.client import EPrescriptionClient
from comptoir.national.eprescription.port import Billing
from comptoir.national.http import open_endpoint
from tests.emulators import eprescription_client, eprescription_emulator
from tests.eprescription_builders import ADEMIS, GENE, draft, execution, line


class MovableClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 2, 19, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, MovableClock]]:
    directory, clock = tmp_path_factory.mktemp("on"), MovableClock()
    with eprescription_emulator(directory, clock) as url:
        yield url, directory, clock


@pytest.fixture
def base(emulator: tuple[str, Path, MovableClock]) -> Iterator[EPrescriptionClient]:
    emulator[2].now = datetime(2026, 2, 19, 9, 0, tzinfo=UTC)
    client = eprescription_client(emulator[0])
    yield client
    client.close()


def test_creation_returns_an_18_character_id_and_the_pharmacist_reads_it_back(base: EPrescriptionClient) -> None:
    created = base.create(draft(line(1), line(2, "METFORMINE 850 mg cp", renewals=2)))

    found = base.consult(created.prescription_id, rpps="10000001916", finess="750000001")

    assert len(created.prescription_id) == 18 and created.prescription_id.isalnum()
    assert found.prescriber == ADEMIS and found.patient == GENE
    assert [x.text for x in found.lines] == ["AMLODIPINE 5 mg gélule", "METFORMINE 850 mg cp"]
    assert found.status(date(2026, 2, 19)) is Status.ACTIVE and found.consulted == 1


def test_an_unknown_id_is_refused_with_a_clear_message(base: EPrescriptionClient) -> None:
    with pytest.raises(ExternalServiceError, match="Ordonnance numérique inconnue") as raised:
        base.consult("01S2TBPZ2JCNZZYGHZ", rpps="10000001916", finess="750000001")

    assert raised.value.permanent is True


def test_a_forged_id_never_reaches_the_base(base: EPrescriptionClient) -> None:
    with pytest.raises(RuleViolation, match="Identifiant d'ordonnance invalide"):
        base.consult("../admin", rpps="10000001916", finess="750000001")


def test_the_same_execution_twice_is_recorded_once(base: EPrescriptionClient,
                                                   emulator: tuple[str, Path, MovableClock]) -> None:
    ident = base.create(draft()).prescription_id

    first = base.execute(ident, execution("cle-unique-0001"))
    again = base.execute(ident, execution("cle-unique-0001"))

    assert (first.duplicate, again.duplicate) == (False, True)
    assert first.execution_id == again.execution_id
    assert len(base.consult(ident, rpps="1", finess="1").executions) == 1
    assert first.status == Status.EXECUTED.value


def test_a_closed_line_answers_already_delivered(base: EPrescriptionClient) -> None:
    ident = base.create(draft()).prescription_id
    base.execute(ident, execution("cle-premiere-1"))

    with pytest.raises(ExternalServiceError, match="déjà délivrée") as raised:
        base.execute(ident, execution("cle-seconde-02"))

    assert raised.value.permanent is True


def test_partial_deliveries_and_renewals_drive_the_status(base: EPrescriptionClient) -> None:
    ident = base.create(draft(line(1, quantity=2, renewals=1))).prescription_id

    partial = base.execute(ident, execution("cle-partielle", (1, 1, True)))
    complement = base.execute(ident, execution("cle-complement", (1, 1, False)))
    renewal = base.execute(ident, execution("cle-renouvel-1", (1, 2, False), renewal=1))

    assert partial.status == complement.status == Status.PARTIAL.value
    assert renewal.status == Status.EXECUTED.value


def test_a_renewal_cannot_come_before_the_first_delivery(base: EPrescriptionClient) -> None:
    ident = base.create(draft(line(1, renewals=2))).prescription_id

    with pytest.raises(ExternalServiceError, match="renouvellement 1 suit la délivrance précédente"):
        base.execute(ident, execution("cle-trop-tot", renewal=1))


def test_an_expired_prescription_cannot_be_executed(base: EPrescriptionClient,
                                                    emulator: tuple[str, Path, MovableClock]) -> None:
    ident = base.create(draft()).prescription_id
    emulator[2].now += timedelta(days=120)

    found = base.consult(ident, rpps="1", finess="1")
    with pytest.raises(ExternalServiceError, match="expirée"):
        base.execute(ident, execution("cle-expiree-1"))

    assert found.status(date(2026, 6, 19)) is Status.EXPIRED


def test_the_prescriber_sees_executions_only_with_consent(base: EPrescriptionClient) -> None:
    agreed = base.create(draft(consent=True)).prescription_id
    refused = base.create(draft(consent=False)).prescription_id
    for ident in (agreed, refused):
        base.execute(ident, execution(f"cle-vue-{ident}"))

    seen, hidden = base.prescriber_view(agreed, rpps=ADEMIS.rpps), base.prescriber_view(refused, rpps=ADEMIS.rpps)

    assert seen.consent and len(seen.executions) == 1 and seen.executions[0].lines[0].quantity == 1
    assert not hidden.consent and hidden.executions == ()
    with pytest.raises(ExternalServiceError, match="Seul le prescripteur"):
        base.prescriber_view(agreed, rpps="10000001916")


def test_sequential_mode_billing_completes_a_recorded_execution(base: EPrescriptionClient) -> None:
    ident = base.create(draft()).prescription_id
    base.execute(ident, execution("cle-sequentiel"))

    base.bill(ident, "cle-sequentiel", Billing("F0001", date(2026, 2, 21), ((1, 12.5),)))

    assert base.consult(ident, rpps="1", finess="1").executions[0].billed is True
    with pytest.raises(ExternalServiceError, match="Exécution inconnue"):
        base.bill(ident, "cle-jamais-vue", Billing("F0002", date(2026, 2, 21), ()))


def test_no_edit_after_creation_and_cancel_only_before_delivery(base: EPrescriptionClient,
                                                                emulator: tuple[str, Path, MovableClock]) -> None:
    ident = base.create(draft()).prescription_id
    endpoint = open_endpoint("ON", emulator[0])

    with pytest.raises(ExternalServiceError, match="ne peut pas être modifiée"):
        endpoint.call("PUT", f"/ordonnances/{ident}", json={}, idempotent=True)
    cancelled = base.cancel(ident, rpps=ADEMIS.rpps)

    assert cancelled.status(date(2026, 2, 19)) is Status.CANCELLED
    with pytest.raises(ExternalServiceError, match="annulée"):
        base.execute(ident, execution("cle-annulee-1"))


def test_the_prescriber_lists_his_prescriptions(base: EPrescriptionClient) -> None:
    ident = base.create(draft()).prescription_id

    found = base.by_prescriber(ADEMIS.rpps)

    assert ident in [s.prescription_id for s in found]


def test_the_service_down_scenario_is_a_transient_error(base: EPrescriptionClient) -> None:
    from tests.eprescription_builders import PatientTraits

    with pytest.raises(ExternalServiceError, match="indisponible") as raised:
        base.create(draft(patient=PatientTraits("PANNE", "Test", date(1970, 1, 1))))

    assert raised.value.permanent is False


def test_the_emulator_keeps_its_own_database(base: EPrescriptionClient,
                                             emulator: tuple[str, Path, MovableClock]) -> None:
    base.create(draft())

    with sqlite3.connect(emulator[1] / "ordonnance-numerique.db") as connection:
        tables = {row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")}

    assert tables == {"on_ordonnance", "on_execution", "on_appel"}
