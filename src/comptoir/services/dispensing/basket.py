"""Use cases of the counter's basket (issue 11): every way in lands in the same basket, kept on the server;
each change is analysed at once and answered with the whole basket as the screen shows it.

Interface (branch `screen` builds the counter page on it; keep it stable). Every function takes
`(..., *, uow, operator, now, reference)` — `reference` is the runtime's `AnalysisReferenceCache` (anything
with `get(uow.reference) -> AnalysisReference`) — and returns the `BasketView` after the change:

    open_basket(patient_id: int | None, kind: str) -> BasketView
        kind: "ordonnance_numerique" | "ordonnance_papier" | "sans_ordonnance"
    basket(basket_id) -> BasketView
    scan_or_type(basket_id, text, *, ..., base: EPrescriptionBase | None) -> BasketView
        one input box: an ON QR payload or its 18 characters (loads the lines of the first period still
        to deliver; needs `base`), a pack's GS1 DataMatrix in any scanner form (serial, lot, expiry kept on the
        line), a CIP13, a CIP7, a CIS, a name or DCI (the best product, or raises Ambiguous(candidates));
        `nmvs`: a pack is verified with the medicines-verification system first (services/nmvs/verification.py:
        refused with its NMVS code, or taken « vérification en attente » when the system does not answer)
    set_prescription(basket_id, PrescriptionInput) -> BasketView   # paper header, or the ON's renewal
    set_patient(basket_id, patient_id) -> BasketView
    add_paper_lines(basket_id, lines: list[PaperLine], scan: bytes | None, content_type: str | None)
        the scan (JPEG, PNG, PDF) waits under basket_ref(basket_id) until validation attaches it
    update_line(basket_id, position, LineChanges) -> BasketView
        LineChanges.overlap_allowed: the prescriber's express mention that lets a stupéfiant be delivered while
        an earlier delivery still covers (CSP R.5132-33, services/dispensing/overlap.py); else such a line is
        refused, its reason naming the earlier delivery's date and end
    remove_line(basket_id, position) -> BasketView
    hand_over(basket_id) -> BasketView          # préparateur, étudiant -> waiting for a pharmacist
    waiting_baskets() -> list[BasketSummary]    # (*, uow, operator, now): what a pharmacist sees waiting
    take_over(basket_id) -> BasketView          # a pharmacist takes a waiting basket
    abandon_basket(basket_id) -> BasketView

Decisions: services/dispensing/decisions.decide; validation: validate.validate; cancellation:
cancel.cancel_dispensation. Errors: FieldErrors({field: French message}) for bad input (nothing changes),
Ambiguous and Blocked (FieldErrors too), NotFound, PermissionDenied, Conflict (a stale version, a line
delivered meanwhile by another counter). The views and inputs are in services/dispensing/views.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from comptoir.analysis.reference import AnalysisReference
from comptoir.domain import bounds
from comptoir.domain.eprescription import prescription as rx
from comptoir.domain.eprescription.identifiers import check_rpps
from comptoir.domain.operators import Permission
from comptoir.errors import FieldErrors, NotFound, RuleViolation
from comptoir.national.eprescription.port import EPrescriptionBase
from comptoir.national.nmvs.port import MedicinesVerification
from comptoir.services.dispensing import editing, filling, present
from comptoir.services.dispensing.entry import recognise
from comptoir.services.dispensing.filling import Change
from comptoir.services.dispensing.scans import keep_pending_scan
from comptoir.services.dispensing.views import (
    STATUS_LABELS,
    BasketSummary,
    BasketView,
    LineChanges,
    PaperLine,
    PrescriptionInput,
    basket_ref,
)
from comptoir.services.eprescription import scan as scanning
from comptoir.services.nmvs.verification import verify_at_scan
from comptoir.services.platform.audit_log import Actor, audit, audit_patient_list
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.counter import BASKET_KINDS, Basket
from comptoir.store.refdata import ReferenceRepository

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

__all__ = ["abandon_basket", "add_paper_lines", "basket", "hand_over", "open_basket", "remove_line", "scan_or_type",
           "set_patient", "set_prescription", "take_over", "update_line", "waiting_baskets"]

class References(Protocol):
    """The runtime's analysis reference cache (services/analysis/reference.AnalysisReferenceCache)."""

    def get(self, source: ReferenceRepository) -> AnalysisReference: ...


