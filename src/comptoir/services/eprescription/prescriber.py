"""Use cases of the prescriber module: compose an ON from the reference, record it in the base, keep it
for the dashboard, show the deliveries the patient agreed to share (SPEC §4, §15.2).

The QR code exists only when the base recorded the prescription; when the base fails, the prescription
is kept without id and printed without QR, with a notice (SPEC §15.2). The ON service performs no
clinical check: the analysis belongs to the prescriber's software and to the pharmacist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from comptoir.analysis.reference import AnalysisReference
from comptoir.domain import bounds
from comptoir.domain.eprescription import prescription as rx
from comptoir.domain.identity.status import IdentityStatus
from comptoir.domain.operators import Permission
from comptoir.errors import ExternalServiceError, NotFound, RuleViolation
from comptoir.national.eprescription.port import Created, EPrescriptionBase, PrescriberView, Summary
from comptoir.reading.prescription_qr import qr_payload
from comptoir.services.analysis.reference import AnalysisReferenceCache
from comptoir.services.eprescription.document import pdf
from comptoir.services.eprescription.lines import resolve_line
from comptoir.services.platform.audit_log import Actor, audit, audit_patient_list
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.eprescription import EPrescriptionRepository, IssuedPrescription, PatientConsent, PrescriberProfile

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

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
class NewPatient:
    """A patient the prescriber has not prescribed for yet, typed in the form (the pharmacy's records stay
    out of his sight): stored as a patient record, linked to him by the ON."""

    last_name: str
    first_name: str
    birth_date: date
    sex: str


@dataclass(frozen=True, slots=True)
class PrescriptionForm:
    patient_id: int | None
    """One of the patients of the prescriber's own ONs; None with `new_patient`."""
    lines: tuple[LineInput, ...]
    consent: bool | None = None
    """None: the consent already recorded in the patient's file."""
    comment: str = ""
    new_patient: NewPatient | None = None


def actor(operator: CurrentOperator) -> Actor:
    return Actor(operator.code, operator.workstation)


def profile_of(uow: UnitOfWork, operator: CurrentOperator) -> PrescriberProfile:
    operator.require(Permission.PRESCRIBE)
    profile = uow.prescribers.profile(operator.code)
    if profile is None:
        raise NotFound(f"Aucun profil prescripteur (RPPS, N° AM) pour l'opérateur {operator.code}.")
    return profile


def consent_of(uow: UnitOfWork, patient_id: int) -> bool | None:
    row = uow.prescribers.consent(patient_id, CONSENT)
    return row.granted if row else None


def record_consent(uow: UnitOfWork, operator: CurrentOperator, patient_id: int, granted: bool, *,
                   now: datetime) -> None:
    """Recorded once in the patient's file, changed only when the patient says otherwise (SPEC §15.2)."""
    row = uow.prescribers.consent(patient_id, CONSENT)
    if row is not None and row.granted == granted:
        return
    if row is None:
        uow.prescribers.add_consent(PatientConsent(patient_id=patient_id, kind=CONSENT, granted=granted, at=now,
                                                   operator_code=operator.code))
    else:
        row.granted, row.at, row.operator_code = granted, now, operator.code
    audit(uow, actor(operator), action="write", object_type="consent", object_id=str(patient_id),
          detail=f"{CONSENT}={'oui' if granted else 'non'}", now=now)


def patient_traits(patient: m.Patient) -> rx.PatientTraits:
    """The INS traits when the identity is qualified, else the names used at the desk (SPEC §4.3)."""
    if patient.identity_status == IdentityStatus.QUALIFIED.value and patient.nir:
        first = (patient.birth_given_names or patient.first_name).split(" ")[0]
        return rx.PatientTraits(patient.birth_name or patient.last_name, first.capitalize(), patient.birth_date,
                                patient.sex, patient.nir, patient.nir_oid)
    return rx.PatientTraits(patient.last_name, patient.first_name, patient.birth_date, patient.sex)


def compose(lookups: EPrescriptionRepository, reference: AnalysisReference,
            inputs: tuple[LineInput, ...]) -> tuple[tuple[rx.PrescribedLine, ...], list[dict[str, object]], bool]:
    """The ON lines, the products printed apart, and whether the ordonnance must be "sécurisée"."""
    lines: list[rx.PrescribedLine] = []
    outside: list[dict[str, object]] = []
    secure = False
    for given in (i for i in inputs if i.text.strip()):
        if given.outside_on:
            outside.append({"text": given.text.strip(), "posology": given.posology.strip()})
            continue
        found = resolve_line(lookups, reference, given.text, given.posology, given.duration_days)
        secure = secure or found.secure
        lines.append(rx.PrescribedLine(
            number=len(lines) + 1, kind=given.kind, text=found.product.name if found.product else given.text.strip(),
            posology=given.posology.strip() or "Selon avis médical", quantity=found.boxes, renewals=given.renewals,
            duration_days=found.duration_days, cis=found.product.cis if found.product else None,
            cip13=found.pack.cip13 if found.pack else None, substitutable=given.substitutable,
            non_substitution_reason=None if given.substitutable else given.reason, ald=given.ald))
    return tuple(lines), outside, secure


