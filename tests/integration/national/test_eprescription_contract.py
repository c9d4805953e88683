"""The ON base contract, run over HTTP against the emulator through the client adapter (client.py), each call
with the credential of the one who makes it: the prescriber module's, or the pharmacy's."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from comptoir.domain.eprescription.prescription import Status
from comptoir.errors import ExternalServiceError, RuleViolation
from comptoir.national.eprescription.client import EPrescriptionClient
from comptoir.national.eprescription.port import Billing
from comptoir.national.http import open_endpoint
from tests.emulators import (
    OTHER_PRESCRIBER,
    OTHER_PRESCRIBER_TOKEN,
    PRESCRIBER_TOKEN,
    eprescription_client,
    eprescription_emulator,
    prescriber_client,
)
from tests.eprescription_builders import ADEMIS, GENE, draft, execution, line

Client = EPrescriptionClient


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
    """The pharmacy's client (the counter, the outbox worker)."""
    emulator[2].now = datetime(2026, 2, 19, 9, 0, tzinfo=UTC)
    client = eprescription_client(emulator[0])
    yield client
    client.close()


@pytest.fixture
def doctor(emulator: tuple[str, Path, MovableClock]) -> Iterator[EPrescriptionClient]:
    """The prescriber module's client (the demo prescriber, ADEMIS)."""
    client = prescriber_client(emulator[0])
    yield client
    client.close()


def test_creation_returns_an_18_character_id_and_the_pharmacist_reads_it_back(base: Client, doctor: Client) -> None:
    created = doctor.create(draft(line(1), line(2, "METFORMINE 850 mg cp", renewals=2)))

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


def test_the_same_execution_twice_is_recorded_once(base: Client, doctor: Client,
                                                   emulator: tuple[str, Path, MovableClock]) -> None:
    ident = doctor.create(draft()).prescription_id

    first = base.execute(ident, execution("cle-unique-0001"))
    again = base.execute(ident, execution("cle-unique-0001"))

    assert (first.duplicate, again.duplicate) == (False, True)
    assert first.execution_id == again.execution_id
    assert len(base.consult(ident, rpps="1", finess="1").executions) == 1
    assert first.status == Status.EXECUTED.value


def test_a_closed_line_answers_already_delivered(base: Client, doctor: Client) -> None:
    ident = doctor.create(draft()).prescription_id
    base.execute(ident, execution("cle-premiere-1"))

    with pytest.raises(ExternalServiceError, match="déjà délivrée") as raised:
        base.execute(ident, execution("cle-seconde-02"))

    assert raised.value.permanent is True


def test_partial_deliveries_and_renewals_drive_the_status(base: Client, doctor: Client) -> None:
    ident = doctor.create(draft(line(1, quantity=2, renewals=1))).prescription_id

    partial = base.execute(ident, execution("cle-partielle", (1, 1, True)))
    complement = base.execute(ident, execution("cle-complement", (1, 1, False)))
    renewal = base.execute(ident, execution("cle-renouvel-1", (1, 2, False), renewal=1))

    assert partial.status == complement.status == Status.PARTIAL.value
    assert renewal.status == Status.EXECUTED.value


def test_a_renewal_cannot_come_before_the_first_delivery(base: Client, doctor: Client) -> None:
    ident = doctor.create(draft(line(1, renewals=2))).prescription_id

    with pytest.raises(ExternalServiceError, match="renouvellement 1 suit la délivrance précédente"):
        base.execute(ident, execution("cle-trop-tot", renewal=1))


def test_an_expired_prescription_cannot_be_executed(base: Client, doctor: Client,
                                                    emulator: tuple[str, Path, MovableClock]) -> None:
    ident = doctor.create(draft()).prescription_id
    emulator[2].now += timedelta(days=120)

    found = base.consult(ident, rpps="1", finess="1")
    with pytest.raises(ExternalServiceError, match="expirée"):
        base.execute(ident, execution("cle-expiree-1"))

    assert found.status(date(2026, 6, 19)) is Status.EXPIRED


def test_the_prescriber_sees_executions_only_with_consent(base: Client, doctor: Client) -> None:
    agreed = doctor.create(draft(consent=True)).prescription_id
    refused = doctor.create(draft(consent=False)).prescription_id
    for ident in (agreed, refused):
        base.execute(ident, execution(f"cle-vue-{ident}"))

    seen, hidden = doctor.prescriber_view(agreed, rpps=ADEMIS.rpps), doctor.prescriber_view(refused, rpps=ADEMIS.rpps)

    assert seen.consent and len(seen.executions) == 1 and seen.executions[0].lines[0].quantity == 1
    assert not hidden.consent and hidden.executions == ()
    with pytest.raises(ExternalServiceError, match="pas celui du professionnel authentifié"):
        doctor.prescriber_view(agreed, rpps="10000001916")


