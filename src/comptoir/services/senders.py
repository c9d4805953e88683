"""The outbox's senders of this deployment: one table from message kind to the function that sends it, gathered
from every national service's use cases (ON base, DP, DMP, NMVS, MSSanté…), and the worker built on it.

Each capability exposes `senders(runtime) -> dict[kind, Handler]` beside its messages; adding a service is one
line in `SENDERS`. Kinds are prefixed by the service (`on.`, `dp.`, `dmp.`…), so two never collide.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from comptoir.services.asafo import feed as asafo_feed
from comptoir.services.asafo import report as asafo_report
from comptoir.services.dmp import messages as dmp_messages
from comptoir.services.dp import messages as dp_messages
from comptoir.services.eprescription import messages as on_messages
from comptoir.services.nmvs import messages as nmvs_messages
from comptoir.services.platform.chores import Chore
from comptoir.services.platform.outbox import Handler, OutboxWorker
from comptoir.services.platform.runtime import Runtime

SENDERS: tuple[Callable[[Runtime], dict[str, Handler]], ...] = (
    on_messages.senders,
    dmp_messages.senders,
    dp_messages.senders,
    asafo_report.senders,
    nmvs_messages.senders,
)


def all_senders(runtime: Runtime) -> dict[str, Handler]:
    table: dict[str, Handler] = {}
    for senders in SENDERS:
        table.update(senders(runtime))
    return table


def worker_for(runtime: Runtime, *, chores: tuple[Chore, ...] = ()) -> OutboxWorker:
    """The outbox worker of this deployment, sending to the services named by the settings, and doing `chores` and
    the services' own (the refresh of the ASAFO list)."""
    return OutboxWorker(runtime.unit_of_work, all_senders(runtime), runtime.clock,
                        lease=timedelta(seconds=runtime.settings.outbox_lease_s),
                        max_attempts=runtime.settings.outbox_max_attempts, chores=chores + service_chores(runtime))


def service_chores(runtime: Runtime) -> tuple[Chore, ...]:
    client = asafo_report.asafo_client(runtime)
    return asafo_feed.feed_chores(runtime.unit_of_work, lambda: client)
