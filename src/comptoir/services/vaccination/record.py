"""Recording a vaccination: the pack checked (a vaccine of the reference, not expired), the patient within the
rules for it, every question answered with no blocking answer, the consent given — then, in one unit of work, the
act recorded, audited and its note shared with the DMP. Any refusal raises `FieldErrors` (each message beside its
field) before anything is written.

A vaccine's DataMatrix carrying a serial is verified with the NMVS before the unit of work (an HTTP round trip,
services/nmvs/verification.py: the counter's refusals; the system down: accepted « en attente »), and its
decommission as supplied goes to the outbox with the act — which checks it again. The patient whose DP the
pharmacy knows open gets the vaccine in it, category « vaccin » (services/dp/feed.feed_vaccination)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

from comptoir.domain.operators import Permission
from comptoir.domain.vaccination.act import DOSES, SITES, Route
from comptoir.domain.vaccination.questionnaire import QUESTIONS, Assessment, assess
from comptoir.domain.vaccination.rules import Person, RiskGroup, vaccine_refusal
from comptoir.domain.vaccination.schedule import next_dose_due
from comptoir.domain.vaccination.vaccines import Vaccine
from comptoir.errors import FieldErrors, NotFound, RuleViolation
from comptoir.national.nmvs.port import MedicinesVerification
from comptoir.reading.gs1 import PackCode
from comptoir.services.dispensing.printing import local
from comptoir.services.dp.feed import feed_vaccination
from comptoir.services.identity.patients import actor_of
from comptoir.services.nmvs.messages import enqueue_vaccine_decommission
from comptoir.services.nmvs.verification import verify_at_scan
from comptoir.services.platform.audit_log import audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.vaccination.note import Audience, dmp_status, share_note, source_ref
from comptoir.services.vaccination.pack import read_cip13, read_expiry, read_lot, typed_pack, vaccine_of
from comptoir.store import models as m
from comptoir.store.vaccination import Vaccination

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

T = TypeVar("T")
YES, NO = "oui", "non"
_RPPS = re.compile(r"^\d{11}$")


@dataclass(frozen=True, slots=True)
class Recorded:
    id: int
    patient_id: int
    product_name: str
    lot: str
    given_at: datetime
    """In the pharmacy's time."""
    warnings: tuple[str, ...]
    next_due: date | None
    dmp_status: str
    """What became of the note for the DMP, in French."""


@dataclass(frozen=True, slots=True)
class CheckedAct:
    vaccine: Vaccine
    lot: str
    expiry: date
    answers: dict[str, bool]
    assessment: Assessment
    dose: str
    route: Route
    site: str
    audience: Audience
    prescriber_rpps: str
    prescriber_name: str


def question_field(code: str) -> str:
    return f"q_{code}"


def risk_field(risk: RiskGroup) -> str:
    return f"risk_{risk.value}"


def person_of(patient: m.Patient, form: Mapping[str, str]) -> Person:
    risks = frozenset(risk for risk in RiskGroup if form.get(risk_field(risk)) == "on")
    return Person(birth_date=patient.birth_date, risks=risks)


def record_vaccination(patient_id: int, form: Mapping[str, str], *, uow: UnitOfWork, operator: CurrentOperator,
                       now: datetime, nmvs: MedicinesVerification | None = None) -> Recorded:
    """The vaccination as typed on the form ({field: text}); `FieldErrors` when anything is refused. Without an
    NMVS client (the demo's seeding), a serialised pack is taken « en attente »: its decommission verifies it."""
    operator.require(Permission.PHARMACIST_ACT)
    pack = serialised_pack(form)
    if pack is not None and nmvs is not None:
        verified(pack, nmvs)
    with uow:
        patient = patient_record(uow, patient_id)
        act = checked_act(form, patient, uow=uow, today=local(now).date())
        row = _vaccination(act, patient, uow=uow, operator=operator, now=now)
        uow.vaccinations.add(row)
        audit(uow, actor_of(operator), action="write", object_type="vaccination", object_id=str(row.id),
              detail=f"patient {patient.id} : {act.vaccine.kind.label}, CIP13 {row.cip13}, lot {row.lot}", now=now)
        shared = share_note(uow, row, patient, audience=act.audience, operator=operator, now=now)
        if pack is not None:
            _decommission(uow, row, pack, patient, now)
        feed_vaccination(uow, patient, row.id, row.cip13, row.product_name, now=now)
        uow.commit()
        return Recorded(row.id, patient.id, row.product_name, row.lot, local(row.given_at), tuple(row.warnings),
                        row.next_due, dmp_status(shared))


