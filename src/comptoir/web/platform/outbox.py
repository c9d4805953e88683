"""The outbox page: messages to the national services not sent yet or failed, with their reasons and a
resend button (a pharmacist's decision); and the same as JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from comptoir.domain.operators import Permission
from comptoir.services.platform import outbox
from comptoir.services.platform.operators import CurrentOperator
from comptoir.web.bounds import RecordId
from comptoir.web.deps import RuntimeDep, UowDep, require
from comptoir.web.rendering import render

router = APIRouter()
Reader = Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]
Pharmacist = Annotated[CurrentOperator, Depends(require(Permission.PHARMACIST_ACT))]


@router.get("/envois", response_class=HTMLResponse, include_in_schema=False)
def outbox_page(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Reader) -> HTMLResponse:
    waiting = outbox.waiting(operator, uow=uow, now=runtime.clock())
    return render(request, "outbox.html", waiting=waiting, sent=outbox.recently_sent(uow=uow))


@router.post("/envois/{message_id}/renvoyer", include_in_schema=False)
def resend_page(message_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Pharmacist) -> RedirectResponse:
    outbox.resend(operator, message_id, uow=uow, now=runtime.clock())
    return RedirectResponse("/envois", status_code=303)


@router.get("/api/outbox", tags=["envois"])
def outbox_api(runtime: RuntimeDep, uow: UowDep, operator: Reader) -> list[dict[str, object]]:
    """Messages to the national services not sent yet or failed, with the last error."""
    return [{"id": m.id, "kind": m.kind, "key": m.idempotency_key, "status": m.status, "attempts": m.attempts,
             "label": m.label, "last_error": m.last_error, "next_attempt_at": m.next_attempt_at.isoformat()}
            for m in outbox.waiting(operator, uow=uow, now=runtime.clock())]


@router.post("/api/outbox/{message_id}/resend", tags=["envois"])
def resend_api(message_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Pharmacist) -> dict[str, object]:
    """Send a failed message again now (same idempotency key: never recorded twice)."""
    row = outbox.resend(operator, message_id, uow=uow, now=runtime.clock())
    return {"id": row.id, "status": row.status}
