"""`comptoir analyse FILE --json`: analyse one case or an array of cases (DESIGN.md contract).

`comptoir analyse eval [FILE] --json`: score cases carrying their "expected" findings
(services/analysis/evaluation.py); with no FILE, the development set and, apart, the blind set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from comptoir.cli.common import ensure_reference, out, read_json_file, state_of
from comptoir.services.analysis.analyse import analyse_data

COLOURS = {"CI": "bold red", "ASDEC": "dark_orange", "PE": "yellow", "APEC": "blue"}


REPOSITORY = Path(__file__).resolve().parents[3]


def analyse(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Fichier JSON : un cas ou une liste de cas ; « - » pour l'entrée ; "
                                              "« eval » pour évaluer des cas annotés")],
    cases_file: Annotated[Path | None, typer.Argument(
        help="Avec « eval » : le fichier de cas annotés (par défaut les jeux de développement et à l'aveugle)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (contrat)")] = False,
    blind: Annotated[Path | None, typer.Option(
        "--aveugle", help="Avec « eval » sans fichier : le jeu à l'aveugle (défaut tests/data/blind/…)")] = None,
) -> None:
    """Analyse une ordonnance : interactions, contre-indications, redondances, doses, fraude, coût."""
    state = state_of(ctx)
    if str(file) == "eval":
        ensure_reference(state)
        _evaluate(state.analysis_reference(), cases_file, as_json, blind)
        return
    data = read_json_file(file)
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


def _evaluate(reference: Any, cases_file: Path | None, as_json: bool, blind: Path | None) -> None:
    from comptoir.services.analysis.evaluation import BLIND, default_sets, evaluate_files

    files = {cases_file.name: cases_file} if cases_file is not None else default_sets(REPOSITORY)
    if cases_file is None and blind is not None:
        files[BLIND] = blind
    if cases_file is not None and not cases_file.exists():
        raise typer.BadParameter(f"Fichier introuvable : {cases_file}")
    scores = evaluate_files(files, reference)
    if as_json:
        print(json.dumps({"sets": [s.contract() for s in scores]}, ensure_ascii=False))
        return
    table = Table("Jeu", "Cas", "Entièrement justes", "Rappel des attendus", "Fausses alertes",
                  title="Évaluation de l'analyse")
    for s in scores:
        table.add_row(s.name, str(s.cases), _percent(s.accuracy), _percent(s.recall),
                      f"{s.false_alarms} / {s.must_not}")
    out.print(table)
    for s in scores:
        for failure in s.failures:
            out.print(f"[yellow]{s.name}[/] — {failure}")


def _percent(share: float) -> str:
    return f"{share * 100:.1f} %".replace(".", ",")
