"""Use cases of a patient's DP at the pharmacy: consult it when the counter opens the patient (short timeout,
audited, the other pharmacies' lines kept for the analysis), open one with the patient's consent, record the
patient's refusals (of this consultation, of one dispensation's feeding), close it. Every write to the DP goes
through the outbox (services/dp/messages.py); the record (store/dp.py) keeps what the DP last said.

The beneficiary is named as the carte Vitale names him: [U] the patient's own NIR (his matricule INS when it is a
NIR, not a NIA) and birth date; a patient without one has no DP the pharmacy can reach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from comptoir.domain.identity.ins import InsOid
from comptoir.domain.operators import Permission
from comptoir.errors import Conflict, ExternalServiceError, FieldErrors, NotFound, RuleViolation
from comptoir.national.dp.port import (
    DEFAULT_WINDOW_MONTHS,
    MAX_WINDOW_MONTHS,
    Beneficiary,
    Consultation,
    DossierPharmaceutique,
    DpLine,
)
from comptoir.services.dp import messages
from comptoir.services.eprescription.scan import pharmacy_of
from comptoir.services.identity.patients import actor_of
from comptoir.services.platform.audit_log import audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.dp import DpRecord

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

FEEDING = ("ouvert", "a_ouvrir")
"""The statuses under which a validated dispensation feeds the DP."""
UNAVAILABLE = "DP indisponible"
STATUS_LABELS = {"ouvert": "DP ouvert", "a_ouvrir": "Ouverture du DP demandée (en cours d'envoi)",
                 "ferme": "DP fermé", "absent": "Pas de DP", "inconnu": "DP non consulté"}
CATEGORY_LABELS = {"ordinaire": "", "vaccin": "vaccin", "biologique": "biologique"}
REFUSABLE_DAYS = 30
"""How far back the patient page offers to withdraw a dispensation from the DP (the patient's refusal)."""


@dataclass(frozen=True, slots=True)
class PanelLine:
    dispensed_on: date
    label: str
    cip13: str
    quantity: int
    category: str
    pharmacy_name: str
    ours: bool

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)


@dataclass(frozen=True, slots=True)
class DpPanel:
    """What the counter and the patient page show of the DP."""

    patient_id: int
    status: str
    lines: tuple[PanelLine, ...] = ()
    months: int = DEFAULT_WINDOW_MONTHS
    problem: str = ""
    """« DP indisponible », or the DP's refusal, in French."""
    reachable: bool = True
    """False without a NIR: the DP cannot be named."""
    refused_today: bool = False

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def others(self) -> tuple[PanelLine, ...]:
        return tuple(line for line in self.lines if not line.ours)

    @property
    def can_open(self) -> bool:
        return self.reachable and not self.problem and self.status in ("absent", "ferme")


@dataclass(frozen=True, slots=True)
class Refusable:
    dispensation_id: int
    dispensed_at: datetime


def beneficiary_of(patient: m.Patient | None) -> Beneficiary | None:
    if patient is None or not patient.nir or len(patient.nir) < 13 or patient.nir_oid == InsOid.NIA.value:
        return None
    return Beneficiary(patient.nir, patient.birth_date)


def _patient(uow: UnitOfWork, patient_id: int) -> m.Patient:
    patient = uow.patients.by_id(patient_id)
    if patient is None:
        raise NotFound(f"Aucun patient n° {patient_id}.")
    return patient


def _months(months: int) -> int:
    if not 1 <= months <= MAX_WINDOW_MONTHS:
        raise FieldErrors({"mois": f"Fenêtre d'affichage de 1 à {MAX_WINDOW_MONTHS} mois."})
    return months


def consult(patient_id: int, *, uow: UnitOfWork, operator: CurrentOperator, dp: DossierPharmaceutique, now: datetime,
            months: int = DEFAULT_WINDOW_MONTHS) -> DpPanel:
    """The DP of the patient, asked with no transaction open (a slow DP holds no lock); a DP that is down gives
    « DP indisponible » and the record as it was. Every consultation is audited, answered or not."""
    operator.require(Permission.READ_PATIENTS)
    months = _months(months)
    with uow:
        patient = _patient(uow, patient_id)
        beneficiary, finess = beneficiary_of(patient), pharmacy_of(uow).finess
        record = uow.dp.get(patient_id)
        status = record.status if record else "inconnu"
        refused = record is not None and record.consultation_refused_on == now.date()
    if beneficiary is None:
        return DpPanel(patient_id, status, reachable=False, months=months)
    if refused:
        return DpPanel(patient_id, status, refused_today=True, months=months)
    answer, problem = _ask(dp, beneficiary, months)
    with uow:
        panel = _remember(uow, patient_id, answer, problem, finess, months, now)
        audit(uow, actor_of(operator), action="read", object_type="dp", object_id=str(patient_id),
              detail=f"consultation du DP ({months} mois) : " + (problem or f"{len(panel.lines)} ligne(s)"), now=now)
        uow.commit()
    return panel


