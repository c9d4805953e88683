"""The « Documents Ségur non envoyés » (SPEC §15.3): the documents made for the DMP and not in it — identity not
qualified when the act was done, or refused by the DMP — with what to do: qualify the INS, then send.

Sending makes the document visible to the patient and to his legal representatives unless masked, which cannot be
taken back (SPEC §5.3): the pharmacist confirms it; only a pharmacist sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.domain.operators import Permission
from comptoir.errors import NotFound, RuleViolation
from comptoir.national.dmp.port import Visibility
from comptoir.services.dmp import feed as _feed  # noqa: F401 (registers the dispensations' rebuilder)
from comptoir.services.dmp import reports as _reports  # noqa: F401 (registers the reports' rebuilder)
from comptoir.services.dmp import sharing
from comptoir.services.platform.audit_log import Actor, audit, audit_patient_list
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import sharing as s

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

VISIBILITY_LABELS = {Visibility.MASKED_FROM_PROFESSIONALS: "masqué aux professionnels",
                     Visibility.INVISIBLE_TO_PATIENT: "invisible au patient",
                     Visibility.INVISIBLE_TO_LEGAL_REPRESENTATIVES: "invisible aux représentants légaux"}
MUST_CONFIRM = ("Confirmez l'envoi : une fois dans le DMP, le document est visible du patient et de ses "
                "représentants légaux (sauf masquage), ce qui ne peut pas être annulé.")


@dataclass(frozen=True, slots=True)
class UnsentDocument:
    id: int
    act_at: datetime
    author: str
    kind: str
    title: str
    patient_id: int
    patient_name: str
    visibility: tuple[str, ...]
    """What the patient asked (French labels); empty: visible to all."""
    status: str
    reason: str
    qualified: bool
    """The patient's identity is qualified now: the document may be sent."""


def unsent_documents(*, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> list[UnsentDocument]:
    """The documents not sent and those the DMP refused, oldest first; the patients shown are audited."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        rows = [(record, uow.patients.one(record.patient_id)) for record in uow.sharing.not_sent()]
        audit_patient_list(uow, Actor(operator.code, operator.workstation), [p.id for _, p in rows],
                           shown_on="documents DMP non envoyés", now=now)
        uow.commit()
    return [UnsentDocument(
        id=record.id, act_at=record.act_at, author=record.author_name or record.created_by,
        kind=sharing.KINDS.get(record.kind, record.kind), title=record.title, patient_id=patient.id,
        patient_name=f"{patient.last_name} {patient.first_name}",
        visibility=tuple(VISIBILITY_LABELS[Visibility(v)] for v in record.visibility),
        status=s.STATUS_LABELS[record.status], reason=record.reason, qualified=sharing.feedable(patient))
        for record, patient in rows]


def send_to_dmp(document_pk: int, *, confirmed: bool, uow: UnitOfWork, operator: CurrentOperator,
                now: datetime) -> str:
    """Build the document again with the (now qualified) INS and enqueue it; returns its title."""
    operator.require(Permission.PHARMACIST_ACT)
    if not confirmed:
        raise RuleViolation(MUST_CONFIRM)
    with uow:
        record = uow.sharing.get(document_pk)
        if record is None:
            raise NotFound(f"Aucun document pour le DMP n° {document_pk}.")
        sharing.send_again(uow, record, now=now)
        audit(uow, Actor(operator.code, operator.workstation), action="write", object_type="dmp_document",
              object_id=str(record.id), detail=f"envoi au DMP patient={record.patient_id}", now=now)
        uow.commit()
        return record.title