Act = Callable[[Change], str]
"""Changes the basket; returns what the audit entry says of it."""


def open_basket(patient_id: int | None, kind: str, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime,
                reference: References) -> BasketView:
    operator.require(Permission.READ_PATIENTS)
    if kind not in BASKET_KINDS:
        raise FieldErrors({"kind": "Type inconnu : ordonnance numérique, ordonnance papier ou sans ordonnance."})
    with uow:
        analysis_reference = reference.get(uow.reference)
        if patient_id is not None:
            patient_of(uow, patient_id)
        row = uow.baskets.add(Basket(
            status="ouvert", kind=kind, patient_id=patient_id, renewal=0, prescriber_name="", version=1,
            created_by=operator.code, created_at=now, workstation=operator.workstation, updated_by=operator.code,
            updated_at=now))
        _audit(uow, operator, row, "write", f"ouverture {kind}", now)
        view = _view(uow, row, operator, analysis_reference, now)
        uow.commit()
    return view


def basket(basket_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime,
           reference: References) -> BasketView:
    operator.require(Permission.READ_PATIENTS)
    with uow:
        analysis_reference = reference.get(uow.reference)
        row = _get(uow, basket_id)
        _audit(uow, operator, row, "read", "consultation", now)
        view = _view(uow, row, operator, analysis_reference, now)
        uow.commit()
    return view


def scan_or_type(basket_id: int, text: str, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime,
                 reference: References, base: EPrescriptionBase | None = None,
                 nmvs: MedicinesVerification | None = None) -> BasketView:
    if len(text) > bounds.SCANNED_TEXT_MAX:
        raise FieldErrors({"text": "Texte trop long pour un code scanné."})
    entry = recognise(text)
    if entry.kind == "on":
        return _scan_prescription(basket_id, entry.text, uow=uow, operator=operator, now=now, reference=reference,
                                  base=base)
    # A pack is verified with the NMVS before the basket is locked (an HTTP round trip, SPEC §9.4).
    verified = verify_at_scan(entry.pack, nmvs) if entry.pack is not None and nmvs is not None else None
    return change_basket(basket_id, lambda change: filling.add_entry(change, entry, verified), uow=uow,
                         operator=operator, now=now, reference=reference)


def set_prescription(basket_id: int, given: PrescriptionInput, *, uow: UnitOfWork, operator: CurrentOperator,
                     now: datetime, reference: References) -> BasketView:
    _check_prescription(given, now)
    return change_basket(basket_id, lambda change: _set_prescription(change, given), uow=uow, operator=operator,
                         now=now, reference=reference)


def set_patient(basket_id: int, patient_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime,
                reference: References) -> BasketView:
    return change_basket(basket_id, lambda change: _set_patient(change, patient_id), uow=uow, operator=operator,
                         now=now, reference=reference)


def add_paper_lines(basket_id: int, lines: list[PaperLine], scan: bytes | None, content_type: str | None, *,
                    uow: UnitOfWork, operator: CurrentOperator, now: datetime, reference: References) -> BasketView:
    def act(change: Change) -> str:
        if change.basket.kind == "ordonnance_numerique":
            raise FieldErrors({"lines": "Ce panier porte une ordonnance numérique : ouvrez-en un autre."})
        change.basket.kind = "ordonnance_papier"
        _keep_scan(change, scan, content_type)
        return filling.add_paper_lines(change, lines)

    return change_basket(basket_id, act, uow=uow, operator=operator, now=now, reference=reference)


def update_line(basket_id: int, position: int, changes: LineChanges, *, uow: UnitOfWork,
                operator: CurrentOperator, now: datetime, reference: References) -> BasketView:
    return change_basket(basket_id, lambda change: editing.update_line(change, position, changes), uow=uow,
                         operator=operator, now=now, reference=reference)


def remove_line(basket_id: int, position: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime,
                reference: References) -> BasketView:
    def act(change: Change) -> str:
        change.uow.baskets.remove_line(editing.line_at(change, position))
        return f"ligne {position} retirée"

    return change_basket(basket_id, act, uow=uow, operator=operator, now=now, reference=reference)


