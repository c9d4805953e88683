"""`comptoir check deferred --since DATE`: the deferred double check of a period."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from comptoir.cli.common import ensure_reference, err, out, state_of
from comptoir.errors import ComptoirError
from comptoir.services.analysis.deferred_check import check_period

check_app = typer.Typer(help="Double contrôle des délivrances.", no_args_is_help=True)
COLOURS = {"CI": "bold red", "ASDEC": "dark_orange", "PE": "yellow", "APEC": "blue"}


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ComptoirError(f"{option} : date invalide « {value} » (attendu AAAA-MM-JJ).") from exc


@check_app.command("deferred")
def deferred(
    ctx: typer.Context,
    since: Annotated[str, typer.Option("--since", help="Premier jour (AAAA-MM-JJ)")],
    until: Annotated[str | None, typer.Option("--until", help="Dernier jour (défaut : aujourd'hui)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON")] = False,
) -> None:
    """Réanalyse toutes les délivrances d'une période et liste celles qui ont des alertes."""
    start, end = _day(since, "--since"), _day(until, "--until") if until else date.today()
    state = state_of(ctx)
    ensure_reference(state)
    reference = state.analysis_reference()
    columns = (TextColumn("Contrôle différé"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err) as bar:
        task = bar.add_task("", total=None)
        with state.unit_of_work() as uow:
            checked = check_period(start, uow=uow, reference=reference, until=end,
                                   progress=lambda done, total: bar.update(task, completed=done, total=total))
    flagged = [c for c in checked if c.level]
    if as_json:
        print(json.dumps({"checked": len(checked), "with_findings": [
            {"id": c.id, "dispensed_at": c.dispensed_at.isoformat(), "patient_id": c.patient_id, "level": c.level,
             "findings": c.findings, "summary": c.summary} for c in flagged]}, ensure_ascii=False))
        return
    table = Table("N°", "Date", "Patient", "Niveau", "Alertes", "Principale", title=f"{len(checked)} délivrance(s)")
    for c in flagged:
        table.add_row(str(c.id), f"{c.dispensed_at:%d/%m/%Y}", str(c.patient_id or "—"),
                      f"[{COLOURS[c.level or 'APEC']}]{c.level}[/]", str(c.findings), c.summary[:90])
    out.print(table if flagged else f"{len(checked)} délivrance(s) contrôlée(s), aucune alerte.")