def _ask(dp: DossierPharmaceutique, beneficiary: Beneficiary, months: int) -> tuple[Consultation | None, str]:
    try:
        return dp.consult(beneficiary, months=months), ""
    except ExternalServiceError as exc:
        return None, str(exc) if exc.permanent else UNAVAILABLE


def _remember(uow: UnitOfWork, patient_id: int, answer: Consultation | None, problem: str, finess: str, months: int,
              now: datetime) -> DpPanel:
    record = uow.dp.get_or_add(patient_id)
    if answer is None:
        return DpPanel(patient_id, record.status, months=months, problem=problem)
    lines = tuple(_panel_line(line, finess) for line in answer.lines)
    if not (record.status == "a_ouvrir" and answer.status.value == "absent"):  # the opening is still on its way
        record.status = answer.status.value
    record.consulted_at, record.window_months = now, months
    record.lines = [_kept(line) for line in lines if not line.ours]
    return DpPanel(patient_id, record.status, lines, months)


def _panel_line(line: DpLine, finess: str) -> PanelLine:
    return PanelLine(line.dispensed_on, line.label, line.cip13, line.quantity, line.category.value, line.pharmacy_name,
                     ours=line.pharmacy_finess == finess)


def _kept(line: PanelLine) -> dict[str, object]:
    return {"date": line.dispensed_on.isoformat(), "label": line.label, "cip13": line.cip13,
            "quantity": line.quantity, "category": line.category, "pharmacy": line.pharmacy_name}


def kept_panel(patient_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> DpPanel:
    """The panel from what the pharmacy kept (no call to the DP): after an act, before the next consultation."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        patient = _patient(uow, patient_id)
        record = uow.dp.get(patient_id)
        if record is None:
            return DpPanel(patient_id, "inconnu", reachable=beneficiary_of(patient) is not None)
        lines = tuple(PanelLine(date.fromisoformat(str(x["date"])), str(x["label"]), str(x["cip13"]),
                                int(x["quantity"]), str(x["category"]), str(x["pharmacy"]), False)
                      for x in record.lines)
        return DpPanel(patient_id, record.status, lines, record.window_months,
                       reachable=beneficiary_of(patient) is not None,
                       refused_today=record.consultation_refused_on == now.date())


# --- the patient's acts -------------------------------------------------------------------------------------


def open_dp(patient_id: int, *, card_read: bool, consent: bool, uow: UnitOfWork, operator: CurrentOperator,
            now: datetime) -> DpPanel:
    """« Ouvrir le DP »: the card read and the patient's consent ticked, the opening goes to the outbox.

    Opening, the patient's refusals and the closure are acts on his health record kept by the pharmacist (CSP
    L.1111-23, R.1111-20-2: the DP is created, fed and consulted by the pharmacists): PHARMACIST_ACT. A préparateur
    and a student hold the same write-patient permission (domain/operators.py), so it cannot let the first open a DP
    without the second: both hand the patient's request to a pharmacist."""
    operator.require(Permission.PHARMACIST_ACT)
    errors = {**({"carte_vitale": "Lisez la carte Vitale du patient (carte présente) pour ouvrir son DP."}
                 if not card_read else {}),
              **({"consentement": "Cochez le consentement du patient à l'ouverture de son DP."} if not consent else {})}
    if errors:
        raise FieldErrors(errors)
    with uow:
        record, beneficiary = _reachable(uow, patient_id)
        if record.status in FEEDING:
            raise Conflict("Ce patient a déjà un DP ouvert.")
        key = f"dp-ouverture-{patient_id}-{now:%Y%m%d%H%M%S%f}"
        messages.enqueue_about_dossier(uow, messages.OPENING, beneficiary, key=key, now=now,
                                       label=_label(uow, patient_id, "ouverture du DP"),
                                       extra={"card_read": True, "consent": True})
        record.status, record.opening_key, record.lines = "a_ouvrir", key, []
        _audit_act(uow, operator, patient_id, "ouverture du DP (carte lue, consentement)", now)
        uow.commit()
        return DpPanel(patient_id, record.status)


