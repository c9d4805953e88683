"""`comptoir worker`: the outbox worker on its own, for deployments where the servers do not send
(COMPTOIR_OUTBOX_WORKER=false). Several may run at once: claims never overlap (services/outbox.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from comptoir.cli.common import err, state_of


def worker(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Envoyer ce qui est dû, puis s'arrêter")] = False,
) -> None:
    """Envoie les messages en attente aux services nationaux (base ordonnance numérique…), avec reprises."""
    from comptoir.services.eprescription.messages import worker_for

    state = state_of(ctx)
    sender = worker_for(state.runtime)
    if once:
        total = 0
        while sent := sender.run_once():
            total += sent
        err.print(f"{total} message(s) traité(s).")
        return
    err.print(f"Envoi de la file d'attente vers {state.settings.eprescription_url} (Ctrl+C pour arrêter).")
    try:
        sender.run_forever(state.settings.outbox_poll_s)
    except KeyboardInterrupt:
        sender.stop.set()
