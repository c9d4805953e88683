"""`comptoir backup` and `comptoir restore`: copies of the pharmacy's database."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from comptoir.cli.common import err, out, state_of
from comptoir.services.platform.backup import restore_backup, take_backup


def backup(
    ctx: typer.Context,
    to: Annotated[Path | None, typer.Option("--vers", help="Fichier de destination")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Sauvegarde la base de la pharmacie (à chaud, les comptoirs continuent de travailler)."""
    done = take_backup(state_of(ctx).settings, now=datetime.now(UTC), destination=to)
    if as_json:
        print(json.dumps(done.as_json(), ensure_ascii=False))
    else:
        out.print(f"Sauvegarde écrite : {done.path} ({done.size_bytes / 1e6:.1f} Mo)")


def restore(
    ctx: typer.Context, source: Path,
    confirmed: Annotated[bool, typer.Option("--confirmer", help="Remplacer la base actuelle")] = False,
) -> None:
    """Restaure une sauvegarde à la place de la base actuelle (arrêtez le serveur avant)."""
    if not confirmed:
        err.print("La restauration remplace toute la base actuelle : relancez avec --confirmer, serveur arrêté.")
        raise typer.Exit(2)
    restore_backup(state_of(ctx).settings, source)
    out.print(f"Base restaurée depuis {source}.")