def refuse_consultation(patient_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> DpPanel:
    """The patient refuses that his DP be consulted today: the lines kept are forgotten, the DP told."""
    operator.require(Permission.PHARMACIST_ACT)
    with uow:
        record, beneficiary = _reachable(uow, patient_id)
        key = f"dp-refus-consultation-{patient_id}-{now:%Y%m%d}"
        if record.status == "ouvert" and not uow.dp.message_exists(key):
            messages.enqueue_about_dossier(uow, messages.CONSULTATION_REFUSAL, beneficiary, key=key, now=now,
                                           label=_label(uow, patient_id, "refus de consultation du DP"))
        record.consultation_refused_on, record.lines, record.consulted_at = now.date(), [], None
        _audit_act(uow, operator, patient_id, "refus de consultation du DP par le patient", now)
        uow.commit()
        return DpPanel(patient_id, record.status, refused_today=True)


def refuse_feeding(patient_id: int, dispensation_id: int, *, uow: UnitOfWork, operator: CurrentOperator,
                   now: datetime) -> DpPanel:
    """The patient refuses that one dispensation feed his DP: its lines are withdrawn (after they were sent)."""
    operator.require(Permission.PHARMACIST_ACT)
    with uow:
        record, beneficiary = _reachable(uow, patient_id)
        row = uow.dispensations.by_id(dispensation_id)
        if row is None or row.patient_id != patient_id:
            raise FieldErrors({"delivrance": f"Aucune délivrance n° {dispensation_id} pour ce patient."})
        key = messages.dispensation_key(row)
        if not uow.dp.message_exists(messages.feed_key(key)):
            raise FieldErrors({"delivrance": "Cette délivrance n'a pas alimenté le DP."})
        if uow.dp.message_exists(f"{messages.feed_key(key)}-refus"):
            raise FieldErrors({"delivrance": "Le refus du patient pour cette délivrance est déjà enregistré."})
        messages.enqueue_about_dispensation(uow, messages.FEEDING_REFUSAL, beneficiary, key, now=now,
                                            label=_label(uow, patient_id, f"refus d'alimentation (n° {row.id})"))
        _audit_act(uow, operator, patient_id, f"refus d'alimentation du DP (délivrance n° {row.id})", now)
        uow.commit()
        return DpPanel(patient_id, record.status)


def close_dp(patient_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> DpPanel:
    """The patient closes his DP (SPEC §6: at any time, in any pharmacy; its data erased)."""
    operator.require(Permission.PHARMACIST_ACT)
    with uow:
        record, beneficiary = _reachable(uow, patient_id)
        if record.status not in FEEDING:
            raise Conflict("Ce patient n'a pas de DP ouvert à fermer.")
        key = f"dp-fermeture-{patient_id}-{now:%Y%m%d%H%M%S%f}"
        messages.enqueue_about_dossier(uow, messages.CLOSURE, beneficiary, key=key, now=now,
                                       label=_label(uow, patient_id, "fermeture du DP"))
        record.status, record.lines, record.consulted_at, record.opening_key = "ferme", [], None, None
        _audit_act(uow, operator, patient_id, "fermeture du DP à la demande du patient", now)
        uow.commit()
        return DpPanel(patient_id, record.status)


def refusable(patient_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> list[Refusable]:
    """This pharmacy's recent dispensations that fed the patient's DP (the patient may refuse each)."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        rows = uow.dp.recent_dispensations(patient_id, since=now - timedelta(days=REFUSABLE_DAYS))
        return [Refusable(row.id, row.dispensed_at) for row in rows
                if uow.dp.message_exists(messages.feed_key(messages.dispensation_key(row)))
                and not uow.dp.message_exists(f"{messages.feed_key(messages.dispensation_key(row))}-refus")]


def _reachable(uow: UnitOfWork, patient_id: int) -> tuple[DpRecord, Beneficiary]:
    beneficiary = beneficiary_of(_patient(uow, patient_id))
    if beneficiary is None:
        raise RuleViolation("Ce patient n'a pas de NIR enregistré : lisez sa carte Vitale pour joindre son DP.")
    return uow.dp.get_or_add(patient_id), beneficiary


def _audit_act(uow: UnitOfWork, operator: CurrentOperator, patient_id: int, what: str, now: datetime) -> None:
    audit(uow, actor_of(operator), action="write", object_type="dp", object_id=str(patient_id), detail=what, now=now)


def _label(uow: UnitOfWork, patient_id: int, what: str) -> str:
    patient = _patient(uow, patient_id)
    return f"DP — {patient.last_name} {patient.first_name} — {what}"


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC datetimes, PostgreSQL aware ones."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

