"""The declarations of suspected fake prescriptions: sent through the outbox (kind `asafo.signalement`, the
declaration's own key as idempotency key, so ASAFO records it once however often the worker tries), and listed
for the pharmacist with their outcome (« mes signalements », SPEC §15.6).

The payload names the declaration only: the worker reads its metadata and its scan from the pharmacy's database
when it sends, so a scan of a few MB never sits in the outbox's JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from typing import TYPE_CHECKING, Any

from comptoir.domain.operators import Permission
from comptoir.errors import ExternalServiceError
from comptoir.national.asafo.client import AsafoClient
from comptoir.national.asafo.port import AlertProduct, AsafoService, Declaration
from comptoir.national.http import HttpPolicy
from comptoir.services.asafo.supply import DeclarationView
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.outbox import Handler, enqueue
from comptoir.services.platform.runtime import Runtime
from comptoir.store.asafo import AsafoDeclaration
from comptoir.store.outbox import OutboxMessage

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

DECLARATION = "asafo.signalement"


def enqueue_declaration(uow: UnitOfWork, row: AsafoDeclaration, now: datetime) -> OutboxMessage:
    label = f"Signalement ASAFO — {row.patient_name or 'patient'} — prescripteur {row.prescriber_name or '?'}"
    return enqueue(uow, kind=DECLARATION, key=row.key, payload={"declaration_id": row.id}, label=label, now=now)


def declaration(row: AsafoDeclaration) -> Declaration:
    return Declaration(
        key=row.key, prescriber_rpps=row.prescriber_rpps, prescriber_structure=None,
        prescriber_name=row.prescriber_name, patient_nir=row.patient_nir, patient_name=row.patient_name,
        products=tuple(AlertProduct(p["brand"], p.get("cip13"), tuple(p.get("substances", []))) for p in row.products),
        authenticated_by_prescriber=row.authenticated_by_prescriber, prescribed_on=row.prescribed_on,
        comment=row.comment, document=row.document, content_type=row.content_type)


def handlers(service: AsafoService, unit_of_work: Callable[[], UnitOfWork]) -> dict[str, Handler]:
    def declare(payload: dict[str, Any]) -> dict[str, Any]:
        with closing(unit_of_work()) as uow, uow:
            row = uow.asafo.declaration(int(payload["declaration_id"]), with_document=True)
            if row is None:
                raise ExternalServiceError("Signalement introuvable dans la pharmacie.", permanent=True)
            answer = service.declare(declaration(row))
            if row.status == "a_envoyer":
                row.status, row.remote_id = answer.status, answer.declaration_id
            uow.commit()
        return {"idSignalement": answer.declaration_id, "statut": answer.status, "dejaRecu": answer.duplicate}

    return {DECLARATION: declare}


def asafo_client(runtime: Runtime, *, timeout_s: float | None = None) -> AsafoClient:
    settings = runtime.settings
    return AsafoClient.at(settings.asafo_url, HttpPolicy(timeout_s=timeout_s or settings.asafo_timeout_s),
                          token=settings.asafo_token)


def senders(runtime: Runtime) -> dict[str, Handler]:
    """ASAFO's kinds, sending to the service named by the settings (services/senders.py gathers them)."""
    return handlers(asafo_client(runtime), runtime.unit_of_work)


def my_declarations(*, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> list[DeclarationView]:
    """The pharmacy's declarations, newest first, with their outcome; they name patients: audited."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        rows = uow.asafo.declarations()
        audit(uow, Actor(operator.code, operator.workstation), action="read", object_type="asafo_declaration",
              object_id=f"{len(rows)} signalement(s)", now=now)
        uow.commit()
        return [declaration_view(row) for row in rows]


def declaration_view(row: AsafoDeclaration) -> DeclarationView:
    prescriber = " ".join(x for x in (row.prescriber_name, f"(RPPS {row.prescriber_rpps})" if row.prescriber_rpps
                                      else "") if x)
    return DeclarationView(id=row.id, declared_at=row.declared_at, operator_code=row.operator_code, status=row.status,
                           prescriber=prescriber, patient=row.patient_name,
                           products=tuple(p["brand"] for p in row.products),
                           authenticated_by_prescriber=row.authenticated_by_prescriber, remote_id=row.remote_id,
                           decision_reason=row.decision_reason)
