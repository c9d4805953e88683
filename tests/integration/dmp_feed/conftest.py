"""A pharmacy on a real database (SQLite and PostgreSQL) whose counter dispensations feed the DMP emulator,
served on a socket and reached through the product's client; the outbox worker sends the DMP's messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select, update

from comptoir.domain.operators import Role
from comptoir.national.credentials import DEMO_PHARMACIST_RPPS, demo_pharmacy
from comptoir.national.dmp.client import DmpClient
from comptoir.national.dmp.emulator import create_emulator
from comptoir.services.dispensing.validate import validate
from comptoir.services.dmp import messages
from comptoir.services.platform.operators import MACHINE_OWNER, CurrentOperator, NewOperator, create_operator
from comptoir.services.platform.outbox import OutboxWorker
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.sharing import SharedDocument
from tests.conftest import PASSWORD
from tests.emulators import FAST_POLICY, serving
from tests.fakes.dmp import GENE, KIT
from tests.integration.dispensing.counter_site import Site, on_basket, site

TOKEN = "jeton-dmp-de-la-pharmacie"
ADJOINT_RPPS = "10000001916"


@pytest.fixture
def dmp_url(tmp_path: Path) -> Iterator[str]:
    if not (KIT / "examples").is_dir():
        pytest.skip(f"CDA kit absent: {KIT}")
    with serving(create_emulator(tmp_path / "dmp.db", credentials=[demo_pharmacy(TOKEN)])) as url:
        yield url


@pytest.fixture
def dmp(dmp_url: str) -> Iterator[DmpClient]:
    client = DmpClient.at(dmp_url, FAST_POLICY, token=TOKEN)
    yield client
    client.close()


@dataclass
class Pharmacy:
    """The counter's site, its patient GENE (identity as the test sets it), the DMP and the outbox worker."""

    place: Site
    dmp: DmpClient
    worker: OutboxWorker

    @property
    def runtime(self) -> Runtime:
        return self.place.runtime

    def validate_counter_dispensation(self, by: CurrentOperator | None = None) -> int:
        runtime = self.runtime
        view = on_basket(self.place)
        with closing(runtime.unit_of_work()) as uow:
            return validate(view.id, view.version, uow=uow, operator=by or self.place.pharmacist,
                            now=runtime.clock(), reference=runtime.analysis_reference).dispensation_id

    def adjoint(self) -> CurrentOperator:
        """PH02, an adjoint with his own RPPS: the DMP knows only the titulaire's, bound to the pharmacy's FINESS."""
        with closing(self.runtime.unit_of_work()) as uow:
            row = create_operator(NewOperator("PH02", "Paul MARTIN", Role.ADJOINT, PASSWORD, rpps=ADJOINT_RPPS),
                                  by=MACHINE_OWNER, uow=uow, now=self.runtime.clock())
        return CurrentOperator(row.id, "PH02", "Paul MARTIN", Role.ADJOINT, "poste-2")

    def qualify(self) -> None:
        with self.runtime.session_factory.begin() as session:
            session.execute(update(m.Patient).where(m.Patient.id == self.place.patient_id).values(
                identity_status="QUAL", nir=GENE.matricule, nir_oid=GENE.oid, birth_name=GENE.birth_name,
                birth_given_names=GENE.given_names, last_name=GENE.birth_name, sex=GENE.sex,
                birth_date=GENE.birth_date))

    def documents(self) -> list[SharedDocument]:
        with self.runtime.session_factory() as session:
            return list(session.scalars(select(SharedDocument).order_by(SharedDocument.id)))


@pytest.fixture
def pharmacy(runtime: Runtime, dmp: DmpClient) -> Pharmacy:
    place = site(runtime)
    with runtime.session_factory.begin() as session:  # the DMP credential: the demo pharmacy, its titulaire
        session.execute(update(m.Operator).where(m.Operator.id == place.pharmacist.id)
                        .values(rpps=DEMO_PHARMACIST_RPPS))
    worker = OutboxWorker(runtime.unit_of_work, messages.handlers(dmp, runtime.unit_of_work, runtime.clock),
                          runtime.clock, first_backoff_s=0.0)
    return Pharmacy(place, dmp, worker)