def test_sequential_mode_billing_completes_a_recorded_execution(base: Client, doctor: Client) -> None:
    ident = doctor.create(draft()).prescription_id
    base.execute(ident, execution("cle-sequentiel"))

    base.bill(ident, "cle-sequentiel", Billing("F0001", date(2026, 2, 21), ((1, 12.5),)))

    assert base.consult(ident, rpps="1", finess="1").executions[0].billed is True
    with pytest.raises(ExternalServiceError, match="Exécution inconnue"):
        base.bill(ident, "cle-jamais-vue", Billing("F0002", date(2026, 2, 21), ()))


def test_no_edit_after_creation_and_cancel_only_before_delivery(base: Client, doctor: Client,
                                                                emulator: tuple[str, Path, MovableClock]) -> None:
    ident = doctor.create(draft()).prescription_id
    endpoint = open_endpoint("ON", emulator[0], token=PRESCRIBER_TOKEN)

    with pytest.raises(ExternalServiceError, match="ne peut pas être modifiée"):
        endpoint.call("PUT", f"/ordonnances/{ident}", json={}, idempotent=True)
    cancelled = doctor.cancel(ident, rpps=ADEMIS.rpps)

    assert cancelled.status(date(2026, 2, 19)) is Status.CANCELLED
    with pytest.raises(ExternalServiceError, match="annulée"):
        base.execute(ident, execution("cle-annulee-1"))


def test_the_pharmacy_cancels_its_execution_and_the_line_opens_again(base: Client, doctor: Client) -> None:
    ident = doctor.create(draft()).prescription_id
    recorded = base.execute(ident, execution("cle-a-annuler"))

    cancelled = base.cancel_execution(ident, "cle-a-annuler", reason="Erreur de patient")
    again = base.cancel_execution(ident, "cle-a-annuler", reason="Erreur de patient")
    resent = base.execute(ident, execution("cle-a-annuler"))

    assert (cancelled.execution_id, cancelled.duplicate, again.duplicate) == (recorded.execution_id, False, True)
    assert cancelled.status == Status.ACTIVE.value and resent.duplicate is True
    assert base.consult(ident, rpps="1", finess="1").executions == ()
    assert base.execute(ident, execution("cle-apres-annulation")).status == Status.EXECUTED.value


def test_only_the_pharmacy_that_recorded_an_execution_cancels_it(base: Client, doctor: Client) -> None:
    ident = doctor.create(draft()).prescription_id
    base.execute(ident, replace(execution("cle-autre-pharmacie"), pharmacy_finess="690004569"))

    elsewhere = _refusal(lambda: base.cancel_execution(ident, "cle-autre-pharmacie", reason="?"))
    by_doctor = _refusal(lambda: doctor.cancel_execution(ident, "cle-autre-pharmacie", reason="?"))

    assert "HTTP 403" in str(elsewhere) and "Seule la pharmacie" in str(elsewhere)
    assert "HTTP 403" in str(by_doctor)
    assert len(base.consult(ident, rpps="1", finess="1").executions) == 1
    with pytest.raises(ExternalServiceError, match="Exécution inconnue"):
        base.cancel_execution(ident, "cle-jamais-vue", reason="?")


def test_the_prescriber_lists_his_prescriptions(doctor: Client) -> None:
    ident = doctor.create(draft()).prescription_id

    found = doctor.by_prescriber(ADEMIS.rpps)

    assert ident in [s.prescription_id for s in found]


def test_the_service_down_scenario_is_a_transient_error(doctor: Client) -> None:
    from tests.eprescription_builders import PatientTraits

    with pytest.raises(ExternalServiceError, match="indisponible") as raised:
        doctor.create(draft(patient=PatientTraits("PANNE", "Test", date(1970, 1, 1))))

    assert raised.value.permanent is False


