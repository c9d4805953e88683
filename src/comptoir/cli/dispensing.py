"""`comptoir dispense plan FILE --json`: the counter's plan of each line (DESIGN.md contract)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from comptoir.cli.common import ensure_reference, out, read_json_file, state_of

dispense_app = typer.Typer(help="Délivrance au comptoir : boîtes, génériques, stupéfiants, renouvellements.",
                           no_args_is_help=True)


@dispense_app.command("plan")
def plan(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Fichier JSON : un cas ou une liste de cas ; « - » pour l'entrée")],
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (contrat)")] = False,
) -> None:
    """Propose, pour chaque ligne, la boîte (CIP13), le nombre de boîtes et le générique à délivrer."""
    from comptoir.services.dispensing.plan import plan_data

    data = read_json_file(file)
    state = state_of(ctx)
    ensure_reference(state)
    with state.unit_of_work() as uow:
        planned = plan_data(data, uow=uow, references=state.runtime.analysis_reference,
                            today=state.runtime.clock().date())
    if as_json:
        print(json.dumps(planned, ensure_ascii=False))
        return
    for case in planned if isinstance(planned, list) else [planned]:
        _print(case)


def _print(case: dict[str, Any]) -> None:
    table = Table("Prescrit", "Délivré", "CIP13", "Boîtes", "Remarques", title="Plan de délivrance", show_lines=True)
    for line in case["lines"]:
        given = f"{line['name'] or '—'}" + (" [cyan](générique)[/]" if line["substituted"] else "")
        notes = "\n".join(filter(None, [line["reason"], *line["warnings"]]))
        size = f" × {line['units_per_box']} {line['unit'] or ''}".rstrip() if line["units_per_box"] else ""
        table.add_row(line["drug"], given, line["cip13"] or "—", f"{line['boxes']}{size}", notes)
    out.print(table)
