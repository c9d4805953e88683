"""The history of a patient's identity: every change, who made it, when and why (RNIV traceability).

Every service that changes an identity calls `change_identity`, which applies the new values,
writes one `IdentityEvent` with the before/after of each field, and an audit-trail entry.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from comptoir.services.platform.audit_log import Actor, audit
from comptoir.store import models as m

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

EVENT_LABELS = {
    "creation": "Création", "insi": "Identité INSi acceptée", "piece": "Pièce d'identité", "traits": "Traits modifiés",
    "attribut": "Attribut", "appli": "Application carte Vitale", "fusion": "Fusion", "visite": "Visite",
}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return ",".join(value) if isinstance(value, list) else str(value)


def change_identity(uow: UnitOfWork, patient: m.Patient, actor: Actor, *, kind: str, reason: str,
                    values: dict[str, Any], now: datetime) -> m.IdentityEvent:
    """Set `values` on the patient and record what actually changed (also the status)."""
    status_before = patient.identity_status
    changes = {field: [_text(getattr(patient, field)), _text(value)] for field, value in values.items()
               if _text(getattr(patient, field)) != _text(value)}
    for field, value in values.items():
        setattr(patient, field, value)
    event = m.IdentityEvent(patient_id=patient.id, at=now, operator_code=actor.operator_code,
                            workstation=actor.workstation, kind=kind, reason=reason, status_before=status_before,
                            status_after=patient.identity_status, changes=changes)
    uow.patients.add_event(event)
    audit(uow, actor, action="write", object_type="patient", object_id=str(patient.id),
          detail=f"identité : {EVENT_LABELS.get(kind, kind)} — {reason}"[:500], now=now)
    return event

