"""`comptoir drugs search`: find a drug."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from comptoir.cli.common import ensure_reference, out, state_of
from comptoir.services.refdata import drugs

drugs_app = typer.Typer(help="Recherche de médicaments.", no_args_is_help=True)


@drugs_app.command("search")
def drug_search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="La recherche ; « - » : une recherche par ligne sur l'entrée")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 20,
) -> None:
    """Cherche un médicament par nom commercial, DCI, CIP13, CIP7, CIS ou DataMatrix GS1 de boîte (le meilleur
    d'abord)."""
    state = state_of(ctx)
    ensure_reference(state)
    # Line by line, each answer flushed: a caller may write a query and wait for its line.
    queries = (line.rstrip("\r\n") for line in sys.stdin) if query == "-" else iter([query])
    with state.unit_of_work() as uow:
        for text in queries:
            found = drugs.look_up(text, uow=uow, drug_index=state.runtime.drug_index, limit=limit)
            _print_found(text, found, as_json=as_json)


def _print_found(query: str, found: drugs.DrugSearch, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps([d.contract() for d in found.results], ensure_ascii=False), flush=True)
        return
    if found.pack is not None:
        pack = found.pack
        expiry = date.fromisoformat(pack.expiry).strftime("%d/%m/%Y") if pack.expiry else "non lue"
        out.print(f"Boîte scannée : CIP13 {pack.cip13 or '—'} · lot {pack.lot or 'non lu'} · péremption {expiry}"
                  f" · n° de série {pack.serial or 'non lu'}", markup=False)
    table = Table("CIS", "Spécialité", "Substances", "Présentations", title=f"« {query} »")
    for d in found.results:
        table.add_row(d.cis, d.name if d.marketed else f"[dim]{d.name} (non commercialisé)[/]",
                      ", ".join(d.substances), str(len(d.cip13)))
    out.print(table if found.results else found.problem or f"Aucun médicament ne correspond à « {query} ».")
