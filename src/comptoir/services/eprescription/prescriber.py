"""Use cases of the prescriber module: compose an ON from the reference, record it in the base, keep it
for the dashboard, show the deliveries the patient agreed to share (SPEC §4, §15.2).

The QR code exists only when the base recorded the prescription; when the base fails, the prescription
is kept without id and printed without QR, with a notice (SPEC §15.2). Before the base is asked, each line
is checked for what a pharmacy's counter would reject (an unknown or ambiguous product, a duration beyond
the product's limit, the EFG motif past 6 years, a missing posology: domain/eprescription/prescribing.py);
no clinical check is made: the analysis belongs to the prescriber's software and to the pharmacist. The
prescriber finds his patient by search among the patients of his own ONs, never the pharmacy's records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from comptoir.analysis.reference import AnalysisReference, dci_display
from comptoir.domain import bounds
from comptoir.domain.dispensing.conditions import read_conditions
from comptoir.domain.eprescription import prescription as rx
from comptoir.domain.eprescription.prescribing import (
    Ingredient,
    LineFacts,
    LineProblem,
    ambiguous_product,
    dci_of,
    line_problems,
    refuse_if_any,
    unknown_product,
)
from comptoir.domain.identity.status import IdentityStatus
from comptoir.domain.operators import Permission
from comptoir.errors import ExternalServiceError, NotFound, RuleViolation
from comptoir.national.eprescription.port import Created, EPrescriptionBase, PrescriberView, Summary
from comptoir.reading.posology import parse_posology
from comptoir.reading.prescription_qr import qr_payload
from comptoir.services.analysis.reference import AnalysisReferenceCache
from comptoir.services.eprescription.document import pdf
from comptoir.services.eprescription.lines import resolve_line
from comptoir.services.eprescription.product_choice import choose_product
from comptoir.services.platform.audit_log import Actor, audit, audit_patient_list, search_digest
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.eprescription import EPrescriptionRepository, IssuedPrescription, PatientConsent, PrescriberProfile

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

CONSENT = "on_consultation_prescripteur"
SEARCH_LIMIT = 20
"""Patients shown for one search: the prescriber types more to narrow it."""
_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")


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
    cis: str | None = None
    """The product picked among the choices a text named; it holds while the text is that product's name."""


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
        found = resolve_line(lookups, reference, _lookup_text(reference, given), given.posology, given.duration_days)
        secure = secure or found.secure
        lines.append(rx.PrescribedLine(
            number=len(lines) + 1, kind=given.kind, text=found.product.name if found.product else given.text.strip(),
            posology=given.posology.strip() or "Selon avis médical", quantity=found.boxes, renewals=given.renewals,
            duration_days=found.duration_days, cis=found.product.cis if found.product else None,
            cip13=found.pack.cip13 if found.pack else None, substitutable=given.substitutable,
            non_substitution_reason=None if given.substitutable else given.reason, ald=given.ald))
    return tuple(lines), outside, secure


def check_lines(reference: AnalysisReference, inputs: tuple[LineInput, ...], *, born: date | None, on: date) -> None:
    """Refuses, each beside its line's field, what a pharmacy's counter would reject (see
    domain/eprescription/prescribing.py): nothing is recorded nor sent then. Lines outside the ON are not
    checked; `born` is the patient's birth date, `on` the prescription date."""
    problems: list[LineProblem] = []
    for position, given in enumerate(inputs):
        if given.text.strip() and not given.outside_on:
            problems += _line_problems(reference, position, given, born=born, on=on)
    refuse_if_any(problems)


def _lookup_text(reference: AnalysisReference, given: LineInput) -> str:
    """The picked product's CIS while the line still shows its name, else the text as typed."""
    picked = reference.products.get(given.cis) if given.cis else None
    return given.cis if picked is not None and given.cis and picked.name == given.text.strip() else given.text


def _line_problems(reference: AnalysisReference, position: int, given: LineInput, *, born: date | None,
                   on: date) -> list[LineProblem]:
    problems: list[LineProblem] = []
    product = None
    if given.kind is rx.LineKind.MEDICINE:
        choice = choose_product(_lookup_text(reference, given), reference)
        product = choice.product
        if product is None:
            problems.append(unknown_product(position, given.text))
        elif choice.ambiguous:
            problems.append(ambiguous_product(position, given.text, ((p.cis, p.name) for p in choice.candidates)))
    parsed = parse_posology(given.posology)
    duration = given.duration_days or (round(parsed.duration_days) if parsed.duration_days else None)
    facts = LineFacts(position, given.kind, given.posology, parsed.understood, duration, given.renewals,
                      given.substitutable, given.reason, read_conditions(product.conditions) if product else None)
    return problems + line_problems(facts, born=born, on=on)


