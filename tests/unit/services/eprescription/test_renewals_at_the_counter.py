"""Renewals of an ON at the counter, on the in-memory unit of work: never before the previous delivery has
(nearly) run out, never offered on a line with no renewal left, and the ON's status follows what is left."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from comptoir.domain.eprescription.prescription import DeliveredLine, Prescription, Status, validity_end
from comptoir.errors import RuleViolation
from comptoir.services.eprescription import periods
from comptoir.services.eprescription.counter import plan
from comptoir.services.eprescription.dashboard import dashboard
from comptoir.services.eprescription.dispense import DispenseRequest, LineChoice, check, dispense
from comptoir.services.eprescription.scan import keep
from comptoir.store import models as m
from tests.eprescription_builders import execution, line
from tests.fakes import FakeUnitOfWork
from tests.unit.services.eprescription.onfakes import NOW, ON_ID, PHARMACIST, pharmacy, prescription

CIS, BOX_OF_30 = "63458349", "3400930000030"


def renewable(*, renewals: int = 1, delivered_days_ago: int | None = None) -> Prescription:
    """One line, 1 gélule a day for 30 days, `renewals` renewals; its first delivery (1 box of 30) made in
    another pharmacy `delivered_days_ago` days before NOW, as the base answers it."""
    lines = (line(1, cis=CIS, renewals=renewals),)
    elsewhere = execution("ailleurs", at=NOW - timedelta(days=delivered_days_ago or 0))
    elsewhere = replace(elsewhere, lines=(DeliveredLine(1, "AMLODIPINE", 1, cip13=BOX_OF_30),))
    rx = prescription()
    return replace(rx, lines=lines, valid_until=validity_end(rx.issued_on, lines),
                   executions=() if delivered_days_ago is None else (elsewhere,))


def counter(rx: Prescription) -> FakeUnitOfWork:
    uow = pharmacy()
    uow.eprescriptions.presentations[BOX_OF_30] = m.Presentation(
        cip13=BOX_OF_30, cip7="3000030", cis=CIS, label="plaquette(s) PVC aluminium de 30 gélule(s)",
        status="Présentation active", marketing_state="Déclaration de commercialisation", collectivities="oui",
        reimbursement_rate="65%", price_eur=Decimal("2.50"))
    keep(uow, rx, rx.status(NOW.date()), PHARMACIST, 1, NOW)
    return uow


def renewal_one() -> DispenseRequest:
    return DispenseRequest(ON_ID, 1, 1, (LineChoice(1, BOX_OF_30, 1),))


def test_a_renewal_the_same_day_as_the_first_delivery_is_refused_naming_its_date_and_rule() -> None:
    uow = counter(renewable(delivered_days_ago=0))

    with pytest.raises(RuleViolation) as refused:
        check(renewal_one(), uow=uow, now=NOW)

    earliest = (NOW + timedelta(days=30 - 7)).date()
    assert f"possible à partir du {earliest:%d/%m/%Y}" in str(refused.value)
    assert "R.5132-14" in str(refused.value)


def test_a_renewal_from_its_earliest_date_is_accepted() -> None:
    uow = counter(renewable(delivered_days_ago=23))

    _, checked = check(renewal_one(), uow=uow, now=NOW)

    assert [c.given.quantity for c in checked] == [1]


def test_a_first_delivery_made_here_a_minute_ago_counts_before_the_base_knows_it() -> None:
    uow = counter(renewable())
    dispense(DispenseRequest(ON_ID, 1, 0, (LineChoice(1, BOX_OF_30, 1),)), uow=uow, operator=PHARMACIST, now=NOW)

    with pytest.raises(RuleViolation, match="trop tôt"):
        dispense(renewal_one(), uow=uow, operator=PHARMACIST, now=NOW + timedelta(minutes=1))


def test_the_renewal_page_never_preselects_a_line_with_no_renewal_left() -> None:
    rx = renewable(renewals=0, delivered_days_ago=40)
    uow = counter(rx)

    notes = {n.number: periods.unavailable(uow, rx, n, 1, NOW.date()) for n in rx.lines}
    planned = plan(uow.eprescriptions, rx, 1, unavailable=notes)[0]

    assert planned.closed and planned.needed == 0 and planned.options == ()
    assert "non renouvelable" in planned.note


def test_a_renewal_too_early_is_shown_with_its_date_instead_of_boxes() -> None:
    rx = renewable(delivered_days_ago=2)
    uow = counter(rx)

    note = periods.unavailable(uow, rx, rx.lines[0], 1, NOW.date())

    assert "trop tôt" in note and f"{(NOW + timedelta(days=21)).date():%d/%m/%Y}" in note


def test_a_non_renewable_on_delivered_in_full_here_reads_executed_not_active() -> None:
    uow = counter(renewable(renewals=0))

    dispense(DispenseRequest(ON_ID, 1, 0, (LineChoice(1, BOX_OF_30, 1),)), uow=uow, operator=PHARMACIST, now=NOW)
    rows = dashboard(uow=uow, operator=PHARMACIST, now=NOW)

    rx = renewable(renewals=0)
    assert periods.status_here(uow, rx, NOW.date()) is Status.EXECUTED
    assert uow.eprescriptions.records[ON_ID].status == Status.EXECUTED.value
    assert rows[0].status == "Délivrée"


def test_an_on_with_a_renewal_left_reads_partly_delivered() -> None:
    uow = counter(renewable(renewals=1))

    dispense(DispenseRequest(ON_ID, 1, 0, (LineChoice(1, BOX_OF_30, 1),)), uow=uow, operator=PHARMACIST, now=NOW)

    assert periods.status_here(uow, renewable(renewals=1), NOW.date()) is Status.PARTIAL
