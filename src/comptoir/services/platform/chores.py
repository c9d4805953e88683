"""Periodic work a long-running loop does besides its own (the outbox worker's loop: services/platform/outbox.py):
each chore at most once per its period, a failing one logged and tried again at its next period."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

log = logging.getLogger("comptoir")


@dataclass
class Chore:
    name: str
    """In French, for the log: "nettoyage du comptoir"."""
    every: timedelta
    run: Callable[[datetime], object]
    last: datetime | None = None

    def due(self, now: datetime) -> bool:
        return self.last is None or now - self.last >= self.every


def run_due(chores: Iterable[Chore], now: datetime) -> list[str]:
    """Runs the chores that are due; the names of those run."""
    done = []
    for chore in chores:
        if not chore.due(now):
            continue
        chore.last = now
        done.append(chore.name)
        try:
            chore.run(now)
        except Exception:  # a chore is an entry point of the loop: its failure must not stop the sending
            log.exception("Tâche périodique « %s » interrompue", chore.name)
    return done