@dataclass(frozen=True, slots=True)
class PatientChoice:
    patient: m.Patient
    consent: bool | None
    """The consent already recorded in the patient's file."""


@dataclass(frozen=True, slots=True)
class FormContext:
    """What the form that composes an ON shows beside the fields."""

    chosen: m.Patient | None
    """The patient picked, when he is one of the prescriber's."""
    found: list[PatientChoice]
    """The chosen patient first, then the patients the search text finds."""
    consent: bool | None
    """The consent already recorded in the chosen patient's file."""
    profile: PrescriberProfile


@dataclass(frozen=True, slots=True)
class PatientQuery:
    """A search typed as one text: names (each word in a name), a birth date, the start of a NIR."""

    words: tuple[str, ...] = ()
    born: date | None = None
    nir_prefix: str | None = None

    @property
    def empty(self) -> bool:
        return not self.words and self.born is None and self.nir_prefix is None


def patient_query(text: str) -> PatientQuery:
    """"dupont jean", "12/03/1960", "1960-03-12", "1 60 03 75" (5 digits at least) or a mix of them."""
    born, rest = None, text[:100]
    found = _DATE.search(rest)
    if found:
        day, month, year = (found.group(1), found.group(2), found.group(3)) if found.group(3) else (
            found.group(6), found.group(5), found.group(4))
        try:
            born = date(int(year), int(month), int(day))
        except ValueError:
            born = None
        rest = rest[:found.start()] + " " + rest[found.end():]
    tokens = rest.split()
    digits = "".join(t for t in tokens if t.isdigit())
    words = tuple(w for t in tokens if not t.isdigit() and len(w := t.strip(".,;:()\"'")) >= 2)
    return PatientQuery(words, born, digits if len(digits) >= 5 else None)


def form_context(patient_id: int | None, query: str = "", *, uow: UnitOfWork, operator: CurrentOperator,
                 now: datetime) -> FormContext:
    """The chosen patient and the patients the search finds, among the patients of the prescriber's own ONs
    (never the pharmacy's records), with the consent recorded in each file; what is shown is audited (a
    search by the digest of its text, as the counter's patient search)."""
    with uow:
        profile = profile_of(uow, operator)
        mine = uow.prescribers.patient_ids_of(operator.code)
        chosen = uow.eprescriptions.patient(patient_id) if patient_id is not None and patient_id in mine else None
        parsed = patient_query(query)
        found = [] if parsed.empty else uow.prescribers.find_own_patients(
            operator.code, words=parsed.words, born=parsed.born, nir_prefix=parsed.nir_prefix, limit=SEARCH_LIMIT)
        shown = [*([chosen] if chosen else []), *(p for p in found if chosen is None or p.id != chosen.id)]
        choices = [PatientChoice(p, consent_of(uow, p.id)) for p in shown]
        _audit_shown(uow, operator, query if not parsed.empty else "", shown, now)
        uow.commit()
    return FormContext(chosen, choices, choices[0].consent if chosen else None, profile)


def _audit_shown(uow: UnitOfWork, operator: CurrentOperator, query: str, shown: list[m.Patient],
                 now: datetime) -> None:
    if query:
        audit(uow, actor(operator), action="read", object_type="patient_search", object_id=search_digest(uow, query),
              detail=f"prescripteur : {len(shown)} résultat(s): " + ",".join(str(p.id) for p in shown), now=now)
    elif shown:
        audit_patient_list(uow, actor(operator), (p.id for p in shown), shown_on="prescripteur", now=now)


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
    reference = references.get(uow.reference)
    check_lines(reference, form.lines, born=patient.birth_date, on=now.date())
    lines, outside, secure = compose(uow.eprescriptions, reference, form.lines)
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
    """The PDF of an ON (with its QR code when recorded in the base), each line with its DCI."""
    with uow:
        issued = _issued(uow, operator, issued_id, now)
        profile = profile_of(uow, operator)
        dci = {int(str(line["number"])): dci_of(ingredients_of(uow, str(line["cis"])), str(line["text"]))
               for line in issued.lines if line.get("cis")}
        uow.commit()
    return pdf(issued, profile, dci=dci)


def ingredients_of(uow: UnitOfWork, cis: str) -> list[Ingredient]:
    """The product's composition in the reference, each substance named as a DCI."""
    return [Ingredient(dci_display(row.substance_name), row.dosage, row.nature, row.link_number)
            for row in uow.reference.compositions_of(cis)]


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
