"""`comptoir refdata import|status`: the drug reference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from comptoir.cli.common import err, out, progress_steps, state_of
from comptoir.errors import ComptoirError
from comptoir.refdata.sources import RefdataSource
from comptoir.services.platform.runtime import Runtime
from comptoir.services.refdata import status as refdata_status
from comptoir.services.refdata.import_reference import READ_STEPS, import_reference

refdata_app = typer.Typer(help="Référentiel des médicaments (BDPM, thésaurus ANSM, ATC).", no_args_is_help=True)


@refdata_app.command("import")
def refdata_import(
    ctx: typer.Context,
    directory: Annotated[Path | None, typer.Argument(help="Dossier des fichiers officiels (BDPM, thésaurus)")] = None,
    download: Annotated[bool, typer.Option("--telechargement", help="Télécharger la BDPM officielle")] = False,
) -> None:
    """Importe (ou réimporte) le référentiel : DOSSIER, sinon COMPTOIR_REFDATA, sinon l'instantané embarqué."""
    state = state_of(ctx)
    runtime = state.runtime
    source = _chosen_source(runtime, directory, download)
    with progress_steps(READ_STEPS + 1, "Import du référentiel") as step, state.unit_of_work() as uow:
        summary = import_reference(source, uow=uow, now=runtime.clock(), step=step)
    err.print(f"Importé depuis {summary.source} : BDPM du {summary.bdpm_date}, thésaurus {summary.thesaurus_edition}.")
    for note in summary.notes:
        err.print(f"[yellow]Attention :[/] {note}")
    _print_counts(summary.counts)


def _chosen_source(runtime: Runtime, directory: Path | None, download: bool) -> RefdataSource:
    if directory is not None and not directory.is_dir():
        raise ComptoirError(f"Dossier introuvable : {directory}")
    if directory is not None:
        return RefdataSource(directory, "argument")
    return refdata_status.download_source(runtime) if download else refdata_status.find_source(runtime)


def _print_counts(counts: dict[str, int]) -> None:
    table = Table("Contenu", "Lignes")
    for name, count in counts.items():
        table.add_row(name.replace("_", " "), f"{count:,}".replace(",", " "))
    out.print(table)


@refdata_app.command("status")
def refdata_state(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Affiche le référentiel chargé : sources, dates des données, volumes, couverture thésaurus ↔ BDPM."""
    with state_of(ctx).unit_of_work() as uow:
        status = refdata_status.reference_status(uow=uow)
    if as_json:
        print(json.dumps(status.as_json(), ensure_ascii=False, indent=2))
        return
    if not status.loaded:
        out.print("Aucun référentiel chargé : lancez [bold]comptoir refdata import[/].")
        return
    table = Table("Source", "Date des données", "Importé le", "Origine", title="Référentiel des médicaments")
    for r in status.releases:
        table.add_row("BDPM" if r.kind == "bdpm" else "Thésaurus ANSM", r.data_date or "?", r.imported_at, r.source)
    out.print(table)
    out.print(f"{status.specialties} spécialités, {status.presentations} présentations.")
    out.print(f"Noms de substances du thésaurus reliés à la BDPM : {status.thesaurus_names_mapped} / "
              f"{status.thesaurus_names} ({status.coverage:.1%}).")
