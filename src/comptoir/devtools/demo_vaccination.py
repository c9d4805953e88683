"""The demo's vaccination: GASLY Henri (89 years old, `../shared/examples/counter_case_gasly.json`), for whom the
flu vaccine is recommended (65 and over), got last season's flu shot here — his vaccination page shows it and
its certificate — and this season's pack waits on the counter: a real BDPM flu vaccine (VAXIGRIP, CIP13
3400930306000, in the shipped reference) whose DataMatrix text `demo_flu_pack(today).datamatrix` can be typed
or pasted in the scan box (the expiry follows the season, so the pack is never out of date in the demo).

Everything goes through the vaccination's own use case, last season's shot backdated by its `now`. Running it
twice changes nothing: a patient who already has a vaccination here is left as he is.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from comptoir.domain.operators import Role
from comptoir.domain.vaccination.questionnaire import QUESTION_CODES
from comptoir.domain.vaccination.rules import flu_campaign
from comptoir.national.nmvs.emulator import upload_packs
from comptoir.national.nmvs.port import PackId
from comptoir.services.dispensing.printing import PHARMACY_TIME
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.services.vaccination.record import record_vaccination
from comptoir.store import models as m
from comptoir.store.vaccination import Vaccination

FLU_VACCINE_CIP13 = "3400930306000"
"""VAXIGRIP suspension injectable en seringue préremplie (BDPM CIS 69675854)."""
PATIENT = ("GASLY", "Henri")
PHARMACIST = "PH01"
GS = "\x1d"


@dataclass(frozen=True, slots=True)
class DemoPack:
    cip13: str
    lot: str
    expiry: date
    serial: str

    @property
    def datamatrix(self) -> str:
        """The pack's GS1 DataMatrix content (SPEC §9.2): 01 GTIN, 17 expiry, 10 lot, then 21 serial."""
        return f"{self.typed}{GS}21{self.serial}"

    @property
    def typed(self) -> str:
        """The same without its serial: what a pack printed before serialisation gives (last season's record,
        whose pack the NMVS of today no longer holds)."""
        return f"010{self.cip13}17{self.expiry.strftime('%y%m%d')}10{self.lot}"


def demo_flu_pack(today: date) -> DemoPack:
    """This season's pack (or the next season's, out of the campaign): it expires the June after."""
    _, end = flu_campaign(today)
    return DemoPack(FLU_VACCINE_CIP13, f"VXG{end.year % 100:02d}A", date(end.year, 6, 30), f"DEMO{end.year}0001")


def load_demo_vaccination(runtime: Runtime) -> dict[str, int]:
    """Last season's flu shot of the demo patient; {"vaccinations": how many were added}."""
    today = runtime.clock().astimezone(PHARMACY_TIME).date()
    this_season = demo_flu_pack(today)
    # The manufacturer's upload of this season's pack, so that the counter's NMVS verifies it (devtools/demo_nmvs).
    upload_packs(runtime.settings.emulators_dir / "nmvs.db", [PackId("0" + this_season.cip13, this_season.serial,
                                                                     this_season.lot, this_season.expiry)])
    found = _patient_and_pharmacist(runtime)
    if found is None:
        return {"vaccinations": 0}
    patient_id, pharmacist = found
    last_season = _last_season_day(today)
    pack = demo_flu_pack(last_season)
    at = datetime.combine(last_season, time(10, 15), PHARMACY_TIME)
    with closing(runtime.unit_of_work()) as uow:
        record_vaccination(patient_id, _form(pack), uow=uow, operator=pharmacist, now=at)
    return {"vaccinations": 1}


def _last_season_day(today: date) -> date:
    start, _ = flu_campaign(today)
    return date(start.year - 1, start.month, start.day) + timedelta(days=30)


def _form(pack: DemoPack) -> dict[str, str]:
    answers = {f"q_{code}": "non" for code in QUESTION_CODES}
    return {"code": pack.typed, **answers, "dose": "1", "route": "IM", "site": "deltoïde gauche",
            "audience": "tous", "consent": "on"}


def _patient_and_pharmacist(runtime: Runtime) -> tuple[int, CurrentOperator] | None:
    """The demo patient, unless he already has a vaccination here, and the titulaire who vaccinates."""
    with runtime.session_factory() as session:
        patient_id = session.scalar(select(m.Patient.id).where(m.Patient.last_name == PATIENT[0],
                                                                m.Patient.first_name == PATIENT[1]))
        account = session.scalars(select(m.Operator).where(m.Operator.code == PHARMACIST)).first()
        if patient_id is None or account is None:
            return None
        if session.scalar(select(Vaccination.id).where(Vaccination.patient_id == patient_id)) is not None:
            return None
        return patient_id, CurrentOperator(account.id, account.code, account.display_name, Role(account.role),
                                           "demo")
