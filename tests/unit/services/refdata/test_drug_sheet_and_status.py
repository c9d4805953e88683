"""The product sheet and the reference's status, on the in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from comptoir.errors import ConfigurationError, NotFound
from comptoir.refdata.sources import RefdataSource
from comptoir.services.refdata.drugs import drug_sheet
from comptoir.services.refdata.import_reference import import_reference
from comptoir.services.refdata.status import reference_loaded, reference_status
from comptoir.store import models as m
from tests.fakes import FakeUnitOfWork

DOLIPRANE = m.Specialty(cis="60234100", name="DOLIPRANE 1000 mg, comprimé")


def presentation(cip13: str, *, status: str, marketing: str) -> m.Presentation:
    return m.Presentation(cis="60234100", cip13=cip13, cip7=cip13[5:12], label="plaquette de 8", price_eur=None,
                          reimbursement_rate="65 %", status=status, marketing_state=marketing)


def test_an_unknown_cis_has_no_sheet() -> None:
    with pytest.raises(NotFound):
        drug_sheet("00000000", uow=FakeUnitOfWork())


def test_a_presentation_is_marketed_only_when_active_and_declared() -> None:
    uow = FakeUnitOfWork()
    uow.reference.specialties[DOLIPRANE.cis] = DOLIPRANE
    uow.reference.presentations += [
        presentation("3400935955838", status="Présentation active", marketing="Déclaration de commercialisation"),
        presentation("3400935955839", status="Présentation active", marketing="Déclaration d'arrêt"),
    ]

    sheet = drug_sheet(DOLIPRANE.cis, uow=uow)

    assert [(p.cip13, p.marketed) for p in sheet.presentations] == [("3400935955838", True),
                                                                    ("3400935955839", False)]


def test_an_empty_database_has_no_reference_loaded() -> None:
    uow = FakeUnitOfWork()

    assert reference_loaded(uow=uow) is False
    assert reference_status(uow=uow).as_json()["loaded"] is False


def test_the_thesaurus_coverage_counts_substances_not_classes() -> None:
    uow = FakeUnitOfWork()
    uow.reference.release_rows.append(m.RefdataRelease(kind="thesaurus", source="ANSM", data_date=date(2023, 9, 15),
                                                    imported_at=datetime(2026, 2, 19, tzinfo=UTC), counts={},
                                                    licence=""))
    uow.reference.thesaurus_headers = ["AMIODARONE", "HYDROXYZINE"]
    uow.reference.thesaurus_classes = {"TORSADOGENES": ["SOTALOL", "AMIODARONE"]}
    uow.reference.mapped_names = {"amiodarone", "sotalol"}

    status = reference_status(uow=uow)

    assert (status.thesaurus_names, status.thesaurus_names_mapped) == (3, 2)
    assert status.releases[0].data_date == "2023-09-15"


def test_an_incomplete_source_is_refused_before_anything_is_replaced(tmp_path: Path) -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(ConfigurationError):
        import_reference(RefdataSource(tmp_path, "test"), uow=uow, now=datetime(2026, 2, 19, tzinfo=UTC),
                         step=lambda _: None)

    assert uow.reference.cleared is False and uow.committed == 0