def hand_over(basket_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime,
              reference: References) -> BasketView:
    """A préparateur or a student hands the basket to a pharmacist, who sees it waiting on their screen."""

    def act(change: Change) -> str:
        row = change.basket
        row.status, row.handed_over_by, row.handed_over_at, row.taken_by = "en_attente", operator.code, now, None
        return "transmis au pharmacien"

    return change_basket(basket_id, act, uow=uow, operator=operator, now=now, reference=reference)


def waiting_baskets(*, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> list[BasketSummary]:
    operator.require(Permission.READ_PATIENTS)
    with uow:
        rows = uow.baskets.waiting()
        counts = uow.baskets.line_counts([row.id for row in rows])
        summaries = [_summary(uow, row, counts.get(row.id, 0)) for row in rows]
        audit_patient_list(uow, Actor(operator.code, operator.workstation),
                           (row.patient_id for row in rows if row.patient_id), shown_on="paniers en attente",
                           now=now)
        uow.commit()
    return summaries


def take_over(basket_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime,
              reference: References) -> BasketView:
    operator.require(Permission.PHARMACIST_ACT)
    return change_basket(basket_id, lambda change: "pris en charge", uow=uow, operator=operator, now=now,
                         reference=reference)


def abandon_basket(basket_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime,
                   reference: References) -> BasketView:
    def act(change: Change) -> str:
        change.basket.status = "abandonne"
        return "abandon"

    return change_basket(basket_id, act, uow=uow, operator=operator, now=now, reference=reference)


# --- the shape of every change --------------------------------------------------------------------------


def change_basket(basket_id: int, act: Act, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime,
                  reference: References) -> BasketView:
    """Lock the basket, change it, count the change, audit it, analyse the result, commit — or nothing."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        analysis_reference = reference.get(uow.reference)
        row = modifiable(uow, basket_id, operator)
        detail = act(Change(uow, row, operator, now, analysis_reference))
        touch(row, operator, now)
        _audit(uow, operator, row, "write", detail, now)
        view = _view(uow, row, operator, analysis_reference, now)
        uow.commit()
    return view


def modifiable(uow: UnitOfWork, basket_id: int, operator: CurrentOperator) -> Basket:
    """The basket, locked; a waiting one is taken by the pharmacist who changes it, refused to anyone else."""
    row = uow.baskets.locked(basket_id)
    if row is None:
        raise NotFound(f"Panier n° {basket_id} introuvable.")
    if row.status in ("valide", "abandonne"):
        raise RuleViolation(f"Panier {STATUS_LABELS[row.status].lower()} : il ne peut plus changer.")
    if row.status == "en_attente":
        if not operator.can(Permission.PHARMACIST_ACT):
            raise RuleViolation("Panier transmis à un pharmacien : lui seul peut maintenant le modifier.")
        row.status, row.taken_by = "ouvert", operator.code
    return row


def touch(row: Basket, operator: CurrentOperator, now: datetime) -> None:
    row.version, row.updated_by, row.updated_at = row.version + 1, operator.code, now


def _get(uow: UnitOfWork, basket_id: int) -> Basket:
    row = uow.baskets.get(basket_id)
    if row is None:
        raise NotFound(f"Panier n° {basket_id} introuvable.")
    return row


def _view(uow: UnitOfWork, row: Basket, operator: CurrentOperator, reference: AnalysisReference,
          now: datetime) -> BasketView:
    return present.view_of(uow, present.assess(uow, row, reference, now), operator, reference, now.date())


def _audit(uow: UnitOfWork, operator: CurrentOperator, row: Basket, action: str, detail: str, now: datetime) -> None:
    audit(uow, Actor(operator.code, operator.workstation), action=action, object_type="basket", object_id=str(row.id),
          detail=f"{detail} patient={row.patient_id or '-'}", now=now)


def patient_of(uow: UnitOfWork, patient_id: int) -> m.Patient:
    patient = uow.dispensations.patient(patient_id)
    if patient is None:
        raise FieldErrors({"patient_id": f"Patient n° {patient_id} introuvable."})
    if patient.merged_into_id:
        raise FieldErrors({"patient_id": f"Ce dossier a été fusionné dans le n° {patient.merged_into_id} : "
                                         "choisissez celui-ci."})
    return patient


def _summary(uow: UnitOfWork, row: Basket, lines: int) -> BasketSummary:
    patient = uow.dispensations.patient(row.patient_id) if row.patient_id else None
    return BasketSummary(id=row.id, status=row.status, kind=row.kind, patient_id=row.patient_id,
                         patient_name=f"{patient.last_name} {patient.first_name}" if patient else "",
                         lines=lines, created_by=row.created_by, handed_over_by=row.handed_over_by,
                         handed_over_at=row.handed_over_at, workstation=row.workstation)


# --- the acts ------------------------------------------------------------------------------------------


def _scan_prescription(basket_id: int, text: str, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime,
                       reference: References, base: EPrescriptionBase | None) -> BasketView:
    """The ON is asked of the base with no transaction open (scan.py), then its lines fill the basket."""
    if base is None:
        raise RuleViolation("Base ordonnance numérique non configurée : l'ordonnance ne peut pas être lue.")
    operator.require(Permission.READ_PATIENTS)
    with uow:
        patient_id = modifiable(uow, basket_id, operator).patient_id
        uow.rollback()
    scanned = scanning.scan(text, uow=uow, operator=operator, base=base, patient_id=patient_id, now=now)
    if scanned.patient_mismatch:
        raise FieldErrors({"text": scanned.patient_mismatch})
    if scanned.status in (rx.Status.EXECUTED, rx.Status.CANCELLED, rx.Status.EXPIRED):
        raise FieldErrors({"text": f"Ordonnance {scanned.prescription.id} {scanned.status.label.lower()} : "
                                   "rien ne peut être délivré."})
    return change_basket(basket_id, lambda change: _take_prescription(change, scanned.prescription), uow=uow,
                         operator=operator, now=now, reference=reference)


def _take_prescription(change: Change, prescription: rx.Prescription) -> str:
    row = change.basket
    if row.prescription_id and row.prescription_id != prescription.id:
        raise FieldErrors({"text": f"Ce panier porte déjà l'ordonnance {row.prescription_id} : ouvrez un autre "
                                   "panier."})
    if any(line.prescription_line is None and line.prescribed_cis for line in change.lines()):
        raise FieldErrors({"text": "Ce panier porte une ordonnance papier : ouvrez un autre panier."})
    prescriber = prescription.prescriber
    row.kind, row.prescription_id, row.prescriber_rpps = "ordonnance_numerique", prescription.id, prescriber.rpps
    row.prescriber_name = prescriber_name(prescriber.first_name, prescriber.last_name)
    row.prescribed_on = prescription.issued_on
    if row.patient_id is None:
        row.patient_id = _prescription_patient(change, prescription)
    row.renewal = filling.first_open_renewal(change, prescription)
    count = filling.load_on_lines(change, prescription, row.renewal)
    return f"ordonnance numérique {prescription.id} renouvellement {row.renewal} : {count} ligne(s)"


def prescriber_name(first_name: str, last_name: str) -> str:
    """As the ordonnancier writes a prescriber, ON or paper: "Dr Prénom NOM"."""
    return " ".join(part for part in ("Dr", first_name.strip().title(), last_name.strip().upper()) if part)


def _prescription_patient(change: Change, prescription: rx.Prescription) -> int | None:
    """The ON's patient: the one its consultation was tied to, else the only patient of the pharmacy with the
    QR's names and birth date (used or birth name, accents and case ignored); None when several or none do."""
    record = change.uow.eprescriptions.consulted(prescription.id)
    if record is not None and record.patient_id is not None:
        return record.patient_id
    matching = prescription_patients(change.uow, prescription)
    if len(matching) != 1:
        return None
    if record is not None:
        record.patient_id = matching[0].id
    return matching[0].id


def on_patient_choice(basket_id: int, *, uow: UnitOfWork, operator: CurrentOperator,
                      now: datetime) -> tuple[list[m.Patient], rx.PatientTraits | None]:
    """For a basket whose ON found no single patient: the pharmacy's patients with the QR's names and birth date
    (to propose), and the QR's traits (to create the patient when none); ([], None) without an ON. Audited."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        row = uow.baskets.get(basket_id)
        if row is None or row.patient_id is not None or not row.prescription_id:
            uow.commit()
            return [], None
        _, prescription = scanning.kept(uow, row.prescription_id)
        matching = prescription_patients(uow, prescription)
        audit_patient_list(uow, Actor(operator.code, operator.workstation), [p.id for p in matching],
                           shown_on=f"comptoir, panier {basket_id}, patients de l'ordonnance numérique", now=now)
        uow.commit()
    return matching, prescription.patient


def prescription_patients(uow: UnitOfWork, prescription: rx.Prescription) -> list[m.Patient]:
    born = uow.patients.active_born_on(prescription.patient.birth_date)
    return [p for p in born if not scanning.patient_mismatch(p, prescription)]


def _check_prescription(given: PrescriptionInput, now: datetime) -> None:
    errors = {}
    if given.prescriber_rpps and not check_rpps(given.prescriber_rpps).well_formed:
        errors["prescriber_rpps"] = "Le N° RPPS a 11 chiffres."
    if len(given.prescriber_name) > bounds.NAME_MAX * 2:
        errors["prescriber_name"] = "Nom du prescripteur trop long."
    if len(given.prescriber_address) > bounds.SHORT_TEXT_MAX:
        errors["prescriber_address"] = f"Adresse trop longue : {bounds.SHORT_TEXT_MAX} caractères au plus."
    if given.prescribed_on and given.prescribed_on > now.date():
        errors["prescribed_on"] = "La date de l'ordonnance ne peut pas être dans le futur."
    if not 0 <= given.renewal <= bounds.RENEWALS_MAX:
        errors["renewal"] = f"Renouvellement de 0 à {bounds.RENEWALS_MAX}."
    if errors:
        raise FieldErrors(errors)


def _set_prescription(change: Change, given: PrescriptionInput) -> str:
    row = change.basket
    if row.kind == "ordonnance_numerique" and row.prescription_id:
        return _set_renewal(change, given.renewal)
    row.kind = "ordonnance_papier"
    row.prescriber_rpps = check_rpps(given.prescriber_rpps).value if given.prescriber_rpps else None
    row.prescriber_name, row.prescribed_on, row.renewal = given.prescriber_name.strip(), given.prescribed_on, \
        given.renewal
    row.prescriber_address = given.prescriber_address.strip()
    return "ordonnance papier : prescripteur et date"


def _set_renewal(change: Change, renewal: int) -> str:
    _, prescription = scanning.kept(change.uow, change.basket.prescription_id or "")
    if renewal > max((line.renewals for line in prescription.lines), default=0):
        raise FieldErrors({"renewal": f"L'ordonnance {prescription.id} n'a pas de renouvellement {renewal}."})
    change.basket.renewal = renewal
    count = filling.load_on_lines(change, prescription, renewal)
    return f"renouvellement {renewal} : {count} ligne(s)"


def _set_patient(change: Change, patient_id: int) -> str:
    patient = patient_of(change.uow, patient_id)
    if change.basket.prescription_id:
        _, prescription = scanning.kept(change.uow, change.basket.prescription_id)
        mismatch = scanning.patient_mismatch(patient, prescription)
        if mismatch:
            raise FieldErrors({"patient_id": mismatch})
    change.basket.patient_id = patient.id
    return "patient choisi"


def _keep_scan(change: Change, scan: bytes | None, content_type: str | None) -> None:
    """The paper prescription's image waits under the basket's reference; validation ties it to the dispensation
    (services/dispensing/scans.py: its bytes, not its declared type, say what it is)."""
    if not scan:
        return
    try:
        change.basket.scan_id = keep_pending_scan(change.uow, scan, content_type or "",
                                                  basket_ref=basket_ref(change.basket.id), now=change.now,
                                                  operator_code=change.operator.code)
    except FieldErrors:
        raise
    except RuleViolation as refused:
        raise FieldErrors({"scan": str(refused)}) from refused
