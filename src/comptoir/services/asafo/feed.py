"""The pharmacy's copy of the ASAFO list, refreshed by the worker every `EVERY` (and when someone opens the list):
the alerts created since the newest one kept ("new since the last visit", SPEC §15.6), and the outcome of the
pharmacy's declarations. ASAFO down: the copy stays as it was, the failure is recorded and said at the counter;
nothing waits for it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from comptoir.domain.operators import Permission
from comptoir.errors import ExternalServiceError
from comptoir.national.asafo.port import Alert, AsafoService, DeclarationStatus, FeedQuery
from comptoir.services.asafo.check import ANOMALIES, CURRENT_DAYS, status_of, utc
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.chores import Chore
from comptoir.services.platform.operators import CurrentOperator
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
        newest = uow.asafo.newest_alert_at()
    since = utc(newest) if newest else None
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


# --- the list as the pharmacist reads it ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListingQuery:
    region: str | None = None
    """None: the national list."""
    nir: str | None = None


@dataclass(frozen=True, slots=True)
class AlertRow:
    alert_id: str
    anomaly: str
    review_ended_on: date
    prescribed_on: date | None
    prescriber: str
    patient: str
    drug_class: str
    products: str
    region: str
    created_at: datetime
    new: bool
    """Created since the operator's last visit (shown in bold, SPEC §15.6)."""


@dataclass(frozen=True, slots=True)
class Listing:
    rows: tuple[AlertRow, ...]
    regions: tuple[str, ...]
    last_visit: datetime | None
    status: str


def listing(query: ListingQuery, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> Listing:
    """The current alerts (a year, `check.CURRENT_DAYS`) of the region or the nation, or those naming a NIR; the
    visit is remembered. They name patients: audited."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        every = uow.asafo.alerts_since(now - timedelta(days=CURRENT_DAYS))
        visit = uow.asafo.last_visit(operator.code)
        last = visit.visited_at if visit else None
        rows = tuple(_alert_row(a, last) for a in every if _wanted(a, query))
        uow.asafo.visit(operator.code, now)
        audit(uow, Actor(operator.code, operator.workstation), action="read", object_type="asafo_alert",
              object_id=f"{len(rows)} alerte(s)", detail=f"région={query.region or 'national'} "
                                                        f"nir={'oui' if query.nir else 'non'}", now=now)
        status = status_of(uow, now)
        uow.commit()
    return Listing(rows, tuple(sorted({a.region for a in every})), last, status)


def _wanted(alert: AsafoAlert, query: ListingQuery) -> bool:
    return (not query.region or alert.region == query.region) and (not query.nir or alert.patient_nir == query.nir)


def _alert_row(alert: AsafoAlert, last_visit: datetime | None) -> AlertRow:
    prescriber = " ".join(x for x in (alert.prescriber_name, f"RPPS {alert.prescriber_rpps}" if alert.prescriber_rpps
                                      else "", f"n° {alert.prescriber_structure}" if alert.prescriber_structure
                                      else "") if x)
    patient = " ".join(x for x in (alert.patient_name, f"NIR {alert.patient_nir}" if alert.patient_nir else "") if x)
    return AlertRow(alert.alert_id, ANOMALIES.get(alert.anomaly, alert.anomaly), alert.review_ended_on,
                    alert.prescribed_on, prescriber, patient, alert.drug_class,
                    ", ".join(p.get("brand", "") for p in alert.products), alert.region, alert.created_at,
                    new=last_visit is None or alert.created_at > last_visit)
