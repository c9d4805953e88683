"""An analysis at the counter reads health data: a role allowed to, and an audit entry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from comptoir.analysis.reference import AnalysisReference
from comptoir.domain.operators import Role
from comptoir.errors import PermissionDenied
from comptoir.refdata.search import DrugIndex
from comptoir.services.analysis.analyse import analyse_prescription
from comptoir.services.platform.operators import CurrentOperator
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)
PREPARER = CurrentOperator(id=2, code="PR01", display_name="Julie", role=Role.PREPARATEUR, workstation="poste-1")
ADMIN = CurrentOperator(id=3, code="ADM", display_name="Paul", role=Role.ADMIN, workstation="poste-1")
CASE = {"today": "2026-02-19", "lines": [{"drug": "DOLIPRANE 1000 mg"}]}


class EmptyReference:
    """The analysis reference cache, with no drug in it."""

    def get(self, reference: object) -> AnalysisReference:
        return AnalysisReference(index=DrugIndex([]), products={}, thesaurus=None)


def test_an_analysis_without_a_patient_file_is_audited_as_such() -> None:
    uow = FakeUnitOfWork()

    analysis = analyse_prescription(CASE, uow=uow, operator=PREPARER, analysis_reference=EmptyReference(),  # type: ignore[arg-type]
                                    now=NOW)

    assert [f.kind for f in analysis.findings] == ["unidentified"]  # an empty reference knows no drug
    assert [(e.object_type, e.object_id, e.detail) for e in uow.audit.entries] == [
        ("analysis", "sans dossier", "1 alerte(s)")]
    assert uow.committed == 1


def test_the_audit_entry_names_the_patient_file() -> None:
    uow = FakeUnitOfWork()

    analyse_prescription(CASE, uow=uow, operator=PREPARER, analysis_reference=EmptyReference(),  # type: ignore[arg-type]
                         now=NOW, patient_id=42)

    assert uow.audit.entries[0].object_id == "42"


def test_the_administrator_may_not_analyse_and_nothing_is_recorded() -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(PermissionDenied):
        analyse_prescription(CASE, uow=uow, operator=ADMIN, analysis_reference=EmptyReference(),  # type: ignore[arg-type]
                             now=NOW)

    assert uow.audit.entries == [] and uow.committed == 0
