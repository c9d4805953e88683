"""The deferred double check and its review queue, on the in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from comptoir.analysis.findings import Level
from comptoir.domain.operators import Role
from comptoir.errors import NotFound, RuleViolation
from comptoir.services.analysis import deferred_check
from comptoir.services.analysis.deferred_check import check_period, mark_checked, queue
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)
PHARMACIST = CurrentOperator(id=1, code="PH01", display_name="Claire", role=Role.TITULAIRE, workstation="poste-1")
PREPARER = CurrentOperator(id=2, code="PR01", display_name="Julie", role=Role.PREPARATEUR, workstation="poste-1")
LEVEL_OF = {"ASPIRINE": Level.CI, "DOLIPRANE": Level.APEC, "SPASFON": None}
"""What the (stubbed) analysis finds for a dispensation holding this drug."""


def dispensation(number: int, day: date, status: str = "a_controler", patient_id: int | None = 1) -> Dispensation:
    return Dispensation(id=number, dispensed_at=datetime.combine(day, datetime.min.time()), patient_id=patient_id,
                        prescriber_rpps=None, check_status=status, operator_code="PH01")


@pytest.fixture
def stub_analysis(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The engine replaced by LEVEL_OF: the queue's rules are tested, not the analysis itself."""
    cases: list[Any] = []

    def analyse(case: Any, reference: Any) -> SimpleNamespace:
        cases.append(case)
        levels = [LEVEL_OF[line.drug] for line in case.lines if LEVEL_OF[line.drug] is not None]
        return SimpleNamespace(findings=[SimpleNamespace(level=level, message=level.name) for level in levels])

    monkeypatch.setattr(deferred_check, "analyse", analyse)
    return cases


def test_the_period_check_queues_for_review_only_findings_from_pe_up(stub_analysis: list[Any]) -> None:
    uow = FakeUnitOfWork()
    uow.dispensations.patients[1] = m.Patient(id=1, birth_date=date(1936, 4, 2), sex="F", allergies=[])
    risky = uow.dispensations.dispensed(dispensation(1, date(2025, 9, 25)), "ASPIRINE")
    mild = uow.dispensations.dispensed(dispensation(2, date(2025, 9, 26)), "DOLIPRANE")
    calm = uow.dispensations.dispensed(dispensation(3, date(2025, 9, 27)), "SPASFON")

    checked = check_period(date(2025, 9, 21), uow=uow, reference=None, until=date(2025, 9, 30))  # type: ignore[arg-type]

    assert {c.id: c.level for c in checked} == {1: "CI", 2: "APEC", 3: None}
    assert (risky.check_status, mild.check_status, calm.check_status) == ("a_revoir", "controlee", "controlee")
    assert uow.committed == 1


def test_an_earlier_dispensation_is_history_and_is_not_checked_again(stub_analysis: list[Any]) -> None:
    uow = FakeUnitOfWork()
    earlier = uow.dispensations.dispensed(dispensation(1, date(2025, 9, 1)), "SPASFON")
    uow.dispensations.dispensed(dispensation(2, date(2025, 9, 25)), "DOLIPRANE")

    checked = check_period(date(2025, 9, 21), uow=uow, reference=None, until=date(2025, 9, 30))  # type: ignore[arg-type]

    assert [c.id for c in checked] == [2]
    assert [h.drug for h in stub_analysis[0].history] == ["SPASFON"]
    assert earlier.check_status == "a_controler"


def test_a_dispensation_a_pharmacist_already_closed_keeps_its_status(stub_analysis: list[Any]) -> None:
    uow = FakeUnitOfWork()
    closed = uow.dispensations.dispensed(dispensation(1, date(2025, 9, 25), status="controlee"), "ASPIRINE")

    check_period(date(2025, 9, 21), uow=uow, reference=None, until=date(2025, 9, 30))  # type: ignore[arg-type]

    assert closed.check_status == "controlee"


def test_a_pharmacist_closes_a_dispensation_and_it_is_audited() -> None:
    uow = FakeUnitOfWork()
    waiting = uow.dispensations.dispensed(dispensation(5, date(2025, 9, 25), status="a_revoir"), "ASPIRINE")

    mark_checked(5, uow=uow, operator=PHARMACIST, note=" vu avec le patient ", now=NOW)

    assert (waiting.check_status, waiting.checked_by, waiting.checked_at) == ("controlee", "PH01", NOW)
    assert waiting.check_note == "vu avec le patient"
    assert [(e.object_type, e.object_id) for e in uow.audit.entries] == [("dispensation", "5")]
    assert uow.committed == 1


def test_closing_a_dispensation_twice_is_refused_and_commits_nothing() -> None:
    uow = FakeUnitOfWork()
    uow.dispensations.dispensed(dispensation(5, date(2025, 9, 25), status="controlee"), "ASPIRINE")

    with pytest.raises(RuleViolation):
        mark_checked(5, uow=uow, operator=PHARMACIST, note="", now=NOW)

    assert uow.audit.entries == [] and uow.committed == 0


def test_closing_an_unknown_dispensation_is_not_found() -> None:
    with pytest.raises(NotFound):
        mark_checked(404, uow=FakeUnitOfWork(), operator=PHARMACIST, note="", now=NOW)


def test_a_preparer_reads_the_queue_with_lines_and_patient_and_it_is_audited() -> None:
    uow = FakeUnitOfWork()
    uow.dispensations.patients[1] = m.Patient(id=1, last_name="MARTIN", first_name="Jeanne")
    uow.dispensations.dispensed(dispensation(5, date(2025, 9, 25), status="a_revoir"), "ASPIRINE", "SINTROM")
    uow.dispensations.dispensed(dispensation(6, date(2025, 9, 26), status="controlee"), "DOLIPRANE")

    entries = queue("a_revoir", uow=uow, operator=PREPARER, now=NOW)

    assert [(d.id, [line.drug for line in lines], p.last_name if p else None) for d, lines, p in entries] == [
        (5, ["ASPIRINE", "SINTROM"], "MARTIN")]
    assert [(e.object_type, e.object_id, e.detail) for e in uow.audit.entries] == [
        ("check_queue", "a_revoir", "1 délivrance(s)")]


def test_an_unknown_queue_is_refused_before_anything_is_read() -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(RuleViolation):
        queue("tout", uow=uow, operator=PREPARER, now=NOW)

    assert uow.audit.entries == [] and uow.committed == 0
