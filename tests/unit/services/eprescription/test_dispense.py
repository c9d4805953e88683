"""The rules of dispensing an ON, on the in-memory unit of work: a refusal records nothing and commits nothing.
(The dispensation that succeeds, with its outbox message, is tested on real databases in
tests/integration/eprescription.)"""

from __future__ import annotations

from datetime import datetime

import pytest

from comptoir.domain.operators import Role
from comptoir.errors import Conflict, PermissionDenied, RuleViolation
from comptoir.services.eprescription.dispense import DispenseRequest, LineChoice, check, dispense
from comptoir.services.eprescription.scan import keep
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store.eprescription import LineDelivery
from tests.fakes import FakeUnitOfWork
from tests.unit.services.eprescription.onfakes import NOW, ON_ID, PHARMACIST, pharmacy, prescription

ONE_BOX = DispenseRequest(ON_ID, 1, 0, (LineChoice(1, None, 1),))


def consulted(*, rpps: str | None = "10000001916") -> FakeUnitOfWork:
    uow = pharmacy(rpps=rpps)
    keep(uow, prescription(), prescription().status(NOW.date()), PHARMACIST, 1, NOW)
    return uow


def assert_nothing_recorded(uow: FakeUnitOfWork) -> None:
    assert not uow.dispensations.dispensations and uow.audit.entries == []
    assert uow.committed == 0


def test_a_pharmacist_without_rpps_is_refused() -> None:
    uow = consulted(rpps=None)

    with pytest.raises(RuleViolation, match="RPPS"):
        dispense(ONE_BOX, uow=uow, operator=PHARMACIST, now=NOW)

    assert_nothing_recorded(uow)


def test_a_preparer_may_not_validate() -> None:
    uow = consulted()
    preparer = CurrentOperator(3, "PR01", "Paul", Role.PREPARATEUR, "poste-2")

    with pytest.raises(PermissionDenied):
        dispense(ONE_BOX, uow=uow, operator=preparer, now=NOW)

    assert_nothing_recorded(uow)


def test_a_period_already_closed_is_refused_as_already_delivered() -> None:
    uow = consulted()
    uow.eprescriptions.periods[(ON_ID, 1, 0)] = LineDelivery(prescription_id=ON_ID, line_number=1, renewal=0,
                                                             boxes=1, closed=True, updated_at=datetime.now())

    with pytest.raises(Conflict, match="déjà délivrée"):
        dispense(ONE_BOX, uow=uow, operator=PHARMACIST, now=NOW)

    assert_nothing_recorded(uow)


def test_nothing_to_deliver_is_refused() -> None:
    uow = consulted()

    with pytest.raises(RuleViolation, match="Rien à délivrer"):
        dispense(DispenseRequest(ON_ID, 1, 0, (LineChoice(1, None, 0),)), uow=uow, operator=PHARMACIST, now=NOW)

    assert_nothing_recorded(uow)


def test_an_ON_never_consulted_here_must_be_scanned_first() -> None:
    uow = pharmacy()

    with pytest.raises(Exception, match="scannez-la d'abord"):
        dispense(ONE_BOX, uow=uow, operator=PHARMACIST, now=NOW)

    assert_nothing_recorded(uow)


def test_the_control_window_writes_nothing() -> None:
    uow = consulted()

    _, checked = check(ONE_BOX, uow=uow, now=NOW)

    assert [(c.line.number, c.given.quantity) for c in checked] == [(1, 1)]
    assert uow.eprescriptions.periods == {} and uow.committed == 0
