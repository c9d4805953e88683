"""The pharmacy's copy of the ASAFO list, refreshed by the worker every `EVERY` (and when someone opens the list):
the alerts created since the newest one kept ("new since the last visit", SPEC §15.6), and the outcome of the
pharmacy's declarations. ASAFO down: the copy stays as it was, the failure is recorded and said at the counter;
nothing waits for it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from comptoir.errors import ExternalServiceError
from comptoir.national.asafo.port import Alert, AsafoService, DeclarationStatus, FeedQuery
from comptoir.services.platform.chores import Chore
from comptoir.store.asafo import AsafoAlert

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

log = logging.getLogger("comptoir")
EVERY = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Refreshed:
    alerts: int
    """New or changed alerts kept."""
    declarations: int
    """Declarations whose outcome changed."""
    error: str = ""


def refresh(unit_of_work: Callable[[], UnitOfWork], service: AsafoService, *, now: datetime) -> Refreshed:
    with closing(unit_of_work()) as uow, uow:
        since = uow.asafo.newest_alert_at()
    try:
        alerts = service.alerts(FeedQuery(since=since))
        statuses = service.declarations()
    except ExternalServiceError as exc:
        _failed(unit_of_work, str(exc), now)
        return Refreshed(0, 0, str(exc))
    with closing(unit_of_work()) as uow, uow:
        for alert in alerts:
            uow.asafo.keep_alert(_row(alert, now))
        changed = sum(_outcome(uow, status) for status in statuses)
        sync = uow.asafo.sync_state()
        sync.last_attempt_at, sync.last_success_at, sync.last_error = now, now, ""
        uow.commit()
    return Refreshed(len(alerts), changed)


def _failed(unit_of_work: Callable[[], UnitOfWork], reason: str, now: datetime) -> None:
    log.warning("Liste ASAFO non rafraîchie : %s", reason)
    with closing(unit_of_work()) as uow, uow:
        sync = uow.asafo.sync_state()
        sync.last_attempt_at, sync.last_error = now, reason[:500]
        uow.commit()


def _row(alert: Alert, now: datetime) -> AsafoAlert:
    return AsafoAlert(
        alert_id=alert.alert_id, anomaly=alert.anomaly, review_ended_on=alert.review_ended_on,
        prescribed_on=alert.prescribed_on, prescriber_rpps=alert.prescriber_rpps,
        prescriber_structure=alert.prescriber_structure, prescriber_name=alert.prescriber_name,
        patient_nir=alert.patient_nir, patient_name=alert.patient_name, drug_class=alert.drug_class,
        products=[{"brand": p.brand, "cip13": p.cip13, "substances": list(p.substances)} for p in alert.products],
        region=alert.region, created_at=alert.created_at, fetched_at=now)


def _outcome(uow: UnitOfWork, status: DeclarationStatus) -> bool:
    row = uow.asafo.declaration_by_key(status.key)
    if row is None or (row.status, row.remote_id) == (status.status, status.declaration_id):
        return False
    row.status, row.remote_id = status.status, status.declaration_id
    row.decided_at, row.decision_reason = status.decided_at, status.reason
    return True


def feed_chores(unit_of_work: Callable[[], UnitOfWork], service: Callable[[], AsafoService]) -> tuple[Chore, ...]:
    """What the worker does for ASAFO besides sending the declarations (services/platform/chores.py)."""
    return (Chore("liste ASAFO", EVERY, lambda now: refresh(unit_of_work, service(), now=now)),)
