"""Use case at the counter: scan an ordonnance numérique (QR image, scanner text or typed id), fetch it
from the base, check it against its own QR and against the patient at the counter (SPEC §4.3, §15.2).

Checks, each a clear French error and nothing recorded:
- the QR's prescriber and patient must be those the base holds (a QR pasted on another prescription,
  or edited, is refused as altered);
- the patient at the counter must be the prescription's patient (used or birth name, first name,
  birth date);
- an unknown id is the base's 404, said as "Ordonnance numérique inconnue".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.domain.eprescription.prescription import Prescription, Status
from comptoir.domain.identity.ins import ins_text
from comptoir.domain.operators import Permission
from comptoir.errors import NotFound, RuleViolation
from comptoir.national.eprescription import mapping, wire
from comptoir.national.eprescription.port import EPrescriptionBase
from comptoir.reading.barcode_image import decode_barcodes
from comptoir.reading.prescription_qr import QrContent, UnreadableQr, read_qr
from comptoir.services.platform.audit_log import Actor, audit, audit_patient_list
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.eprescription import PrescriptionRecord

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Scanned:
    content: QrContent
    prescription: Prescription
    status: Status
    patient_mismatch: str
    """Empty when the counter's patient is the prescription's, else what differs."""


def decode_image(image: bytes) -> str:
    found = decode_barcodes(image, formats="QRCode")
    if not found:
        raise UnreadableQr("Aucun QR code lisible sur l'image : rescannez, ou saisissez l'identifiant de 18 "
                           "caractères imprimé sous le code.")
    return found[0]


def pharmacy_of(uow: UnitOfWork) -> m.Pharmacy:
    pharmacy = uow.eprescriptions.pharmacy()
    if pharmacy is None:
        raise NotFound("Pharmacie non configurée (N° FINESS) : chargez la démo ou créez la pharmacie.")
    return pharmacy


def scan(text: str, *, uow: UnitOfWork, operator: CurrentOperator, base: EPrescriptionBase, patient_id: int | None,
         now: datetime) -> Scanned:
    operator.require(Permission.READ_PATIENTS)
    content = read_qr(text)
    with uow:
        finess, rpps = pharmacy_of(uow).finess, rpps_of(uow, operator) or ""
    # Asked with no transaction open: SQLite's write lock is never held during a call to the base.
    prescription = base.consult(content.prescription_id, rpps=rpps, finess=finess)
    check_against_qr(content, prescription)
    status = prescription.status(now.date())
    with uow:
        mismatch = patient_mismatch(uow.eprescriptions.patient(patient_id), prescription) if patient_id else ""
        keep(uow, prescription, status, operator, patient_id if not mismatch else None, now)
        audit(uow, Actor(operator.code, operator.workstation), action="read", object_type="eprescription",
              object_id=prescription.id, detail=f"consultation statut={status.value} patient={patient_id or '-'}",
              now=now)
        uow.commit()
    return Scanned(content, prescription, status, mismatch)


def rpps_of(uow: UnitOfWork, operator: CurrentOperator) -> str | None:
    return uow.eprescriptions.rpps_of(operator.id)


def check_against_qr(content: QrContent, prescription: Prescription) -> None:
    if content.typed_by_hand:
        return
    p = prescription.patient
    same_patient = (ins_text(content.last_name or ""), ins_text(content.first_name or ""), content.birth_date) == \
        (ins_text(p.last_name), ins_text(p.first_name), p.birth_date)
    if content.rpps != prescription.prescriber.rpps or not same_patient:
        raise RuleViolation(f"QR code altéré : il ne correspond pas à l'ordonnance {prescription.id} enregistrée "
                            "(prescripteur ou patient différent). Ne délivrez pas ; vérifiez l'ordonnance.")


def patient_mismatch(patient: m.Patient | None, prescription: Prescription) -> str:
    """What differs between the counter's patient and the prescription's, in French; empty when the same."""
    if patient is None:
        raise NotFound("Patient du comptoir introuvable.")
    p = prescription.patient
    names = {ins_text(patient.last_name), ins_text(patient.birth_name or patient.last_name)}
    given = set(ins_text(f"{patient.first_name} {patient.birth_given_names or ''}").split())
    if ins_text(p.last_name) in names and ins_text(p.first_name).split()[0] in given \
            and p.birth_date == patient.birth_date:
        return ""
    return (f"Le patient du comptoir ({patient.last_name} {patient.first_name}, {patient.birth_date:%d/%m/%Y}) "
            f"n'est pas celui de l'ordonnance ({p.last_name} {p.first_name}, {p.birth_date:%d/%m/%Y}).")


def keep(uow: UnitOfWork, prescription: Prescription, status: Status, operator: CurrentOperator,
         patient_id: int | None, now: datetime) -> PrescriptionRecord:
    """The base's last answer, kept for the counter's screen and the dashboard."""
    snapshot = mapping.prescription_wire(prescription, status.value).model_dump(mode="json")
    row = uow.eprescriptions.consulted(prescription.id)
    if row is None:
        # Complete before the insert: a second counter scanning the same new ON meanwhile gets this row.
        row = uow.eprescriptions.add_consulted(PrescriptionRecord(
            prescription_id=prescription.id, first_consulted_at=now, patient_id=patient_id, last_consulted_at=now,
            consulted_by=operator.code, status=status.value, snapshot=snapshot))
    row.last_consulted_at, row.consulted_by, row.status, row.snapshot = now, operator.code, status.value, snapshot
    row.patient_id = patient_id or row.patient_id
    return row


def kept(uow: UnitOfWork, prescription_id: str) -> tuple[PrescriptionRecord, Prescription]:
    row = uow.eprescriptions.consulted(prescription_id.upper())
    if row is None:
        raise NotFound(f"Ordonnance {prescription_id} jamais consultée ici : scannez-la d'abord (F3).")
    return row, mapping.prescription(wire.Ordonnance.model_validate(row.snapshot))


def patients_to_choose(*, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> list[m.Patient]:
    """The patients a counter may pick for an ON (not merged into another file); the list shown is audited."""
    with uow:
        patients = uow.eprescriptions.patients_to_choose()
        audit_patient_list(uow, Actor(operator.code, operator.workstation), (p.id for p in patients),
                           shown_on="ordonnance numérique (comptoir)", now=now)
        uow.commit()
        return patients
