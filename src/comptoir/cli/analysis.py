"""`comptoir analyse FILE --json`: analyse one case or an array of cases (DESIGN.md contract)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from comptoir.cli.common import ensure_reference, out, read_json_file, state_of
from comptoir.services.analysis.analyse import analyse_data

COLOURS = {"CI": "bold red", "ASDEC": "dark_orange", "PE": "yellow", "APEC": "blue"}


def analyse(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Fichier JSON : un cas ou une liste de cas ; « - » pour l'entrée")],
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (contrat)")] = False,
) -> None:
    """Analyse une ordonnance : interactions, contre-indications, redondances, doses, fraude, coût."""
    data = read_json_file(file)
    state = state_of(ctx)
    ensure_reference(state)
    reference = state.analysis_reference()
    cases = data if isinstance(data, list) else [data]
    results = [analyse_data(case, reference).contract() for case in cases]
    if as_json:
        print(json.dumps(results if isinstance(data, list) else results[0], ensure_ascii=False))
        return
    for result in results:
        _print(result)


def _print(result: dict[str, Any]) -> None:
    table = Table("Niveau", "Type", "Médicaments", "Message", title="Analyse de l'ordonnance", show_lines=True)
    for f in result["findings"]:
        table.add_row(f"[{COLOURS[f['level']]}]{f['level']}[/]", f["kind"], "\n".join(f["drugs"]), f["message"])
    out.print(table if result["findings"] else "Aucune alerte.")
    if result["unresolved"]:
        out.print(f"[yellow]Non reconnus :[/] {', '.join(result['unresolved'])}")
