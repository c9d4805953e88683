"""The demo's vaccination: the shipped reference's VAXIGRIP is a flu vaccine, the demo pack's DataMatrix reads as
it, GASLY Henri has last season's shot and can be vaccinated with this season's pack; a second run adds nothing."""

from __future__ import annotations

from contextlib import closing

from fastapi.testclient import TestClient
from sqlalchemy import select

from comptoir.devtools import demo
from comptoir.devtools.demo_vaccination import FLU_VACCINE_CIP13, demo_flu_pack
from comptoir.domain.operators import Role
from comptoir.domain.vaccination.vaccines import VaccineKind
from comptoir.reading.gs1 import parse_pack_code
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.services.vaccination.pack import vaccine_of
from comptoir.services.vaccination.record import record_vaccination
from comptoir.store import models as m
from comptoir.store.counter import Basket
from comptoir.store.vaccination import Vaccination
from comptoir.web.app import create_app
from tests.conftest import open_session
from tests.integration.vaccination.builders import form


def gasly(runtime: Runtime) -> int:
    with runtime.session_factory() as session:
        found = session.scalar(select(m.Patient.id).where(m.Patient.last_name == "GASLY"))
        assert found is not None
        return found


def test_the_shipped_reference_knows_the_demo_pack_as_a_flu_vaccine(reference_runtime: Runtime) -> None:
    pack = demo_flu_pack(reference_runtime.clock().date())

    scanned = parse_pack_code(pack.datamatrix)
    with closing(reference_runtime.unit_of_work()) as uow, uow:
        vaccine = vaccine_of(FLU_VACCINE_CIP13, uow=uow)

    assert (scanned.cip13, scanned.lot, scanned.expiry) == (FLU_VACCINE_CIP13, pack.lot, pack.expiry.isoformat())
    assert vaccine.kind is VaccineKind.FLU and vaccine.name.startswith("VAXIGRIP") and not vaccine.live


def test_the_demo_patient_has_last_season_s_shot_and_takes_this_season_s_pack(reference_runtime: Runtime) -> None:
    first = demo.load_demo_pharmacy(reference_runtime, with_dispensations=False)
    second = demo.load_demo_pharmacy(reference_runtime, with_dispensations=False)
    patient_id = gasly(reference_runtime)

    with reference_runtime.session_factory() as session:
        pharmacist = session.scalars(select(m.Operator).where(m.Operator.code == "PH01")).one()
        shots = list(session.scalars(select(Vaccination).where(Vaccination.patient_id == patient_id)))
    operator = CurrentOperator(pharmacist.id, "PH01", pharmacist.display_name, Role.TITULAIRE, "poste-1")
    with closing(reference_runtime.unit_of_work()) as uow:
        done = record_vaccination(patient_id, form(code=demo_flu_pack(reference_runtime.clock().date()).datamatrix),
                                  uow=uow, operator=operator, now=reference_runtime.clock())

    assert (first["vaccinations"], second["vaccinations"]) == (1, 0)
    assert [shot.given_at.year for shot in shots] == [2024] and shots[0].pharmacist_rpps == "10003456789"
    assert done.product_name.startswith("VAXIGRIP")


def test_the_counter_offers_vacciner_for_the_basket_s_patient(reference_runtime: Runtime) -> None:
    demo.load_demo_pharmacy(reference_runtime, with_dispensations=False)
    patient_id = gasly(reference_runtime)
    with reference_runtime.session_factory() as session:
        basket_id = session.scalar(select(Basket.id).where(Basket.patient_id == patient_id))

    with TestClient(create_app(reference_runtime.settings, runtime=reference_runtime)) as client:
        assert open_session(client, "PH01", demo.DEMO_PASSWORD).status_code == 200
        page = client.get(f"/comptoir/{basket_id}")

    assert f'id="vacciner" href="/patients/{patient_id}/vaccination"' in page.text
