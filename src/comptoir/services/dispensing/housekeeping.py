"""The counter's housekeeping, run at most once an hour by the outbox worker (`comptoir serve` with its worker,
or `comptoir worker`): a basket left open or waiting for a day, untouched, is abandoned — its analysis and its
prices are a day old, and nobody will validate it — and the scans no dispensation took after a day are purged
(services/dispensing/scans.py: health data with no purpose left). Several workers may run it at once: the
stale baskets are locked, and each step deletes or changes only what is still there to change."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from comptoir.services.dispensing.scans import purge_abandoned_scans
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.chores import Chore

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

STALE_AFTER = timedelta(days=1)
EVERY = timedelta(hours=1)
SYSTEM = "systeme"
"""The actor of what the server does by itself (the audit log names it)."""


def abandon_stale_baskets(*, uow: UnitOfWork, now: datetime, untouched_for: timedelta = STALE_AFTER) -> int:
    """Marks "abandonné" the baskets open or waiting and untouched for `untouched_for`; how many, each audited."""
    with uow:
        stale = uow.baskets.stale(updated_before=now - untouched_for)
        for row in stale:
            row.status, row.version, row.updated_by, row.updated_at = "abandonne", row.version + 1, SYSTEM, now
            audit(uow, Actor(SYSTEM, ""), action="write", object_type="basket", object_id=str(row.id),
                  detail=f"abandon automatique : inchangé depuis plus d'un jour patient={row.patient_id or '-'}",
                  now=now)
        uow.commit()
    return len(stale)


@dataclass(frozen=True, slots=True)
class Tidied:
    baskets: int
    """Baskets abandoned."""
    scans: int
    """Scans purged."""


def tidy_counter(unit_of_work: Callable[[], UnitOfWork], *, now: datetime) -> Tidied:
    """Stale baskets abandoned, then the scans of abandoned baskets purged: each in its own transaction."""
    with closing(unit_of_work()) as uow:
        baskets = abandon_stale_baskets(uow=uow, now=now)
    with closing(unit_of_work()) as uow:
        scans = purge_abandoned_scans(uow=uow, now=now)
    return Tidied(baskets, scans)


def counter_chores(unit_of_work: Callable[[], UnitOfWork]) -> tuple[Chore, ...]:
    """What the outbox worker does for the counter besides sending (services/platform/chores.py)."""
    return (Chore("nettoyage du comptoir", EVERY, lambda now: tidy_counter(unit_of_work, now=now)),)