def test_the_emulator_keeps_its_own_database(base: Client, doctor: Client,
                                             emulator: tuple[str, Path, MovableClock]) -> None:
    doctor.create(draft())

    with sqlite3.connect(emulator[1] / "ordonnance-numerique.db") as connection:
        tables = {row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")}

    assert tables == {"on_ordonnance", "on_execution", "on_execution_annulee", "on_appel", "on_habilitation"}


def test_without_a_token_nothing_is_listed_read_or_changed(base: Client, doctor: Client,
                                                         emulator: tuple[str, Path, MovableClock]) -> None:
    ident = doctor.create(draft()).prescription_id
    before = len(doctor.by_prescriber(ADEMIS.rpps))
    anonymous = eprescription_client(emulator[0], token=None)
    calls = [lambda: anonymous.by_prescriber(ADEMIS.rpps), lambda: anonymous.consult(ident, rpps="", finess=""),
             lambda: anonymous.cancel(ident, rpps=ADEMIS.rpps), lambda: anonymous.create(draft()),
             lambda: anonymous.execute(ident, execution("cle-anonyme-1"))]

    refusals = [_refusal(call) for call in calls]

    assert all(r.permanent and "HTTP 401" in str(r) and "Authentification requise" in str(r) for r in refusals)
    found = base.consult(ident, rpps="", finess="")
    assert found.status(date(2026, 2, 19)) is Status.ACTIVE and found.executions == () and found.consulted == 1
    assert len(doctor.by_prescriber(ADEMIS.rpps)) == before


def test_a_wrong_token_is_refused(emulator: tuple[str, Path, MovableClock]) -> None:
    stranger = eprescription_client(emulator[0], token="jeton-invente")

    refusal = _refusal(lambda: stranger.by_prescriber(ADEMIS.rpps))

    assert "HTTP 401" in str(refusal) and "Jeton inconnu" in str(refusal)


def test_the_401_says_how_to_authenticate(emulator: tuple[str, Path, MovableClock]) -> None:
    answer = httpx.get(f"{emulator[0]}/ordonnances?rpps={ADEMIS.rpps}")

    assert answer.status_code == 401 and answer.headers["www-authenticate"].startswith("Bearer")
    assert "Authentification requise" in answer.json()["detail"]


def test_a_pharmacy_cannot_create_or_cancel_a_prescription(base: Client, doctor: Client) -> None:
    ident = doctor.create(draft()).prescription_id

    cancel = _refusal(lambda: base.cancel(ident, rpps=ADEMIS.rpps))
    create = _refusal(lambda: base.create(draft()))

    assert "HTTP 403" in str(cancel) and "Seul un médecin prescripteur peut annuler" in str(cancel)
    assert "HTTP 403" in str(create)
    assert base.consult(ident, rpps="", finess="").status(date(2026, 2, 19)) is Status.ACTIVE


def test_a_pharmacy_reads_by_number_but_cannot_search(base: Client, doctor: Client) -> None:
    doctor.create(draft())

    refusal = _refusal(lambda: base.by_prescriber(ADEMIS.rpps))

    assert "HTTP 403" in str(refusal) and "par son numéro" in str(refusal)


def test_a_prescriber_cannot_record_an_execution(base: Client, doctor: Client) -> None:
    ident = doctor.create(draft()).prescription_id

    refusal = _refusal(lambda: doctor.execute(ident, execution("cle-du-medecin")))

    assert "HTTP 403" in str(refusal) and "Seul un pharmacien" in str(refusal)
    assert base.consult(ident, rpps="", finess="").executions == ()


def test_a_prescriber_creates_only_in_his_own_name(emulator: tuple[str, Path, MovableClock]) -> None:
    other = prescriber_client(emulator[0], OTHER_PRESCRIBER_TOKEN)

    refusal = _refusal(lambda: other.create(draft()))

    assert "HTTP 403" in str(refusal) and "au nom du prescripteur authentifié" in str(refusal)


def test_a_prescriber_cannot_read_or_cancel_another_prescriber_s_prescription(
        base: Client, doctor: Client, emulator: tuple[str, Path, MovableClock]) -> None:
    ident = doctor.create(draft()).prescription_id
    other = prescriber_client(emulator[0], OTHER_PRESCRIBER_TOKEN)

    read = _refusal(lambda: other.consult(ident, rpps="", finess=""))
    deliveries = _refusal(lambda: other.prescriber_view(ident, rpps=OTHER_PRESCRIBER.rpps))
    cancel = _refusal(lambda: other.cancel(ident, rpps=OTHER_PRESCRIBER.rpps))
    listed = other.by_prescriber(OTHER_PRESCRIBER.rpps)

    assert all("HTTP 403" in str(r) and "Seul le prescripteur de cette ordonnance" in str(r)
               for r in (read, deliveries, cancel))
    assert ident not in [s.prescription_id for s in listed]
    assert base.consult(ident, rpps="", finess="").status(date(2026, 2, 19)) is Status.ACTIVE


def test_a_prescriber_reads_his_own_prescription_without_counting_a_consultation(doctor: Client) -> None:
    ident = doctor.create(draft()).prescription_id

    found = doctor.consult(ident, rpps="", finess="")

    assert found.prescriber == ADEMIS and found.consulted == 0


def _refusal(call: Callable[[], object]) -> ExternalServiceError:
    with pytest.raises(ExternalServiceError) as raised:
        call()
    return raised.value
