"""The counter feeds the DP through the outbox, on SQLite and PostgreSQL: the opening asked at the counter, then a
validated dispensation's lines (one `dp.lignes` message, sent after the opening), their withdrawal when the
dispensation is cancelled; a DP that is down delays nothing and the message waits in the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from comptoir.national.dp.port import Beneficiary
from comptoir.services.dispensing.cancel import cancel_dispensation
from comptoir.services.dp import messages, record
from comptoir.services.platform.outbox import OutboxWorker
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.outbox import OutboxMessage
from tests.conftest import Clock
from tests.integration.dispensing.counter_site import Site, on_basket, site
from tests.integration.dispensing.test_counter_validation import validated
from tests.integration.dp.dpsite import OTHER_PHARMACY_TOKEN, MovableClock, dp_client, dp_emulator, feed, line

NIR = "166023155512345"
GENE = Beneficiary(NIR, datetime(1966, 2, 23).date())


@pytest.fixture
def dp_url(tmp_path: Path, clock: Clock) -> Iterator[str]:
    emulator_clock = MovableClock()
    emulator_clock.now = clock.now
    with dp_emulator(tmp_path, emulator_clock) as url:
        yield url


def with_nir(runtime: Runtime) -> Site:
    place = site(runtime)
    with runtime.session_factory.begin() as session:
        session.execute(update(m.Patient).where(m.Patient.id == place.patient_id).values(nir=NIR))
    return place


def opened_at_the_counter(place: Site) -> None:
    runtime = place.runtime
    with closing(runtime.unit_of_work()) as uow:
        record.open_dp(place.patient_id, card_read=True, consent=True, uow=uow, operator=place.pharmacist,
                       now=runtime.clock())


def worker(runtime: Runtime, url: str) -> OutboxWorker:
    return OutboxWorker(runtime.unit_of_work, messages.handlers(dp_client(url)), runtime.clock)


def outbox(runtime: Runtime) -> list[tuple[str, str, int]]:
    with runtime.session_factory() as session:
        return [(row.kind, row.status, row.attempts) for row in session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind.like("dp.%")).order_by(OutboxMessage.id))]


def test_a_validated_dispensation_feeds_the_dp_after_its_opening(runtime: Runtime, dp_url: str) -> None:
    place = with_nir(runtime)
    opened_at_the_counter(place)

    done = validated(place, on_basket(place))
    sent = worker(runtime, dp_url).run_once() + worker(runtime, dp_url).run_once()

    assert [o.kind for o in done.outbox_messages] == ["on.execution", "dp.lignes"]
    assert sent >= 2 and outbox(runtime) == [("dp.ouverture", "envoye", 1), ("dp.lignes", "envoye", 1)]
    (line,) = dp_client(dp_url).consult(GENE).lines
    assert (line.label, line.quantity, line.pharmacy_name, line.dispensed_on) == (
        "AMLODIPINE TEST 5 mg, gélule", 1, "Pharmacie du test", runtime.clock().date())


def test_a_cancelled_dispensation_is_withdrawn_from_the_dp(runtime: Runtime, dp_url: str) -> None:
    place = with_nir(runtime)
    opened_at_the_counter(place)
    done = validated(place, on_basket(place))
    worker(runtime, dp_url).run_once()
    worker(runtime, dp_url).run_once()

    with closing(runtime.unit_of_work()) as uow:
        refs = cancel_dispensation(done.dispensation_id, "Erreur de patient", uow=uow, operator=place.pharmacist,
                                   now=runtime.clock())
    worker(runtime, dp_url).run_once()

    assert "dp.annulation" in [r.kind for r in refs]
    assert outbox(runtime)[-1] == ("dp.annulation", "envoye", 1)
    assert dp_client(dp_url).consult(GENE).lines == ()


def test_a_patient_without_a_dp_feeds_nothing(runtime: Runtime) -> None:
    place = with_nir(runtime)

    done = validated(place, on_basket(place))

    assert [o.kind for o in done.outbox_messages] == ["on.execution"]


def test_a_dp_that_is_down_delays_nothing_and_the_message_waits(runtime: Runtime, clock: Clock) -> None:
    place = with_nir(runtime)
    opened_at_the_counter(place)
    down = "http://127.0.0.1:9"

    with closing(runtime.unit_of_work()) as uow:
        panel = record.consult(place.patient_id, uow=uow, operator=place.pharmacist, dp=dp_client(down),
                               now=runtime.clock())
    done = validated(place, on_basket(place))
    worker(runtime, down).run_once()

    assert panel.problem == "DP indisponible" and done.dispensation_id
    assert outbox(runtime) == [("dp.ouverture", "a_envoyer", 1), ("dp.lignes", "a_envoyer", 0)]
    with runtime.session_factory() as session:
        audited = session.scalars(select(m.AuditEntry.detail).where(m.AuditEntry.object_type == "dp")).all()
    assert any("DP indisponible" in detail for detail in audited)


def test_a_consultation_keeps_the_other_pharmacies_lines_and_audits_it(runtime: Runtime, dp_url: str) -> None:
    place = with_nir(runtime)
    market = dp_client(dp_url, OTHER_PHARMACY_TOKEN)
    market.open(GENE, card_read=True, consent=True)
    market.feed(GENE, feed("M1", line(1), on=datetime(2026, 2, 10, tzinfo=UTC).date()))

    with closing(runtime.unit_of_work()) as uow:
        panel = record.consult(place.patient_id, uow=uow, operator=place.pharmacist, dp=dp_client(dp_url),
                               now=runtime.clock())

    assert panel.status == "ouvert"
    assert [(x.label, x.pharmacy_name, x.ours) for x in panel.others] == [
        ("PREVISCAN 20 mg cp", "Pharmacie du Marché, Villeurbanne", False)]
    with runtime.session_factory() as session:
        audited = session.scalars(select(m.AuditEntry.detail).where(m.AuditEntry.object_type == "dp")).all()
    assert audited == ["consultation du DP (4 mois) : 1 ligne(s)"]
