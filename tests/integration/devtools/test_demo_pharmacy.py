"""The demo pharmacy on a fresh database, loaded twice as two first starts would: a newcomer finds the real cases
of ../shared/examples at the counter (profiles, a basket waiting for a pharmacist with its contraindication, a
history, the ordonnancier's first entries), and the second run changes nothing."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from comptoir.devtools import demo
from comptoir.services.dispensing import basket as counter
from comptoir.services.dispensing.ordonnancier import RegisterFilters, register_page
from comptoir.services.dispensing.validate import validate
from comptoir.services.dispensing.views import Blocked
from comptoir.services.identity.profile import PatientBand, patient_band
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.models import Base
from comptoir.web.app import create_app
from tests.conftest import open_session
from tests.integration.dispensing.builders import operator

SKIPPED_COUNTS = {"alembic_version"}


@dataclass(frozen=True, slots=True)
class TwoRuns:
    runtime: Runtime
    first: dict[str, int]
    second: dict[str, int]
    rows_after_first: dict[str, int]
    rows_after_second: dict[str, int]


def rows_per_table(runtime: Runtime) -> dict[str, int]:
    with runtime.session_factory() as session:
        return {table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
                for table in Base.metadata.sorted_tables if table.name not in SKIPPED_COUNTS}


@pytest.fixture
def demo_twice(reference_runtime: Runtime) -> TwoRuns:
    first = demo.load_demo_pharmacy(reference_runtime, with_dispensations=True)
    after_first = rows_per_table(reference_runtime)
    second = demo.load_demo_pharmacy(reference_runtime, with_dispensations=True)
    return TwoRuns(reference_runtime, first, second, after_first, rows_per_table(reference_runtime))


def patient_id(runtime: Runtime, last_name: str) -> int:
    with runtime.session_factory() as session:
        found = session.scalar(select(m.Patient.id).where(m.Patient.last_name == last_name))
        assert found is not None
        return found


def band(runtime: Runtime, last_name: str) -> PatientBand:
    with closing(runtime.unit_of_work()) as uow:
        return patient_band(patient_id(runtime, last_name), uow=uow, operator=operator(runtime), now=runtime.clock())


def test_the_second_run_adds_nothing_and_changes_no_table(demo_twice: TwoRuns) -> None:
    assert demo_twice.first["profils"] == 2 and demo_twice.first["en_attente"] == 1
    assert demo_twice.first["delivrances"] == 5 + 4  # the examples' past dispensations, then those validated
    assert set(demo_twice.second.values()) == {0}
    assert demo_twice.rows_after_second == demo_twice.rows_after_first


def test_the_example_patients_have_their_profile(demo_twice: TwoRuns) -> None:
    runtime = demo_twice.runtime  # today: 19/02/2026

    dark, loiseau = band(runtime, "DARK"), band(runtime, "LOISEAU")

    assert dark.weight == "52 kg (le 19/02/2026)"
    assert dark.egfr == "DFG 38 ml/min/1,73 m² (le 29/01/2026)"
    assert loiseau.pregnancy == "enceinte, 24 SA"
    assert loiseau.allergies == ("amoxicilline",)


def test_the_history_is_in_the_band_and_the_listed_products_in_the_ordonnancier(demo_twice: TwoRuns) -> None:
    runtime = demo_twice.runtime

    history = band(runtime, "GASLY").history
    with closing(runtime.unit_of_work()) as uow:
        register = register_page(RegisterFilters(patient="GASLY"), uow=uow, operator=operator(runtime),
                                 now=runtime.clock())

    assert (date(2026, 2, 14), "SINTROM 4 mg, comprimé quadrisécable") in [
        (item.dispensed_at.date(), item.product) for item in history]  # five days before, as in the example
    sintrom = [row for row in register.rows if row.product.startswith("SINTROM 4 mg")]
    assert len(sintrom) == 1
    assert (sintrom[0].listing, sintrom[0].prescriber, sintrom[0].patient) == ("Liste I", "Dr Ademis TRAL",
                                                                             "GASLY Henri")
    assert register.total == 3  # clopidogrel and ZYMAD's generic fifteen days before, SINTROM five days before


def test_a_pharmacist_finds_the_basket_the_preparer_handed_over_blocked_by_its_contraindication(
    demo_twice: TwoRuns,
) -> None:
    runtime = demo_twice.runtime
    pharmacist = operator(runtime)

    with closing(runtime.unit_of_work()) as uow:
        (waiting,) = [w for w in counter.waiting_baskets(uow=uow, operator=pharmacist, now=runtime.clock())
                      if w.patient_name == "GASLY Henri"]  # DARK's waits too, for the DP (demo_dp.py)
    with closing(runtime.unit_of_work()) as uow:
        view = counter.basket(waiting.id, uow=uow, operator=pharmacist, now=runtime.clock(),
                              reference=runtime.analysis_reference)

    assert (waiting.patient_name, waiting.handed_over_by, waiting.lines) == ("GASLY Henri", "PR01", 5)
    assert any("Contre-indication" in reason and "SINTROM 4 mg (acénocoumarol)" in reason
               and "acide acétylsalicylique" in reason for reason in view.blocking)
    with closing(runtime.unit_of_work()) as uow, pytest.raises(Blocked):
        validate(view.id, view.version, uow=uow, operator=pharmacist, now=runtime.clock(),
                 reference=runtime.analysis_reference)


def test_the_pharmacists_counter_screen_shows_it_waiting(demo_twice: TwoRuns) -> None:
    runtime = demo_twice.runtime
    with TestClient(create_app(runtime.settings, runtime=runtime)) as client:
        assert open_session(client, "PH01", demo.DEMO_PASSWORD).status_code == 200

        page = client.get("/comptoir").text

    assert "En attente du pharmacien" in page
    assert "GASLY Henri · 5 ligne(s) · PR01" in page
