"""The vaccination note (VAC-NOTE_2023.01, SPEC §5.1 typeCode 87273-9) put in the patient's DMP after the act,
through services/dmp/sharing: recorded with the act, sent only for a qualified identity (otherwise « non
envoyé » until the identity is qualified, then built again from the act by the rebuilder registered here)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from comptoir import cda
from comptoir.cda import model
from comptoir.errors import NotFound
from comptoir.national.dmp.port import Visibility
from comptoir.services.dmp.sharing import Build, register_rebuilder, share
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.sharing import STATUS_LABELS, SharedDocument
from comptoir.store.vaccination import Vaccination

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

KIND = "vaccination"
TITLE = "Note de vaccination"


class Audience(StrEnum):
    """Who may see the note, as the form asks it (SPEC §15.3: the patient; all health professionals)."""

    EVERYONE = "tous"
    NOT_PROFESSIONALS = "masque_ps"
    NOT_PATIENT = "invisible_patient"

    @property
    def label(self) -> str:
        return AUDIENCE_LABELS[self]

    @property
    def visibility(self) -> tuple[Visibility, ...]:
        return {Audience.EVERYONE: (), Audience.NOT_PROFESSIONALS: (Visibility.MASKED_FROM_PROFESSIONALS,),
                Audience.NOT_PATIENT: (Visibility.INVISIBLE_TO_PATIENT,)}[self]


AUDIENCE_LABELS = {
    Audience.EVERYONE: "Visible par le patient et les professionnels de santé",
    Audience.NOT_PROFESSIONALS: "Masquée aux professionnels de santé",
    Audience.NOT_PATIENT: "Non visible par le patient",
}


def source_ref(vaccination_id: int) -> str:
    return f"{KIND}:{vaccination_id}"


def share_note(uow: UnitOfWork, row: Vaccination, patient: m.Patient, *, audience: Audience,
               operator: CurrentOperator, now: datetime) -> SharedDocument:
    """The one call from a vaccination to the DMP: the note recorded, and enqueued when the identity allows it."""
    return share(uow, patient=patient, kind=KIND, build=builder(row), title=TITLE, visibility=audience.visibility,
                 operator=operator, now=now, source_ref=source_ref(row.id), act_at=row.given_at)


def builder(row: Vaccination) -> Build:
    return lambda header: cda.build_vaccination(vaccination_note(header, row))


def vaccination_note(header: model.Header, row: Vaccination) -> model.Vaccination:
    prescriber = (model.Professional(rpps=row.prescriber_rpps, last_name=row.prescriber_name, first_name="",
                                     role="medecin") if row.prescriber_rpps else None)
    product = model.Product(cip13=row.cip13, name=row.product_name, cis=row.cis, atc=row.atc)
    return model.Vaccination(header=header, product=product,
                             lot=row.lot, expiry=row.expiry, dose=row.dose, route=row.route, site=row.site,
                             prescriber=prescriber)


def dmp_status(document: SharedDocument) -> str:
    """What the confirmation says of the note: « À envoyer », « Non envoyé — identité non qualifiée »…"""
    label = STATUS_LABELS.get(document.status, document.status)
    return f"{label} — {document.reason}" if document.reason else label


def _rebuild(uow: UnitOfWork, document: SharedDocument) -> Build:
    row = uow.vaccinations.get(int(document.source_ref.removeprefix(f"{KIND}:")))
    if row is None:
        raise NotFound(f"Vaccination introuvable pour le document {document.source_ref}.")
    return builder(row)


register_rebuilder(KIND, _rebuild)
