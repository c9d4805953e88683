"""Use cases of the prescriber module: compose an ON from the reference, record it in the base, keep it
for the dashboard, show the deliveries the patient agreed to share (SPEC §4, §15.2).

The QR code exists only when the base recorded the prescription; when the base fails, the prescription
is kept without id and printed without QR, with a notice (SPEC §15.2). The ON service performs no
clinical check: the analysis belongs to the prescriber's software and to the pharmacist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from comptoir.analysis.reference import AnalysisReference
from comptoir.domain.eprescription import prescription as rx
from comptoir.domain.identity.status import IdentityStatus
from comptoir.domain.operators import Permission
from comptoir.errors import ExternalServiceError, NotFound, RuleViolation
from comptoir.national.eprescription.port import EPrescriptionBase, PrescriberView, Summary
from comptoir.reading.prescription_qr import qr_payload
from comptoir.services.eprescription.lines import resolve_line
from comptoir.services.platform.audit_log import Actor, record_access
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.eprescription import IssuedPrescription, PatientConsent, PrescriberProfile

CONSENT = "on_consultation_prescripteur"


@dataclass(frozen=True, slots=True)
class LineInput:
    text: str
    posology: str
    duration_days: int | None = None
    renewals: int = 0
    kind: rx.LineKind = rx.LineKind.MEDICINE
    substitutable: bool = True
    reason: str | None = None
    ald: bool = False
    outside_on: bool = False
    """A product outside the ON (parapharmacie): printed apart, not sent to the base."""


@dataclass(frozen=True, slots=True)
class PrescriptionForm:
    patient_id: int
    lines: tuple[LineInput, ...]
    consent: bool | None = None
    """None: the consent already recorded in the patient's file."""
    comment: str = ""


def actor(operator: CurrentOperator) -> Actor:
    return Actor(operator.code, operator.workstation)


def profile_of(session: Session, operator: CurrentOperator) -> PrescriberProfile:
    operator.require(Permission.PRESCRIBE)
    profile = session.get(PrescriberProfile, operator.code)
    if profile is None:
        raise NotFound(f"Aucun profil prescripteur (RPPS, N° AM) pour l'opérateur {operator.code}.")
    return profile


def consent_of(session: Session, patient_id: int) -> bool | None:
    row = session.scalar(select(PatientConsent).where(PatientConsent.patient_id == patient_id,
                                                      PatientConsent.kind == CONSENT))
    return row.granted if row else None


def record_consent(session: Session, operator: CurrentOperator, patient_id: int, granted: bool, *,
                   now: datetime) -> None:
    """Recorded once in the patient's file, changed only when the patient says otherwise (SPEC §15.2)."""
    row = session.scalar(select(PatientConsent).where(PatientConsent.patient_id == patient_id,
                                                      PatientConsent.kind == CONSENT))
    if row is not None and row.granted == granted:
        return
    if row is None:
        session.add(PatientConsent(patient_id=patient_id, kind=CONSENT, granted=granted, at=now,
                                   operator_code=operator.code))
    else:
        row.granted, row.at, row.operator_code = granted, now, operator.code
    record_access(session, actor(operator), action="write", object_type="consent", object_id=str(patient_id),
                  detail=f"{CONSENT}={'oui' if granted else 'non'}", now=now)


def patient_traits(patient: m.Patient) -> rx.PatientTraits:
    """The INS traits when the identity is qualified, else the names used at the desk (SPEC §4.3)."""
    if patient.identity_status == IdentityStatus.QUALIFIED.value and patient.nir:
        first = (patient.birth_given_names or patient.first_name).split(" ")[0]
        return rx.PatientTraits(patient.birth_name or patient.last_name, first.capitalize(), patient.birth_date,
                                patient.sex, patient.nir, patient.nir_oid)
    return rx.PatientTraits(patient.last_name, patient.first_name, patient.birth_date, patient.sex)


def compose(session: Session, reference: AnalysisReference,
            inputs: tuple[LineInput, ...]) -> tuple[tuple[rx.PrescribedLine, ...], list[dict[str, object]], bool]:
    """The ON lines, the products printed apart, and whether the ordonnance must be "sécurisée"."""
    lines: list[rx.PrescribedLine] = []
    outside: list[dict[str, object]] = []
    secure = False
    for given in (i for i in inputs if i.text.strip()):
        if given.outside_on:
            outside.append({"text": given.text.strip(), "posology": given.posology.strip()})
            continue
        found = resolve_line(session, reference, given.text, given.posology, given.duration_days)
        secure = secure or found.secure
        lines.append(rx.PrescribedLine(
            number=len(lines) + 1, kind=given.kind, text=found.product.name if found.product else given.text.strip(),
            posology=given.posology.strip() or "Selon avis médical", quantity=found.boxes, renewals=given.renewals,
            duration_days=found.duration_days, cis=found.product.cis if found.product else None,
            cip13=found.pack.cip13 if found.pack else None, substitutable=given.substitutable,
            non_substitution_reason=None if given.substitutable else given.reason, ald=given.ald))
    return tuple(lines), outside, secure