def serialised_pack(form: Mapping[str, str]) -> PackCode | None:
    """The pack as scanned when its DataMatrix gave a serial; None when typed (or unreadable: said by checked_act)."""
    try:
        typed = typed_pack(form)
    except RuleViolation:
        return None
    if not (typed.serial and typed.cip13):
        return None
    return PackCode("0" + typed.cip13, typed.cip13, typed.serial, typed.lot or None, typed.expiry or None)


def verified(pack: PackCode, nmvs: MedicinesVerification) -> None:
    """The system's refusal said beside the scan box (the counter's French messages), nothing written."""
    try:
        verify_at_scan(pack, nmvs)
    except FieldErrors as refused:
        raise FieldErrors({"code": " ".join(refused.errors.values())}) from refused


def _decommission(uow: UnitOfWork, row: Vaccination, pack: PackCode, patient: m.Patient, now: datetime) -> None:
    enqueue_vaccine_decommission(uow, row.id, {"cip13": pack.cip13, "serial": pack.serial, "lot": pack.lot,
                                               "expiry": pack.expiry}, now=now,
                                 label=f"NMVS — {row.product_name} n° de série {pack.serial} — {patient.last_name} "
                                       f"{patient.first_name} — désactivation (vaccin injecté)")


def patient_record(uow: UnitOfWork, patient_id: int) -> m.Patient:
    patient = uow.patients.by_id(patient_id)
    if patient is None:
        raise NotFound(f"Aucun patient n° {patient_id}.")
    if patient.merged_into_id:
        raise RuleViolation(f"Dossier fusionné : vaccinez dans le dossier n° {patient.merged_into_id}.")
    return patient


def _vaccination(act: CheckedAct, patient: m.Patient, *, uow: UnitOfWork, operator: CurrentOperator,
                 now: datetime) -> Vaccination:
    given_on = local(now).date()
    return Vaccination(
        patient_id=patient.id, given_at=now, cip13=act.vaccine.cip13, product_name=act.vaccine.name,
        cis=act.vaccine.cis, atc=act.vaccine.atc,
        kind=act.vaccine.kind.value, lot=act.lot, expiry=act.expiry, dose=act.dose, route=act.route.value,
        site=act.site, operator_id=operator.id, operator_code=operator.code, pharmacist_name=operator.display_name,
        pharmacist_rpps=uow.eprescriptions.rpps_of(operator.id) or "", answers=act.answers,
        warnings=list(act.assessment.warnings.values()), consent=True, prescriber_rpps=act.prescriber_rpps,
        prescriber_name=act.prescriber_name,
        next_due=next_dose_due(act.vaccine.kind, dose=act.dose, birth_date=patient.birth_date, given_on=given_on))


def checked_act(form: Mapping[str, str], patient: m.Patient, *, uow: UnitOfWork, today: date) -> CheckedAct:
    """Every field read and every rule checked; all the refusals at once."""
    errors: dict[str, str] = {}
    vaccine, lot, expiry = _pack(form, errors, uow=uow, today=today)
    if vaccine is not None and (refusal := vaccine_refusal(vaccine, person_of(patient, form), today)):
        errors["cip13"] = refusal
    answers = _answers(form, errors)
    assessment = assess(answers, vaccine) if vaccine is not None else Assessment({}, {})
    errors |= {question_field(code): message for code, message in assessment.blocking.items()}
    if form.get("consent") != "on":
        errors["consent"] = "Le consentement du patient est obligatoire : recueillez-le avant de vacciner."
    how = _how(form, errors)
    if how is not None and vaccine is not None and (refusal := route_refusal(vaccine, how[1])):
        errors["route"] = refusal
    if errors or vaccine is None or lot is None or expiry is None or how is None:
        raise FieldErrors(errors or {"cip13": "Vaccin à scanner."})
    dose, route, site, audience, prescriber_rpps = how
    return CheckedAct(vaccine, lot, expiry, answers, assessment, dose, route, site, audience, prescriber_rpps,
                      form.get("prescriber_name", "").strip()[:120])


