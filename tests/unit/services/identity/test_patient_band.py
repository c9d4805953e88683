"""The patient's band and profile on the in-memory unit of work: what is written, what is shown, what is audited,
and what a refusal leaves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from comptoir.domain.operators import Role
from comptoir.errors import FieldErrors, PermissionDenied
from comptoir.services.identity import profile
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store.dispensing import Dispensation, DispensedLine
from tests.fakes import FakeUnitOfWork
from tests.fakes.identity import a_patient

NOW = datetime(2026, 11, 12, 9, 30, tzinfo=UTC)
PREPARATEUR = CurrentOperator(id=1, code="PR01", display_name="Julie", role=Role.PREPARATEUR, workstation="poste-1")
ADMIN = CurrentOperator(id=3, code="ADM", display_name="IT", role=Role.ADMIN, workstation="serveur")
TYPED = {"allergies": "amoxicilline", "pregnant": "on", "pregnancy_weeks": "19", "weight_kg": "52,5",
         "egfr": "48", "egfr_on": "2026-11-05"}


def update(uow: FakeUnitOfWork, patient_id: int, *, now: datetime = NOW, operator: CurrentOperator = PREPARATEUR,
           **typed: str) -> None:
    profile.update_profile(patient_id, typed, uow=uow, operator=operator, now=now)


def dispensed(uow: FakeUnitOfWork, patient_id: int, when: datetime, *lines: tuple[str, int, str]) -> int:
    row = Dispensation(id=len(uow.dispensations.dispensations) + 1, dispensed_at=when, patient_id=patient_id,
                       operator_code="PH01")
    uow.dispensations.dispensations[row.id] = row
    uow.dispensations.lines += [DispensedLine(dispensation_id=row.id, position=n, drug=drug, boxes=boxes,
                                              posology=posology) for n, (drug, boxes, posology) in enumerate(lines)]
    return row.id


def test_a_preparateur_records_the_profile_and_the_change_is_audited_without_its_values() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow)

    update(uow, record.id, **TYPED)

    assert (record.allergies, record.pregnant, record.weight_kg, record.weight_on) == (
        ["amoxicilline"], True, Decimal("52.5"), NOW.date())
    assert (record.egfr, record.egfr_on, record.amenorrhoea_start) == (
        Decimal(48), date(2026, 11, 5), NOW.date() - timedelta(weeks=19))
    entry = uow.audit.entries[-1]
    assert (entry.action, entry.object_type, entry.object_id) == ("write", "patient_profile", str(record.id))
    assert entry.detail == "modifié : allergies, grossesse, terme, poids, DFG, date du DFG"
    assert uow.committed == 1


@pytest.mark.parametrize(("typed", "field"), [({"weight_kg": "-5"}, "weight_kg"),
                                              ({"pregnant": "on", "pregnancy_weeks": "50"}, "pregnancy_weeks"),
                                              ({"egfr": "48", "egfr_on": "2030-01-01"}, "egfr_on")])
def test_a_refused_field_changes_nothing_and_writes_nothing(typed: dict[str, str], field: str) -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow, weight_kg=Decimal(60), weight_on=date(2026, 1, 1), allergies=["aspirine"])

    with pytest.raises(FieldErrors) as refused:
        update(uow, record.id, **{**TYPED, **typed})

    assert list(refused.value.errors) == [field]
    assert (record.weight_kg, record.allergies, record.pregnant) == (Decimal(60), ["aspirine"], False)
    assert (uow.audit.entries, uow.committed) == ([], 0)


def test_a_pregnancy_is_refused_on_a_man() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow, sex="M")

    with pytest.raises(FieldErrors, match="homme"):
        update(uow, record.id, pregnant="on", pregnancy_weeks="12")

    assert record.pregnant is False


def test_the_administrator_may_neither_change_nor_see_a_profile() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow)

    with pytest.raises(PermissionDenied):
        update(uow, record.id, operator=ADMIN, **TYPED)
    with pytest.raises(PermissionDenied):
        profile.patient_band(record.id, uow=uow, operator=ADMIN, now=NOW)

    assert uow.audit.entries == []


def test_the_band_counts_the_term_on_the_day_it_is_shown() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow)
    update(uow, record.id, **TYPED)

    band = profile.patient_band(record.id, uow=uow, operator=PREPARATEUR, now=NOW + timedelta(days=28))

    assert band.pregnancy == "enceinte, 23 SA"
    assert (band.weight, band.egfr) == ("52,5 kg (le 12/11/2026)", "DFG 48 ml/min/1,73 m² (le 05/11/2026)")
    assert (band.name, band.ins_status, band.age, band.allergies) == (
        "DARK Jeanne", "Identité provisoire", 87, ("amoxicilline",))


def test_the_history_holds_twelve_months_newest_first_and_the_reading_is_audited() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow)
    old = dispensed(uow, record.id, NOW - timedelta(days=400), ("SINTROM 4 mg", 1, "1 cp le soir"))
    spring = dispensed(uow, record.id, NOW - timedelta(days=200), ("DOLIPRANE 1000 mg", 2, "1 cp 3 fois par jour"),
                       ("AMOXICILLINE 1 g", 1, "1 cp matin et soir"))
    autumn = dispensed(uow, record.id, NOW - timedelta(days=3), ("KARDEGIC 75 mg", 3, "1 sachet par jour"))
    dispensed(uow, record.id + 1, NOW - timedelta(days=1), ("ATARAX 25 mg", 1, ""))

    band = profile.patient_band(record.id, uow=uow, operator=PREPARATEUR, now=NOW)

    assert [(h.dispensation_id, h.product, h.boxes) for h in band.history] == [
        (autumn, "KARDEGIC 75 mg", 3), (spring, "DOLIPRANE 1000 mg", 2), (spring, "AMOXICILLINE 1 g", 1)]
    assert old not in {h.dispensation_id for h in band.history}
    assert band.history[0].posology == "1 sachet par jour"
    entry = uow.audit.entries[-1]
    assert (entry.action, entry.object_type, entry.object_id) == ("read", "patient", str(record.id))
    assert "3 ligne(s)" in entry.detail


def test_an_infant_s_age_is_said_in_months() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow, birth_date=date(2025, 5, 20))

    assert profile.patient_band(record.id, uow=uow, operator=PREPARATEUR, now=NOW).age_label == "17 mois"


def test_the_analysis_reads_the_profile_with_the_term_of_its_day() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow)
    update(uow, record.id, breastfeeding="on", **TYPED)

    seen = profile.analysis_profile(record, NOW.date() + timedelta(weeks=4))

    assert (seen.pregnant, seen.pregnancy_weeks, seen.breastfeeding) == (True, 23, True)
    assert (seen.weight_kg, seen.egfr, seen.allergies, seen.sex) == (52.5, 48.0, ("amoxicilline",), "F")


def test_the_analysis_still_treats_an_overdue_pregnancy_as_one_of_unknown_term() -> None:
    uow = FakeUnitOfWork()
    record = a_patient(uow)
    update(uow, record.id, pregnant="on", pregnancy_weeks="40")

    seen = profile.analysis_profile(record, NOW.date() + timedelta(weeks=6))

    assert (seen.pregnant, seen.pregnancy_weeks) == (True, None)