def create_prescription(session: Session, operator: CurrentOperator, form: PrescriptionForm, *,
                        base: EPrescriptionBase, reference: AnalysisReference, now: datetime) -> IssuedPrescription:
    profile = profile_of(session, operator)
    patient = session.get(m.Patient, form.patient_id)
    if patient is None:
        raise NotFound(f"Aucun patient n° {form.patient_id}.")
    if form.consent is not None:
        record_consent(session, operator, patient.id, form.consent, now=now)
    consent = consent_of(session, patient.id)
    if consent is None:
        raise RuleViolation("Consentement du patient obligatoire : le prescripteur peut-il voir les délivrances ?")
    lines, outside, secure = compose(session, reference, form.lines)
    if not lines:
        raise RuleViolation("Aucune ligne à enregistrer dans l'ordonnance numérique.")
    draft = rx.Draft(prescriber_of(profile), patient_traits(patient), now.date(), lines, consent, secure,
                     form.comment)
    issued = _record(session, draft, base, operator, patient.id, outside, now)
    record_access(session, actor(operator), action="write", object_type="eprescription",
                  object_id=issued.prescription_id or f"local-{issued.id}",
                  detail=f"patient={patient.id} lignes={len(lines)} base={'oui' if issued.recorded else 'non'}",
                  now=now)
    return issued


def prescriber_of(profile: PrescriberProfile) -> rx.Prescriber:
    return rx.Prescriber(profile.rpps, profile.am, profile.last_name, profile.first_name, profile.specialty)


def _record(session: Session, draft: rx.Draft, base: EPrescriptionBase, operator: CurrentOperator, patient_id: int,
            outside: list[dict[str, object]], now: datetime) -> IssuedPrescription:
    prescription_id, until, failure = None, None, ""
    try:
        created = base.create(draft)
        prescription_id, until = created.prescription_id, created.valid_until
    except ExternalServiceError as exc:
        failure = str(exc)
    p = draft.patient
    issued = IssuedPrescription(
        prescription_id=prescription_id, created_at=now, operator_code=operator.code, patient_id=patient_id,
        patient={"last_name": p.last_name, "first_name": p.first_name, "birth_date": p.birth_date.isoformat(),
                 "sex": p.sex, "ins": p.ins},
        lines=[_line_json(line) for line in draft.lines], outside_lines=outside, consent=draft.consent,
        secure=draft.secure, recorded=prescription_id is not None, failure=failure, valid_until=until,
        qr_payload=qr_payload(prescription_id, last_name=p.last_name, first_name=p.first_name,
                              birth_date=p.birth_date, rpps=draft.prescriber.rpps, am=draft.prescriber.am)
        if prescription_id else "")
    session.add(issued)
    session.flush()
    return issued


def _line_json(line: rx.PrescribedLine) -> dict[str, object]:
    return {"number": line.number, "kind": line.kind.value, "text": line.text, "posology": line.posology,
            "quantity": line.quantity, "renewals": line.renewals, "duration_days": line.duration_days,
            "cis": line.cis, "cip13": line.cip13, "substitutable": line.substitutable,
            "reason": line.non_substitution_reason, "ald": line.ald}


def issued_one(session: Session, operator: CurrentOperator, issued_id: int, *, now: datetime) -> IssuedPrescription:
    profile_of(session, operator)
    issued = session.get(IssuedPrescription, issued_id)
    if issued is None or issued.operator_code != operator.code:
        raise NotFound(f"Aucune ordonnance n° {issued_id} pour ce prescripteur.")
    record_access(session, actor(operator), action="read", object_type="eprescription",
                  object_id=issued.prescription_id or f"local-{issued.id}", now=now)
    return issued


@dataclass(frozen=True, slots=True)
class DashboardRow:
    issued: IssuedPrescription
    summary: Summary | None


def dashboard(session: Session, operator: CurrentOperator, *, base: EPrescriptionBase,
              now: datetime) -> tuple[list[DashboardRow], str]:
    """The prescriber's ONs with what the base says of each (consulted? dispensed?); the base's failure
    is said, not fatal."""
    profile = profile_of(session, operator)
    rows = list(session.scalars(select(IssuedPrescription).where(IssuedPrescription.operator_code == operator.code)
                                .order_by(IssuedPrescription.created_at.desc()).limit(100)))
    try:
        known, problem = {s.prescription_id: s for s in base.by_prescriber(profile.rpps)}, ""
    except ExternalServiceError as exc:
        known, problem = {}, str(exc)
    record_access(session, actor(operator), action="read", object_type="eprescription",
                  object_id=f"{len(rows)} ordonnance(s)", detail="tableau de bord prescripteur", now=now)
    return [DashboardRow(r, known.get(r.prescription_id or "")) for r in rows], problem


def deliveries_seen(session: Session, operator: CurrentOperator, issued: IssuedPrescription, *,
                    base: EPrescriptionBase, now: datetime) -> PrescriberView | None:
    """What was delivered, when the patient agreed (the base checks the consent itself)."""
    if not issued.prescription_id:
        return None
    view = base.prescriber_view(issued.prescription_id, rpps=profile_of(session, operator).rpps)
    record_access(session, actor(operator), action="read", object_type="eprescription_execution",
                  object_id=issued.prescription_id, detail=f"{len(view.executions)} délivrance(s)", now=now)
    return view
