"""The DMP's messages in the outbox and the worker's senders: `dmp.document` feeds a document (ITI-41) with the
visibility the patient asked for, `dmp.suppression` deletes one by its author (a document the DMP no longer knows was
already deleted: a deletion delivered twice is acknowledged). The outcome is written on the
shared document's record: sent, or refused by the DMP with its reason (a refusal is for good: INS unknown,
patient's opposition…); a DMP that is down raises a temporary error and the outbox tries again later.

Each step opens its own short unit of work: no transaction is held while the DMP is asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from comptoir.errors import ExternalServiceError, NotFound
from comptoir.national.dmp.client import DmpClient
from comptoir.national.dmp.port import Dmp, Visibility
from comptoir.national.http import HttpPolicy
from comptoir.services.dmp.sharing import DOCUMENT, SUPPRESSION
from comptoir.services.platform.outbox import Handler
from comptoir.services.platform.runtime import Runtime
from comptoir.store import sharing as s

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


def handlers(dmp: Dmp, unit_of_work: Callable[[], UnitOfWork], clock: Callable[[], datetime]) -> dict[str, Handler]:
    @contextmanager
    def record_of(document_id: str) -> Iterator[s.SharedDocument]:
        with closing(unit_of_work()) as uow, uow:
            record = uow.sharing.by_document_id(document_id)
            if record is None:
                raise NotFound(f"Document pour le DMP {document_id} introuvable.")
            yield record
            uow.commit()

    def submit(payload: dict[str, Any]) -> dict[str, Any]:
        document_id = payload["document_id"]
        with record_of(document_id) as record:
            content = bytes(record.content)
        visibility = tuple(Visibility(v) for v in payload.get("visibility", ()))
        try:
            receipt = dmp.submit(content, visibility)
        except ExternalServiceError as exc:
            if exc.permanent:  # a document cancelled meanwhile is not in the DMP: nothing left to delete
                with record_of(document_id) as record:
                    record.status = s.DELETED if record.status == s.TO_DELETE else s.REFUSED
                    record.reason = str(exc)
            raise
        with record_of(document_id) as record:
            if record.status in (s.TO_SEND, s.REFUSED):
                record.status, record.reason = s.SENT, ""
            record.sent_at = clock()
        return {"uniqueId": receipt.unique_id, "version": receipt.version, "dejaRecu": receipt.duplicate}

    def delete(payload: dict[str, Any]) -> dict[str, Any]:
        document_id = payload["document_id"]
        try:
            deleted_or_already(dmp, document_id)
        except ExternalServiceError as exc:
            if exc.permanent:
                with record_of(document_id) as record:
                    record.reason = f"Suppression refusée par le DMP : {exc}"
            raise
        with record_of(document_id) as record:
            record.status, record.reason = s.DELETED, ""
        return {"uniqueId": document_id, "supprime": True}

    return {DOCUMENT: submit, SUPPRESSION: delete}


def deleted_or_already(dmp: Dmp, document_id: str) -> None:
    """A deletion answered « not found » was done before: the worker died after the DMP deleted, and tries again.

    national/http.py names the HTTP status of a refusal in its message; a 404 is the only permanent refusal that
    says the document is not there (SPEC §5: the DMP deletes a document by its uniqueId)."""
    try:
        dmp.delete(document_id)
    except ExternalServiceError as exc:
        if not (exc.permanent and "(HTTP 404)" in str(exc)):
            raise


def dmp_client(runtime: Runtime) -> DmpClient:
    settings = runtime.settings
    return DmpClient.at(settings.dmp_url, HttpPolicy(timeout_s=settings.dmp_timeout_s), token=settings.dmp_token)


def senders(runtime: Runtime) -> dict[str, Handler]:
    """The DMP's kinds, sending to the DMP named by the settings (services/senders.py gathers them)."""
    return handlers(dmp_client(runtime), runtime.unit_of_work, runtime.clock)
