"""The pharmacist's decisions on findings, on the in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from comptoir.domain.interventions import Intervention
from comptoir.domain.operators import Role
from comptoir.errors import NotFound, PermissionDenied, RuleViolation
from comptoir.services.analysis.decisions import DecisionRequest, FindingRef, record_decision
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)
PHARMACIST = CurrentOperator(id=1, code="PH01", display_name="Claire", role=Role.TITULAIRE, workstation="poste-1")
PREPARER = CurrentOperator(id=2, code="PR01", display_name="Julie", role=Role.PREPARATEUR, workstation="poste-1")
INTERACTION = FindingRef("interaction", "CI", ("ATARAX 25 mg", "CORDARONE 200 mg"), ("hydroxyzine", "amiodarone"),
                         "Torsades de pointes")


def test_an_intervention_is_recorded_audited_and_committed_once() -> None:
    uow = FakeUnitOfWork()
    uow.dispensations.patients[7] = m.Patient(id=7)
    request = DecisionRequest(INTERACTION, "intervention", intervention=Intervention("6.4", "2", "1"), patient_id=7)

    row = record_decision(request, uow=uow, operator=PHARMACIST, now=NOW)

    assert uow.dispensations.decisions == [row]
    assert (row.problem_code, row.intervention_code, row.operator_code) == ("6.4", "2", "PH01")
    assert [(e.object_type, e.object_id) for e in uow.audit.entries] == [("analysis_decision", str(row.id))]
    assert uow.committed == 1


@pytest.mark.parametrize("request_", [
    DecisionRequest(INTERACTION, "refus", comment="   "),
    DecisionRequest(INTERACTION, "intervention"),
    DecisionRequest(INTERACTION, "securisee"),
])
def test_an_incomplete_decision_is_refused_and_nothing_is_written(request_: DecisionRequest) -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(RuleViolation):
        record_decision(request_, uow=uow, operator=PHARMACIST, now=NOW)

    assert uow.dispensations.decisions == [] and uow.audit.entries == [] and uow.committed == 0


def test_a_preparer_may_not_decide_on_a_finding() -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(PermissionDenied):
        record_decision(DecisionRequest(INTERACTION, "refus", comment="vu"), uow=uow, operator=PREPARER, now=NOW)

    assert uow.dispensations.decisions == [] and uow.committed == 0


def test_a_decision_about_an_unknown_patient_is_refused_and_nothing_is_written() -> None:
    uow = FakeUnitOfWork()
    request = DecisionRequest(INTERACTION, "intervention", intervention=Intervention("6.4", "2", "1"), patient_id=7)

    with pytest.raises(NotFound, match="Aucun patient n° 7"):
        record_decision(request, uow=uow, operator=PHARMACIST, now=NOW)

    assert uow.dispensations.decisions == []
    assert uow.committed == 0
