"""`comptoir worker`: the outbox worker on its own, for deployments where the servers do not send
(COMPTOIR_OUTBOX_WORKER=false), with the counter's hourly housekeeping (services/dispensing/housekeeping.py).
Several may run at once: claims never overlap (services/outbox.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from comptoir.cli.common import err, state_of


def worker(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Envoyer ce qui est dû, puis s'arrêter")] = False,
) -> None:
    """Envoie les messages en attente aux services nationaux, avec reprises, et fait le ménage du comptoir.

    Base ordonnance numérique… ; le ménage, une fois par heure : paniers abandonnés, ordonnances scannées jamais
    délivrées."""
    from comptoir.services.dispensing.housekeeping import counter_chores
    from comptoir.services.senders import worker_for

    state = state_of(ctx)
    sender = worker_for(state.runtime, chores=counter_chores(state.runtime.unit_of_work))
    if once:
        total = 0
        while sent := sender.tick():
            total += sent
        err.print(f"{total} message(s) traité(s).")
        return
    err.print(f"Envoi de la file d'attente vers {state.settings.eprescription_url} (Ctrl+C pour arrêter).")
    try:
        sender.run_forever(state.settings.outbox_poll_s)
    except KeyboardInterrupt:
        sender.stop.set()
