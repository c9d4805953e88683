"""Two counters (here eight) executing the same ON line at once, on SQLite and PostgreSQL: exactly one
delivery is recorded, the others are told "déjà délivrée", and only one execution waits in the outbox."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from comptoir.errors import ComptoirError
from comptoir.services.eprescription.dispense import DispenseRequest, LineChoice, dispense
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.store.dispensing import Dispensation, DispensedLine
from comptoir.store.outbox import OutboxMessage
from tests.integration.eprescription.onsite import pharmacy_with_prescription

ATTEMPTS = 8


def test_eight_counters_one_line_exactly_one_delivery(runtime: Runtime) -> None:
    operator, patient_id, prescription = pharmacy_with_prescription(runtime)
    request = DispenseRequest(prescription.id, patient_id, 0, (LineChoice(1, None, 1),))
    outcomes: list[str] = []
    start = threading.Barrier(ATTEMPTS)

    def counter() -> None:
        start.wait()
        uow = runtime.unit_of_work()
        try:
            dispense(request, uow=uow, operator=operator, now=runtime.clock())
            outcomes.append("ok")
        except ComptoirError as exc:
            outcomes.append(str(exc))
        finally:
            uow.close()

    threads = [threading.Thread(target=counter) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes.count("ok") == 1, outcomes
    assert all("déjà délivrée" in o for o in outcomes if o != "ok"), outcomes
    with runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Dispensation)) == 1
        assert session.scalar(select(func.count()).select_from(DispensedLine)) == 1
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_partial_delivery_leaves_the_period_open_for_its_complement(runtime: Runtime) -> None:
    operator, patient_id, prescription = pharmacy_with_prescription(runtime, quantity=2)

    request = DispenseRequest(prescription.id, patient_id, 0, (LineChoice(1, None, 1),))
    first = dispensed(runtime, operator, request)
    dispensed(runtime, operator, request)
    with runtime.session_factory() as session:
        partial = session.scalars(select(DispensedLine.partial).order_by(DispensedLine.id)).all()

    assert first.execution_key and partial == [True, False]


def dispensed(runtime: Runtime, operator: CurrentOperator, request: DispenseRequest) -> Dispensation:
    uow = runtime.unit_of_work()
    try:
        return dispense(request, uow=uow, operator=operator, now=runtime.clock()).dispensation
    finally:
        uow.close()
