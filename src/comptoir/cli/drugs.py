"""`comptoir drugs search`: find a drug."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from comptoir.cli.common import ensure_reference, out, state_of
from comptoir.services.refdata import drugs

drugs_app = typer.Typer(help="Recherche de médicaments.", no_args_is_help=True)


@drugs_app.command("search")
def drug_search(
    ctx: typer.Context, query: str, as_json: Annotated[bool, typer.Option("--json")] = False,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 20,
) -> None:
    """Cherche un médicament par nom commercial, DCI, CIP13, CIP7 ou CIS (le meilleur d'abord)."""
    state = state_of(ctx)
    ensure_reference(state)
    with state.unit_of_work() as uow:
        found = drugs.find_drugs(query, uow=uow, drug_index=state.runtime.drug_index, limit=limit)
    if as_json:
        print(json.dumps([d.contract() for d in found], ensure_ascii=False))
        return
    table = Table("CIS", "Spécialité", "Substances", "Présentations")
    for d in found:
        table.add_row(d.cis, d.name if d.marketed else f"[dim]{d.name} (non commercialisé)[/]",
                      ", ".join(d.substances), str(len(d.cip13)))
    out.print(table if found else f"Aucun médicament ne correspond à « {query} ».")
