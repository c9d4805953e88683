"""A pharmacy on a real database for secure supply: an anti-TNF over 300 € (HUMIRA), a tramadol (TOPALGIC) and an
ordinary product, the titulaire and GENE at the counter, the ASAFO list copied from a service the test holds."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from comptoir.national.asafo.port import Alert, AlertProduct, Declaration, DeclarationStatus, FeedQuery
from comptoir.national.asafo.seeds import DEMO_PRESCRIBER_NAME, DEMO_PRESCRIBER_RPPS
from comptoir.services.asafo import feed
from comptoir.services.dispensing import basket as counter
from comptoir.services.dispensing.decisions import decide
from comptoir.services.dispensing.validate import validate
from comptoir.services.dispensing.views import AlertView, BasketView, DecisionInput, PrescriptionInput, Validated
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from tests.integration.eprescription.onsite import pharmacy_with_prescription

HUMIRA_CIS, HUMIRA = "64783769", "3400930042687"
TOPALGIC_CIS, TOPALGIC = "63435884", "3400930002278"
AMLODIPINE_CIS, AMLODIPINE = "61234560", "3400930000028"
KNOWN_RPPS = "10000001916"
UNKNOWN_RPPS = "10011345690"
FORGED_NIR = "184127511800262"


@dataclass
class FakeAsafo:
    """ASAFO as the test wants it: its alerts, its declarations' outcomes, down or not."""

    alerts_held: list[Alert] = field(default_factory=list)
    statuses: list[DeclarationStatus] = field(default_factory=list)
    down: bool = False

    def alerts(self, query: FeedQuery) -> list[Alert]:
        self._answer()
        return [a for a in self.alerts_held if query.since is None or a.created_at > query.since]

    def declare(self, declaration: Declaration) -> DeclarationStatus:
        self._answer()
        raise NotImplementedError

    def declarations(self) -> list[DeclarationStatus]:
        self._answer()
        return self.statuses

    def _answer(self) -> None:
        from comptoir.errors import ExternalServiceError

        if self.down:
            raise ExternalServiceError("Le service ASAFO est indisponible (HTTP 503).", permanent=False)


def forged(alert_id: str = "ASAFO-2026-0042", *, rpps: str | None = DEMO_PRESCRIBER_RPPS, nir: str | None = FORGED_NIR,
           products: tuple[AlertProduct, ...] = (AlertProduct("HUMIRA 40 mg", HUMIRA, ("adalimumab",)),
                                                 AlertProduct("TOPALGIC 50 mg", TOPALGIC, ("tramadol",))),
           created_at: datetime = datetime(2026, 2, 10, 14, 0, tzinfo=UTC)) -> Alert:
    return Alert(alert_id=alert_id, anomaly="falsifiee", review_ended_on=date(2026, 2, 9), prescribed_on=None,
                 prescriber_rpps=rpps, prescriber_structure=None, prescriber_name=DEMO_PRESCRIBER_NAME,
                 patient_nir=nir, patient_name="GARNIER Thomas", drug_class="Anti-TNF, antalgiques",
                 products=products, region="Île-de-France", created_at=created_at)


