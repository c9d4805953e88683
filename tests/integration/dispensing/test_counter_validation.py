"""Validating the counter's basket on SQLite and PostgreSQL: one transaction holds the dispensation, its lines,
the line periods, the audit entry and every outbox message of the fan-out — a failure in the last step leaves
nothing; two counters validating the same ON line: one wins, the other is told."""

from __future__ import annotations

import threading
from contextlib import closing
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from comptoir.errors import ComptoirError, Conflict
from comptoir.services.dispensing import basket as counter
from comptoir.services.dispensing.fanout import DispensationAct, FanOut, OnExecution
from comptoir.services.dispensing.validate import validate
from comptoir.services.dispensing.views import BasketView, Validated
from comptoir.services.platform.outbox import enqueue
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.counter import Basket
from comptoir.store.dispensing import Dispensation, DispensedLine
from comptoir.store.eprescription import LineDelivery
from comptoir.store.outbox import OutboxMessage
from tests.integration.dispensing.counter_site import CIP13, Site, on_basket, pack_code, site


class Recorder:
    """A later issue's handler (the DP, the DMP...): it enqueues its own message and remembers what it saw."""

    def __init__(self, name: str) -> None:
        self.name, self.seen = name, []  # type: ignore[var-annotated]

    def validated(self, uow: Any, act: DispensationAct) -> list[OutboxMessage]:
        self.seen.append(act.dispensation.id)
        return [enqueue(uow, kind=f"{self.name}.test", key=f"{self.name}-{act.dispensation.id}", payload={},
                        label=self.name, now=act.now)]

    def cancelled(self, uow: Any, act: DispensationAct, reason: str) -> list[OutboxMessage]:
        return []


class Broken(Recorder):
    def validated(self, uow: Any, act: DispensationAct) -> list[OutboxMessage]:
        raise RuntimeError("le dernier service ne répond pas comme prévu")


def scanned(place: Site, view: BasketView, text: str) -> BasketView:
    runtime = place.runtime
    with closing(runtime.unit_of_work()) as uow:
        return counter.scan_or_type(view.id, text, uow=uow, operator=place.pharmacist, now=runtime.clock(),
                                    reference=runtime.analysis_reference)


def validated(place: Site, view: BasketView, fan_out: FanOut | None = None) -> Validated:
    runtime = place.runtime
    with closing(runtime.unit_of_work()) as uow:
        return validate(view.id, view.version, uow=uow, operator=place.pharmacist, now=runtime.clock(),
                        reference=runtime.analysis_reference, **({"fan_out": fan_out} if fan_out else {}))


def count(runtime: Runtime, table: type[Any]) -> int:
    with runtime.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_an_on_basket_loads_the_prescription_lines_with_their_box(runtime: Runtime) -> None:
    place = site(runtime)

    view = on_basket(place)

    (line,) = view.lines
    assert (line.prescription_line, line.cip13, line.boxes, line.price_eur) == (1, CIP13, 1, Decimal("3.20"))
    assert view.prescription is not None and view.prescription.on_id == place.prescription.id
    assert view.blocking == () and view.can_validate


def test_validation_writes_the_dispensation_its_pack_the_period_the_audit_and_the_outbox(runtime: Runtime) -> None:
    place = site(runtime)
    view = scanned(place, on_basket(place), pack_code())

    done = validated(place, view)

    with runtime.session_factory() as session:
        dispensation = session.get(Dispensation, done.dispensation_id)
        line = session.scalars(select(DispensedLine)).one()
        period = session.scalars(select(LineDelivery)
                                 .where(LineDelivery.prescription_id == place.prescription.id)).one()
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "on.execution")).one()
        basket = session.get(Basket, view.id)
        audited = session.scalars(select(m.AuditEntry.object_id)
                                  .where(m.AuditEntry.object_type == "dispensation")).all()
    assert dispensation is not None and dispensation.prescription_id == place.prescription.id
    assert (line.cip13, line.serial, line.lot, line.expiry, line.reimbursement_rate) == (
        CIP13, "SN0001", "L2026A", date(2028, 11, 30), 65)
    assert period.closed and period.boxes == 1
    assert (message.kind, message.idempotency_key) == ("on.execution", dispensation.execution_key)
    assert [(o.kind, o.key) for o in done.outbox_messages] == [
        ("on.execution", dispensation.execution_key), ("nmvs.decommission", f"nmvs-{dispensation.id}-{CIP13}-SN0001")]
    assert basket is not None and (basket.status, basket.dispensation_id) == ("valide", dispensation.id)
    assert audited == [str(dispensation.id)]


def test_a_failure_in_the_last_step_leaves_nothing(runtime: Runtime) -> None:
    place = site(runtime)
    view = on_basket(place)

    with pytest.raises(RuntimeError):
        validated(place, view, FanOut([OnExecution(), Broken("dmp")]))

    assert [count(runtime, t) for t in (Dispensation, DispensedLine, OutboxMessage)] == [0, 0, 0]
    with runtime.session_factory() as session:
        assert session.scalars(select(LineDelivery).where(LineDelivery.prescription_id == place.prescription.id)
                               ).all() == []
        basket = session.get(Basket, view.id)
    assert basket is not None and (basket.status, basket.version) == ("ouvert", view.version)
    assert validated(place, view).dispensation_id


def test_the_fan_out_calls_every_handler_in_the_same_transaction(runtime: Runtime) -> None:
    place = site(runtime)
    dp, dmp = Recorder("dp"), Recorder("dmp")

    done = validated(place, on_basket(place), FanOut([OnExecution(), dp, dmp]))

    assert dp.seen == dmp.seen == [done.dispensation_id]
    assert [o.kind for o in done.outbox_messages] == ["on.execution", "dp.test", "dmp.test"]
    assert count(runtime, OutboxMessage) == 3


def test_two_counters_validating_the_same_on_line_one_wins_the_other_is_told(runtime: Runtime) -> None:
    place = site(runtime)
    first, second = on_basket(place), on_basket(place)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def counter_validates(view: BasketView) -> None:
        start.wait()
        try:
            validated(place, view)
            outcomes.append("ok")
        except ComptoirError as exc:
            outcomes.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=counter_validates, args=(view,)) for view in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["Conflict: Ligne 1 déjà délivrée (délivrance initiale).", "ok"]
    assert count(runtime, Dispensation) == 1 and count(runtime, OutboxMessage) == 1


def test_a_basket_validated_twice_is_a_conflict(runtime: Runtime) -> None:
    place = site(runtime)
    view = on_basket(place)
    validated(place, view)

    with pytest.raises(Conflict, match="déjà validé"):
        validated(place, view)