@dataclass(frozen=True, slots=True)
class FormContext:
    """What the form that composes an ON shows beside the fields."""

    patients: list[m.Patient]
    consent: bool | None
    """The consent already recorded in the chosen patient's file."""
    profile: PrescriberProfile


def form_context(patient_id: int | None, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime,
                 ) -> FormContext:
    """The patients of the prescriber's own ONs (never the pharmacy's records) and the chosen one's consent;
    the list shown is audited."""
    with uow:
        profile = profile_of(uow, operator)
        mine = uow.prescribers.patient_ids_of(operator.code)
        consent = consent_of(uow, patient_id) if patient_id in mine else None
        context = FormContext(uow.eprescriptions.patients_among(mine), consent, profile)
        audit_patient_list(uow, actor(operator), (p.id for p in context.patients), shown_on="prescripteur",
                           now=now)
        uow.commit()
        return context


def own_patient(uow: UnitOfWork, operator: CurrentOperator, patient_id: int) -> m.Patient:
    """A patient of one of the prescriber's ONs; any other record is unknown to him."""
    patient = uow.eprescriptions.patient(patient_id) if patient_id in uow.prescribers.patient_ids_of(
        operator.code) else None
    if patient is None:
        raise NotFound(f"Aucun patient n° {patient_id} parmi vos patients.")
    return patient


def _typed_patient(new: NewPatient, now: datetime) -> m.Patient:
    last, first, sex = new.last_name.strip().upper(), new.first_name.strip(), new.sex.strip().upper()
    if not last or not first or sex not in {"F", "M"}:
        raise RuleViolation("Identité du nouveau patient : nom, prénom, date de naissance et sexe (F ou M).")
    bounds.check_typed_birth_date(new.birth_date, today=now.date())
    return m.Patient(last_name=last, first_name=first, birth_date=new.birth_date, sex=sex, nir=None, allergies=[],
                     created_at=now, identity_status=IdentityStatus.PROVISIONAL.value, identity_attributes=[],
                     collection_method="SM", document_prompts_left=0)


@dataclass(frozen=True, slots=True)
class Composed:
    draft: rx.Draft
    outside: list[dict[str, object]]
    typed: m.Patient | None = None
    """A new patient typed in the form, stored with the ON."""


def create_prescription(form: PrescriptionForm, *, uow: UnitOfWork, operator: CurrentOperator,
                        base: EPrescriptionBase, references: AnalysisReferenceCache,
                        now: datetime) -> IssuedPrescription:
    with uow:
        composed = _compose(uow, operator, form, references, now)
    # The base is asked with no transaction open: SQLite's write lock is never held during the call.
    created, failure = _ask_base(base, composed.draft)
    with uow:
        patient_id = _patient_id(uow, operator, form, composed, now)
        if form.consent is not None:
            record_consent(uow, operator, patient_id, form.consent, now=now)
        issued = _record(uow, composed, created, failure, operator, patient_id, now)
        audit(uow, actor(operator), action="write", object_type="eprescription",
              object_id=issued.prescription_id or f"local-{issued.id}",
              detail=f"patient={patient_id} lignes={len(composed.draft.lines)} "
                     f"base={'oui' if issued.recorded else 'non'}", now=now)
        uow.commit()
    return issued


def _patient_id(uow: UnitOfWork, operator: CurrentOperator, form: PrescriptionForm, composed: Composed,
                now: datetime) -> int:
    """The chosen patient, or the typed one: the same identity typed again reuses his record."""
    if form.patient_id is not None:
        return form.patient_id
    assert composed.typed is not None
    typed = composed.typed
    for known in uow.eprescriptions.patients_among(uow.prescribers.patient_ids_of(operator.code)):
        if (known.last_name, known.first_name, known.birth_date, known.sex) == (
                typed.last_name, typed.first_name, typed.birth_date, typed.sex):
            return known.id
    uow.prescribers.add_patient(typed)
    audit(uow, actor(operator), action="write", object_type="patient", object_id=str(typed.id),
          detail="créé par le prescripteur", now=now)
    return typed.id


def _compose(uow: UnitOfWork, operator: CurrentOperator, form: PrescriptionForm, references: AnalysisReferenceCache,
             now: datetime) -> Composed:
    """The draft the base is asked to record; refused without the patient's answer or without a line."""
    profile = profile_of(uow, operator)
    typed = _typed_patient(form.new_patient, now) if form.patient_id is None and form.new_patient else None
    if form.patient_id is None and typed is None:
        raise RuleViolation("Choisissez le patient ou saisissez l'identité d'un nouveau patient.")
    patient = typed or own_patient(uow, operator, form.patient_id or 0)
    consent = form.consent if form.consent is not None else (consent_of(uow, patient.id) if not typed else None)
    if consent is None:
        raise RuleViolation("Consentement du patient obligatoire : le prescripteur peut-il voir les délivrances ?")
    lines, outside, secure = compose(uow.eprescriptions, references.get(uow.reference), form.lines)
    if not lines:
        raise RuleViolation("Aucune ligne à enregistrer dans l'ordonnance numérique.")
    draft = rx.Draft(prescriber_of(profile), patient_traits(patient), now.date(), lines, consent, secure,
                     form.comment)
    return Composed(draft, outside, typed)