def route_refusal(vaccine: Vaccine, route: Route) -> str:
    """The subcutaneous route only where the vaccine's marketing authorisation lists it (BDPM routes)."""
    if route is Route.SUBCUTANEOUS and not vaccine.subcutaneous_allowed:
        return "Voie sous-cutanée non prévue pour ce vaccin (RCP) : intramusculaire, aiguille fine et compression."
    return ""


def _pack(form: Mapping[str, str], errors: dict[str, str], *, uow: UnitOfWork,
          today: date) -> tuple[Vaccine | None, str | None, date | None]:
    try:
        typed = typed_pack(form)
    except RuleViolation as refused:
        errors["code"] = str(refused)
        return None, None, None
    cip13 = _field(errors, "cip13", lambda: read_cip13(typed.cip13))
    vaccine = _field(errors, "cip13", lambda: vaccine_of(cip13, uow=uow)) if cip13 else None
    lot = _field(errors, "lot", lambda: read_lot(typed.lot))
    expiry = _field(errors, "expiry", lambda: read_expiry(typed.expiry, today=today))
    return vaccine, lot, expiry


def _field(errors: dict[str, str], name: str, read: Callable[[], T]) -> T | None:
    try:
        return read()
    except RuleViolation as refused:
        errors[name] = str(refused)
        return None


def _answers(form: Mapping[str, str], errors: dict[str, str]) -> dict[str, bool]:
    answers = {}
    for question in QUESTIONS:
        answer = form.get(question_field(question.code), "")
        if answer not in (YES, NO):
            errors[question_field(question.code)] = "Répondez par oui ou par non."
        answers[question.code] = answer == YES
    return answers


def _how(form: Mapping[str, str], errors: dict[str, str]) -> tuple[str, Route, str, Audience, str] | None:
    dose, route, site = form.get("dose", ""), form.get("route", ""), form.get("site", "")
    audience, rpps = form.get("audience", Audience.EVERYONE.value), form.get("prescriber_rpps", "").strip()
    checks = {"dose": (dose in DOSES, "Rang de dose à choisir dans la liste."),
              "route": (route in tuple(Route), "Voie à choisir : intramusculaire ou sous-cutanée."),
              "site": (site in SITES, "Site d'injection à choisir dans la liste."),
              "audience": (audience in tuple(Audience), "Visibilité de la note à choisir dans la liste."),
              "prescriber_rpps": (not rpps or bool(_RPPS.match(rpps)), "N° RPPS du prescripteur : 11 chiffres.")}
    refused = {name: message for name, (ok, message) in checks.items() if not ok}
    errors |= refused
    return None if refused else (dose, Route(route), site, Audience(audience), rpps)


def recorded_vaccination(vaccination_id: int, *, uow: UnitOfWork, operator: CurrentOperator,
                         now: datetime) -> Recorded:
    """A vaccination as the confirmation shows it, with where its DMP note stands now (audited)."""
    operator.require(Permission.PHARMACIST_ACT)
    with uow:
        row = uow.vaccinations.get(vaccination_id)
        if row is None:
            raise NotFound(f"Aucune vaccination n° {vaccination_id}.")
        notes = uow.sharing.of_source(source_ref(row.id))
        audit(uow, actor_of(operator), action="read", object_type="vaccination", object_id=str(row.id),
              detail=f"confirmation de la vaccination du patient {row.patient_id}", now=now)
        uow.commit()
        return Recorded(row.id, row.patient_id, row.product_name, row.lot, local(row.given_at), tuple(row.warnings),
                        row.next_due, dmp_status(notes[-1]) if notes else "Aucune note pour le DMP")
