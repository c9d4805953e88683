"""Cancelling a dispensation the same day, against the ON base emulator on a socket: the execution's
cancellation leaves through the outbox after the execution, the base records it and the line can be delivered
again; the next day the cancellation is refused and nothing changes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select

from comptoir.errors import RuleViolation
from comptoir.national.eprescription.client import EPrescriptionClient
from comptoir.services.dispensing.cancel import cancel_dispensation
from comptoir.services.dispensing.validate import validate
from comptoir.services.dispensing.views import BasketView
from comptoir.services.eprescription.messages import handlers
from comptoir.services.platform.outbox import OutboxWorker
from comptoir.services.platform.runtime import Runtime
from comptoir.store.dispensing import Dispensation
from comptoir.store.eprescription import LineDelivery
from comptoir.store.outbox import OutboxMessage
from tests.conftest import Clock
from tests.emulators import eprescription_client, eprescription_emulator, prescriber_client
from tests.eprescription_builders import draft, line
from tests.integration.dispensing.counter_site import CIS, Site, on_basket, site


def delivered(place: Site, client: EPrescriptionClient) -> tuple[BasketView, int]:
    runtime = place.runtime
    view = on_basket(place, client)
    with closing(runtime.unit_of_work()) as uow:
        done = validate(view.id, view.version, uow=uow, operator=place.pharmacist, now=runtime.clock(),
                        reference=runtime.analysis_reference)
    send(runtime, client)
    return view, done.dispensation_id


def send(runtime: Runtime, client: EPrescriptionClient) -> None:
    OutboxWorker(runtime.unit_of_work, handlers(client), runtime.clock).run_once()


def cancelled(place: Site, dispensation_id: int) -> list[str]:
    runtime = place.runtime
    with closing(runtime.unit_of_work()) as uow:
        sent = cancel_dispensation(dispensation_id, "Erreur de patient au comptoir", uow=uow,
                                   operator=place.pharmacist, now=runtime.clock())
    return [message.kind for message in sent]


def on_site(runtime: Runtime, url: str) -> Site:
    created = prescriber_client(url).create(draft(line(1, cis=CIS)))
    return site(runtime, prescription_id=created.prescription_id)


@pytest.fixture
def world(runtime: Runtime, tmp_path: Path, clock: Clock) -> Iterator[tuple[Site, EPrescriptionClient, Path]]:
    with eprescription_emulator(tmp_path, clock) as url:
        yield on_site(runtime, url), eprescription_client(url), tmp_path / "ordonnance-numerique.db"


def test_a_same_day_cancellation_reaches_the_base_and_reopens_the_line(
        world: tuple[Site, EPrescriptionClient, Path]) -> None:
    place, client, emulator_db = world
    runtime = place.runtime
    _, dispensation_id = delivered(place, client)
    assert len(client.consult(place.prescription.id, rpps="10000001916", finess="750000001").executions) == 1

    kinds = cancelled(place, dispensation_id)
    send(runtime, client)

    assert kinds == ["on.annulation"]
    again = client.consult(place.prescription.id, rpps="10000001916", finess="750000001")
    assert again.executions == () and again.status(runtime.clock().date()).value == "ACTIVE"
    with closing(sqlite3.connect(emulator_db)) as emulator:
        assert emulator.execute("select reason from on_execution_annulee").fetchall() == [
            ("Erreur de patient au comptoir",)]
    with runtime.session_factory() as session:
        period = session.scalars(select(LineDelivery)
                                 .where(LineDelivery.prescription_id == place.prescription.id)).one()
        row = session.get(Dispensation, dispensation_id)
        statuses = {kind: status for kind, status in session.execute(select(OutboxMessage.kind,
                                                                            OutboxMessage.status))}
    assert (period.closed, period.boxes) == (False, 0)
    assert row is not None and row.cancelled_by == "PH01"
    assert statuses == {"on.execution": "envoye", "on.annulation": "envoye"}


def test_a_cancelled_line_is_delivered_again_after_its_cancellation(
        world: tuple[Site, EPrescriptionClient, Path]) -> None:
    place, client, _ = world
    _, dispensation_id = delivered(place, client)
    cancelled(place, dispensation_id)
    send(place.runtime, client)

    delivered(place, client)

    executions = client.consult(place.prescription.id, rpps="10000001916", finess="750000001").executions
    assert [[d.line_number for d in e.lines] for e in executions] == [[1]]


def test_a_cancellation_the_next_day_is_refused_and_changes_nothing(
        world: tuple[Site, EPrescriptionClient, Path], clock: Clock) -> None:
    place, client, _ = world
    _, dispensation_id = delivered(place, client)
    clock.advance(days=1)

    with pytest.raises(RuleViolation, match="seule une délivrance du jour"):
        cancelled(place, dispensation_id)

    with place.runtime.session_factory() as session:
        row = session.get(Dispensation, dispensation_id)
        kinds = session.scalars(select(OutboxMessage.kind)).all()
    assert row is not None and row.cancelled_at is None and kinds == ["on.execution"]