def prescriber_of(profile: PrescriberProfile) -> rx.Prescriber:
    return rx.Prescriber(profile.rpps, profile.am, profile.last_name, profile.first_name, profile.specialty)


def _ask_base(base: EPrescriptionBase, draft: rx.Draft) -> tuple[Created | None, str]:
    """The base's record, or why it failed: without it the ON is kept and printed without QR (SPEC §15.2)."""
    try:
        return base.create(draft), ""
    except ExternalServiceError as exc:
        return None, str(exc)


def _record(uow: UnitOfWork, composed: Composed, created: Created | None, failure: str, operator: CurrentOperator,
            patient_id: int, now: datetime) -> IssuedPrescription:
    draft, p = composed.draft, composed.draft.patient
    prescription_id = created.prescription_id if created else None
    issued = IssuedPrescription(
        prescription_id=prescription_id, created_at=now, operator_code=operator.code, patient_id=patient_id,
        patient={"last_name": p.last_name, "first_name": p.first_name, "birth_date": p.birth_date.isoformat(),
                 "sex": p.sex, "ins": p.ins},
        lines=[_line_json(line) for line in draft.lines], outside_lines=composed.outside, consent=draft.consent,
        secure=draft.secure, recorded=prescription_id is not None, failure=failure,
        valid_until=created.valid_until if created else None,
        qr_payload=qr_payload(prescription_id, last_name=p.last_name, first_name=p.first_name,
                              birth_date=p.birth_date, rpps=draft.prescriber.rpps, am=draft.prescriber.am)
        if prescription_id else "")
    uow.prescribers.add_issued(issued)
    return issued


def _line_json(line: rx.PrescribedLine) -> dict[str, object]:
    return {"number": line.number, "kind": line.kind.value, "text": line.text, "posology": line.posology,
            "quantity": line.quantity, "renewals": line.renewals, "duration_days": line.duration_days,
            "cis": line.cis, "cip13": line.cip13, "substitutable": line.substitutable,
            "reason": line.non_substitution_reason, "ald": line.ald}


def issued_one(issued_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> IssuedPrescription:
    with uow:
        issued = _issued(uow, operator, issued_id, now)
        uow.commit()
    return issued


def issued_pdf(issued_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> bytes:
    """The PDF of an ON (with its QR code when recorded in the base)."""
    with uow:
        issued = _issued(uow, operator, issued_id, now)
        profile = profile_of(uow, operator)
        uow.commit()
    return pdf(issued, profile)


def _issued(uow: UnitOfWork, operator: CurrentOperator, issued_id: int, now: datetime) -> IssuedPrescription:
    """One of the operator's own ONs; reading it is recorded in the audit trail."""
    profile_of(uow, operator)
    issued = uow.prescribers.issued(issued_id)
    if issued is None or issued.operator_code != operator.code:
        raise NotFound(f"Aucune ordonnance n° {issued_id} pour ce prescripteur.")
    audit(uow, actor(operator), action="read", object_type="eprescription",
          object_id=issued.prescription_id or f"local-{issued.id}", now=now)
    return issued


@dataclass(frozen=True, slots=True)
class DashboardRow:
    issued: IssuedPrescription
    summary: Summary | None


@dataclass(frozen=True, slots=True)
class PrescriberDashboard:
    rows: list[DashboardRow]
    problem: str
    """The base's failure, said on the page rather than fatal."""
    profile: PrescriberProfile


def dashboard(*, uow: UnitOfWork, operator: CurrentOperator, base: EPrescriptionBase,
              now: datetime) -> PrescriberDashboard:
    """The prescriber's ONs with what the base says of each (consulted? dispensed?)."""
    with uow:
        profile = profile_of(uow, operator)
        issued = uow.prescribers.issued_by(operator.code, limit=100)
    try:
        known, problem = {s.prescription_id: s for s in base.by_prescriber(profile.rpps)}, ""
    except ExternalServiceError as exc:
        known, problem = {}, str(exc)
    with uow:
        audit(uow, actor(operator), action="read", object_type="eprescription",
              object_id=f"{len(issued)} ordonnance(s)", detail="tableau de bord prescripteur", now=now)
        uow.commit()
    return PrescriberDashboard([DashboardRow(r, known.get(r.prescription_id or "")) for r in issued], problem,
                               profile)


def deliveries_seen(issued: IssuedPrescription, *, uow: UnitOfWork, operator: CurrentOperator,
                    base: EPrescriptionBase, now: datetime) -> PrescriberView | None:
    """What was delivered, when the patient agreed (the base checks the consent itself)."""
    if not issued.prescription_id:
        return None
    with uow:
        rpps = profile_of(uow, operator).rpps
    view = base.prescriber_view(issued.prescription_id, rpps=rpps)
    with uow:
        audit(uow, actor(operator), action="read", object_type="eprescription_execution",
              object_id=issued.prescription_id, detail=f"{len(view.executions)} délivrance(s)", now=now)
        uow.commit()
    return view
