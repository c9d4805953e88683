"""`comptoir audit verify`: the audit trail's hash chain."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from comptoir.cli.common import out, state_of
from comptoir.errors import ComptoirError
from comptoir.services.platform import audit_log

audit_app = typer.Typer(help="Journal d'audit des accès aux données de santé.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Vérifie la chaîne de hachage du journal d'audit (code de sortie 2 si elle est rompue)."""
    with state_of(ctx).unit_of_work() as uow:
        check = audit_log.verify_trail(uow)
    if as_json:
        print(json.dumps({"intact": check.intact, "entries": check.entries,
                          "first_broken_seq": check.first_broken_seq, "reason": check.reason}, ensure_ascii=False))
    if not check.intact:
        raise ComptoirError(f"Journal d'audit altéré à l'entrée n° {check.first_broken_seq} : {check.reason}.")
    if not as_json:
        out.print(f"Journal d'audit intact : {check.entries} entrées vérifiées.")
