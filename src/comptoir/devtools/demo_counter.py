"""The demo pharmacy's counter as a newcomer finds it: patients with a profile, a few months of validated
dispensations (so the band shows a history and the ordonnancier has its first entries), and one basket a
préparateur handed over, waiting on the pharmacist's screen with a contraindication to decide.

The situations are those of `../shared/examples/` (its README and the two counter cases):
- GASLY Henri (`counter_case_gasly.json`, 89 years old): clopidogrel 75 mg and ZYMAD 50 000 UI dispensed
  fifteen days before his prescription, SINTROM 4 mg five days before. His prescription (clopidogrel,
  amlodipine, irbesartan/hydrochlorothiazide, febuxostat) and the aspirin 1000 mg asked for as advice wait for
  a pharmacist: aspirin with the acenocoumarol of his history is a contraindication.
- DARK Jeanne Marie: the dispensing history shown in the pharmacy course (furosémide 40 mg, ELIQUIS 2,5 mg,
  FORXIGA 10 mg, bisoprolol 2,5 mg ×2, UVEDOSE 50 000 UI, valsartan 40 mg, atorvastatine 40 mg, acide folique
  5 mg), two months running. Left out: FRESUBIN (oral nutrition, not a medicine of the BDPM) and the
  cholécalciférol beside UVEDOSE (the same vitamin). The course gives no posology: the usual ones are used.

The examples give no weight, renal function or pregnancy (the counter cases: not pregnant, no allergy); the
demo adds, as illustrations, DARK's 52 kg and eGFR of 38 ml/min/1,73 m² three weeks ago — what ELIQUIS
2,5 mg twice a day stands for (RCP Eliquis §4.2: the reduced dose from two of age ≥ 80, weight ≤ 60 kg,
creatinine ≥ 133 µmol/l) — and a pregnancy of 24 SA for LOISEAU, the only woman of the examples of an age to
be pregnant (her amoxicillin allergy comes with her record, demo.py).

Everything goes through the counter's own use cases, the history backdated by their `now`. Running it twice
changes nothing: a profile already filled in is left as it is, and the demo prescriptions (the demo
prescriber's RPPS) a patient already has at the counter are not made again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from comptoir.domain.operators import Role
from comptoir.services.dispensing import basket as counter
from comptoir.services.dispensing.decisions import decide
from comptoir.services.dispensing.validate import validate
from comptoir.services.dispensing.views import Ambiguous, BasketView, DecisionInput, PaperLine, PrescriptionInput
from comptoir.services.identity.profile import patch_profile
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.counter import Basket
from comptoir.store.unit_of_work import SqlUnitOfWork

PRESCRIBER_RPPS, PRESCRIBER_NAME = "99900038441", "Dr Ademis TRAL"
"""The demo prescriber (the CNAM's fictitious test prescriber) signs the paper prescriptions."""
PHARMACIST, PREPARER = "PH01", "PR01"
PATIENTS = {"GASLY": "Henri", "DARK": "Jeanne Marie", "LOISEAU": "Marina Anne"}
"""The demo patients (demo.DEMO_PATIENTS) the counter story is about: last name -> first name."""
OVERRIDE = DecisionInput("override", "Traitement habituel, poursuivi en accord avec le prescripteur.")
"""The titulaire's decision on an alert of a past dispensation that needs one (none with the shipped reference; a
newer one may raise some)."""


@dataclass(frozen=True, slots=True)
class DemoProfile:
    patient: str
    weight_kg: str = ""
    egfr: str = ""
    egfr_days_ago: int = 0
    pregnancy_weeks: str = ""

    def typed(self, today: date) -> dict[str, str]:
        """The fields as typed in the band's form (only those the demo fills)."""
        fields = {"weight_kg": self.weight_kg, "egfr": self.egfr}
        if self.egfr:
            fields["egfr_on"] = (today - timedelta(days=self.egfr_days_ago)).isoformat()
        if self.pregnancy_weeks:
            fields |= {"pregnant": "on", "pregnancy_weeks": self.pregnancy_weeks}
        return {name: value for name, value in fields.items() if value}


@dataclass(frozen=True, slots=True)
class DemoPrescription:
    """A paper prescription brought to the counter `days_ago` days before the demo's first start, at `at` (UTC),
    or at the start itself."""

    patient: str
    lines: tuple[PaperLine, ...]
    days_ago: int = 0
    at: time = time(0, 0)
    advice: tuple[str, ...] = ()
    """Products asked for besides the prescription, typed at the counter."""
    handed_over: bool = False
    """Built by the préparateur and handed over to a pharmacist; otherwise validated by the titulaire."""

    def when(self, now: datetime) -> datetime:
        if not self.days_ago:
            return now
        return (now - timedelta(days=self.days_ago)).replace(hour=self.at.hour, minute=self.at.minute, second=0,
                                                              microsecond=0)


PROFILES = (
    DemoProfile("DARK", weight_kg="52", egfr="38", egfr_days_ago=21),
    DemoProfile("LOISEAU", pregnancy_weeks="24"),
)
_COURSE = (PaperLine("FUROSEMIDE 40 mg", "1 cp le matin", 30), PaperLine("ELIQUIS 2,5 mg", "1 cp matin et soir", 30),
           PaperLine("FORXIGA 10 mg", "1 cp par jour", 30), PaperLine("BISOPROLOL 2,5 mg", "1 cp matin et soir", 30),
           PaperLine("VALSARTAN 40 mg", "1 cp par jour", 30), PaperLine("ATORVASTATINE 40 mg", "1 cp le soir", 30),
           PaperLine("ACIDE FOLIQUE 5 mg", "1 cp par jour", 30))
_GASLY_TODAY = (
    PaperLine("CLOPIDOGREL 75 mg cp", "1 comprimé le matin, pendant 1 mois. Traitement à renouveler 3 fois.", 30),
    PaperLine("AMLODIPINE 5 mg gél", "1 gélule le matin, pendant 1 mois. Traitement à renouveler 3 fois.", 30),
    PaperLine("IRBESARTAN / HYDROCHLOROTHIAZIDE 300 mg / 12,5 mg cp", "1 comprimé le matin, pendant 1 mois.", 30),
    PaperLine("FEBUXOSTAT 80 mg cp", "1 comprimé le matin, pendant 1 mois.", 30))
PRESCRIPTIONS = (  # in the order they came to the counter: the ordonnancier's numbers follow the dates
    DemoPrescription("DARK", (*_COURSE, PaperLine("UVEDOSE 50 000 UI", "1 ampoule tous les 3 mois", 90)), 58,
                     time(9, 40)),
    DemoPrescription("DARK", _COURSE, 28, time(10, 15)),
    DemoPrescription("GASLY", (PaperLine("CLOPIDOGREL 75 mg", "1 comprimé le matin", 30),
                               PaperLine("ZYMAD 50 000 UI", "1 ampoule par mois", 30)), 15, time(10, 5)),
    DemoPrescription("GASLY", (PaperLine("SINTROM 4 mg", "selon INR", 30),), 5, time(16, 40)),
    DemoPrescription("GASLY", _GASLY_TODAY, advice=("ASPIRINE 1000 mg cp effervescent",), handed_over=True),
)


def load_demo_counter(runtime: Runtime) -> dict[str, int]:
    """Profiles filled, dispensations validated and baskets handed over by this run (all 0 the second time)."""
    found = _Found.read(runtime)
    desk = _Desk(runtime)
    profiles = [p for p in PROFILES if p.patient in found.unprofiled]
    for profile in profiles:
        desk.fill_profile(found.patients[profile.patient], profile)
    served = [p for p in _still_to_serve(found.served) if p.patient in found.patients]
    for prescription in served:
        desk.serve(found.patients[prescription.patient], prescription)
    return {"profils": len(profiles), "delivrances": sum(not p.handed_over for p in served),
            "en_attente": sum(p.handed_over for p in served)}


@dataclass(frozen=True, slots=True)
class _Found:
    """What the database already holds of the demo's counter."""

    patients: dict[str, int]
    unprofiled: set[str]
    served: Counter[str]
    """Demo prescriptions already at the counter, per patient."""

    @classmethod
    def read(cls, runtime: Runtime) -> _Found:
        with runtime.session_factory() as session:
            rows = session.scalars(select(m.Patient).where(m.Patient.last_name.in_(PATIENTS),
                                                           m.Patient.merged_into_id.is_(None))
                                   .order_by(m.Patient.id.desc()))
            records = {r.last_name: r for r in rows if r.first_name == PATIENTS[r.last_name]}
            names = {r.id: name for name, r in records.items()}
            counts = {patient_id: count for patient_id, count in session.execute(
                select(Basket.patient_id, func.count()).where(Basket.prescriber_rpps == PRESCRIBER_RPPS,
                                                              Basket.patient_id.in_(names))
                .group_by(Basket.patient_id))}
            return cls({name: r.id for name, r in records.items()},
                       {name for name, r in records.items() if r.weight_kg is None and r.egfr is None
                        and not r.pregnant},
                       Counter({name: counts.get(patient_id, 0) for patient_id, name in names.items()}))


def _still_to_serve(served: Mapping[str, int]) -> list[DemoPrescription]:
    """Each patient's demo prescriptions after those already at the counter."""
    seen: Counter[str] = Counter()
    todo = []
    for prescription in PRESCRIPTIONS:
        seen[prescription.patient] += 1
        if seen[prescription.patient] > served.get(prescription.patient, 0):
            todo.append(prescription)
    return todo


class _Desk:
    """The demo's operators at the counter, each step one use case in its own unit of work."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime, self.now = runtime, runtime.clock()
        self.reference = runtime.analysis_reference
        self._operators: dict[str, CurrentOperator] = {}

    def work(self) -> closing[SqlUnitOfWork]:
        return closing(self.runtime.unit_of_work())

    def operator(self, code: str) -> CurrentOperator:
        if code not in self._operators:
            with self.work() as uow, uow:
                row = uow.operators.by_code(code)
                if row is None:
                    raise LookupError(f"opérateur de démonstration {code} absent : lancez d'abord load_demo")
                self._operators[code] = CurrentOperator(row.id, row.code, row.display_name, Role(row.role),
                                                        self.runtime.settings.workstation)
        return self._operators[code]

    def fill_profile(self, patient_id: int, profile: DemoProfile) -> None:
        with self.work() as uow:
            patch_profile(patient_id, profile.typed(self.now.date()), uow=uow, operator=self.operator(PHARMACIST),
                          now=self.now)

    def serve(self, patient_id: int, prescription: DemoPrescription) -> None:
        when = prescription.when(self.now)
        view = self.fill(patient_id, prescription, self.operator(PREPARER if prescription.handed_over
                                                                 else PHARMACIST), when)
        if prescription.handed_over:
            with self.work() as uow:
                counter.hand_over(view.id, uow=uow, operator=self.operator(PREPARER), now=when,
                                  reference=self.reference)
        else:
            self.validate(view, when)

    def fill(self, patient_id: int, prescription: DemoPrescription, by: CurrentOperator,
             when: datetime) -> BasketView:
        """The basket of the paper prescription: its header, its lines as read and corrected, the advice."""
        with self.work() as uow:
            opened = counter.open_basket(patient_id, "ordonnance_papier", uow=uow, operator=by, now=when,
                                         reference=self.reference)
        header = PrescriptionInput(PRESCRIBER_RPPS, PRESCRIBER_NAME, when.date())
        with self.work() as uow:
            counter.set_prescription(opened.id, header, uow=uow, operator=by, now=when, reference=self.reference)
        with self.work() as uow:
            view = counter.add_paper_lines(opened.id, list(prescription.lines), None, None, uow=uow, operator=by,
                                           now=when, reference=self.reference)
        for text in prescription.advice:
            view = self.typed(view.id, text, by, when)
        return view

    def typed(self, basket_id: int, text: str, by: CurrentOperator, when: datetime) -> BasketView:
        """A name typed in the counter's box; among several products, the first proposed is chosen."""
        try:
            with self.work() as uow:
                return counter.scan_or_type(basket_id, text, uow=uow, operator=by, now=when, reference=self.reference)
        except Ambiguous as several:
            first = several.candidates[0]
            return self.typed(basket_id, first.cip13 or first.cis, by, when)

    def validate(self, view: BasketView, when: datetime) -> None:
        pharmacist = self.operator(PHARMACIST)
        for alert in view.alerts:
            if alert.needs_decision and alert.decision is None:
                with self.work() as uow:
                    view = decide(view.id, alert.key, OVERRIDE, uow=uow, operator=pharmacist, now=when,
                                  reference=self.reference)
        with self.work() as uow:
            validate(view.id, view.version, uow=uow, operator=pharmacist, now=when, reference=self.reference)
