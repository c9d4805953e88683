"""`comptoir audit verify` and `comptoir audit checkpoint`: the audit trail's chain and its signed checkpoints."""

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
    """Vérifie la chaîne du journal d'audit et ses points de contrôle signés (code de sortie 2 si altéré)."""
    state = state_of(ctx)
    files = state.runtime.audit_checkpoint_files
    with state.unit_of_work() as uow:
        check = audit_log.verify_trail(uow, files)
    if as_json:
        print(json.dumps({"intact": check.intact, "entries": check.entries,
                          "first_broken_seq": check.first_broken_seq, "reason": check.reason,
                          "checkpoints": check.checkpoints, "problems": list(check.problems),
                          "warnings": list(check.warnings)}, ensure_ascii=False))
    if not check.intact:
        raise ComptoirError(check.message())
    if not as_json:
        for warning in check.warnings:
            out.print(f"Attention : {warning}.")
        out.print(f"Journal d'audit intact : {check.entries} entrées et {check.checkpoints} point(s) de contrôle "
                  "vérifiés.")


@audit_app.command("checkpoint")
def audit_checkpoint(ctx: typer.Context) -> None:
    """Signe la tête de la chaîne du journal d'audit et l'ajoute au fichier des points de contrôle."""
    state = state_of(ctx)
    files = state.runtime.audit_checkpoint_files
    with state.unit_of_work() as uow:
        point = audit_log.write_checkpoint(uow, files, now=state.runtime.clock())
    assert point is not None
    out.print(f"Point de contrôle écrit : entrée n° {point.seq} ({', '.join(str(f) for f in files)}).")