@dataclass(frozen=True, slots=True)
class Pharmacy:
    runtime: Runtime
    pharmacist: CurrentOperator
    patient_id: int

    def tools(self) -> dict[str, object]:
        return {"operator": self.pharmacist, "now": self.runtime.clock(),
                "reference": self.runtime.analysis_reference}

    def basket(self, *, rpps: str | None = UNKNOWN_RPPS, codes: tuple[str, ...] = (TOPALGIC,),
               patient_id: int | None = None) -> BasketView:
        with closing(self.runtime.unit_of_work()) as uow:
            view = counter.open_basket(patient_id or self.patient_id, "ordonnance_papier", uow=uow, **self.tools())  # type: ignore[arg-type]
        with closing(self.runtime.unit_of_work()) as uow:
            view = counter.set_prescription(view.id, PrescriptionInput(rpps, "Dr PRESCRIPTEUR", date(2026, 2, 18)),
                                            uow=uow, **self.tools())  # type: ignore[arg-type]
        for code in codes:
            with closing(self.runtime.unit_of_work()) as uow:
                view = counter.scan_or_type(view.id, code, uow=uow, **self.tools())  # type: ignore[arg-type]
        return view

    def refresh(self, service: FakeAsafo) -> feed.Refreshed:
        return feed.refresh(self.runtime.unit_of_work, service, now=self.runtime.clock())

    def decide(self, view: BasketView, alert: AlertView, reason: str = "Prescripteur joint, ordonnance authentique") \
            -> BasketView:
        with closing(self.runtime.unit_of_work()) as uow:
            return decide(view.id, alert.key, DecisionInput("override", reason), uow=uow, **self.tools())  # type: ignore[arg-type]

    def validate(self, view: BasketView) -> Validated:
        with closing(self.runtime.unit_of_work()) as uow:
            current = counter.basket(view.id, uow=uow, **self.tools())  # type: ignore[arg-type]
        with closing(self.runtime.unit_of_work()) as uow:
            return validate(view.id, current.version, uow=uow, **self.tools())  # type: ignore[arg-type]

    def view(self, view: BasketView) -> BasketView:
        with closing(self.runtime.unit_of_work()) as uow:
            return counter.basket(view.id, uow=uow, **self.tools())  # type: ignore[arg-type]


def fraud(view: BasketView) -> list[AlertView]:
    return [a for a in view.alerts if a.kind == "fraud"]


def asafo_hits(view: BasketView) -> list[AlertView]:
    return [a for a in view.alerts if "ASAFO" in a.message and a.needs_decision]


def _product(session: object, cis: str, cip13: str, name: str, label: str, price: str, substance: tuple[str, str],
             listing: str | None = None) -> None:
    add = session.add  # type: ignore[attr-defined]
    add(m.Specialty(cis=cis, name=name, marketing_status="Commercialisée", routes="sous-cutanée"))
    add(m.Presentation(cip13=cip13, cip7=cip13[5:12], cis=cis, label=label, status="Présentation active",
                       marketing_state="Déclaration de commercialisation", collectivities="oui",
                       reimbursement_rate="65%", price_eur=Decimal(price)))
    add(m.Substance(code=substance[0], name=substance[1]))
    add(m.Composition(cis=cis, element="", substance_code=substance[0], substance_name=substance[1], dosage="",
                      dosage_reference="", nature="SA"))


def stocked(runtime: Runtime) -> None:
    with runtime.session_factory.begin() as session:
        _product(session, HUMIRA_CIS, HUMIRA, "HUMIRA 40 mg, solution injectable en stylo prérempli (0,4 ml)",
                 "2 stylos préremplis de 0,4 ml", "380.27", ("80114", "ADALIMUMAB"))
        _product(session, TOPALGIC_CIS, TOPALGIC, "TOPALGIC 50 mg, gélule", "30 plaquette(s) de 1 gélule(s)", "3.42",
                 ("86571", "CHLORHYDRATE DE TRAMADOL"))
        _product(session, AMLODIPINE_CIS, AMLODIPINE, "AMLODIPINE TEST 5 mg, gélule",
                 "plaquette(s) de 30 gélule(s)", "3.20", ("19041", "AMLODIPINE"))


def pharmacy(runtime: Runtime) -> Pharmacy:
    pharmacist, patient_id, _ = pharmacy_with_prescription(runtime)
    stocked(runtime)
    return Pharmacy(runtime, pharmacist, patient_id)


def new_patient(runtime: Runtime, *, nir: str | None = None, last_name: str = "NOUVEAU") -> int:
    with runtime.session_factory.begin() as session:
        patient = m.Patient(last_name=last_name, first_name="Client", birth_date=date(1984, 12, 1), sex="M", nir=nir,
                            allergies=[], created_at=runtime.clock())
        session.add(patient)
        session.flush()
        return patient.id

