"""The `comptoir` command. Thin: parse, call one service, render (Rich for people, JSON for machines).

Errors end with exit code 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from comptoir.domain.operators import Role
from comptoir.errors import ComptoirError
from comptoir.services import audit_log, demo, drugs, operators, refdata_status
from comptoir.services.refdata_import import READ_STEPS, Step, import_reference
from comptoir.services.runtime import Runtime, open_runtime
from comptoir.settings import Settings

app = typer.Typer(help="comptoir — le logiciel ouvert du comptoir officinal.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
refdata_app = typer.Typer(help="Référentiel des médicaments (BDPM, thésaurus ANSM, ATC).", no_args_is_help=True)
drugs_app = typer.Typer(help="Recherche de médicaments.", no_args_is_help=True)
audit_app = typer.Typer(help="Journal d'audit des accès aux données de santé.", no_args_is_help=True)
operators_app = typer.Typer(help="Comptes des opérateurs.", no_args_is_help=True)
app.add_typer(refdata_app, name="refdata")
app.add_typer(drugs_app, name="drugs")
app.add_typer(audit_app, name="audit")
app.add_typer(operators_app, name="operators")

err = Console(stderr=True)
out = Console()


class CliState:
    def __init__(self) -> None:
        self.settings = Settings()
        self._runtime: Runtime | None = None

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            self._runtime = open_runtime(self.settings)
        return self._runtime


def _state(ctx: typer.Context) -> CliState:
    state: CliState = ctx.ensure_object(CliState)
    return state


@app.callback()
def _root(ctx: typer.Context) -> None:
    ctx.obj = CliState()


@contextmanager
def progress_steps(total: int, title: str) -> Iterator[Step]:
    """A Rich progress bar on stderr advanced by each `step(label)`."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=False) as bar:
        task = bar.add_task(title, total=total)
        started = False

        def step(label: str) -> None:
            nonlocal started
            bar.update(task, description=f"{title} — {label}", advance=1 if started else 0)
            started = True

        yield step
        bar.update(task, description=f"{title} — terminé", completed=total)


def ensure_reference(state: CliState) -> None:
    if refdata_status.reference_loaded(state.runtime):
        return
    with progress_steps(READ_STEPS + 1, "Chargement du référentiel") as step:
        summary = refdata_status.ensure_reference(state.runtime, step)
    if summary is not None:
        err.print(f"Référentiel chargé depuis {summary.source} (BDPM du {summary.bdpm_date}).")


@refdata_app.command("import")
def refdata_import(
    ctx: typer.Context,
    directory: Annotated[Path | None, typer.Argument(help="Dossier des fichiers officiels (BDPM, thésaurus)")] = None,
) -> None:
    """Import (or re-import) the drug reference in one transaction."""
    state = _state(ctx)
    runtime = state.runtime
    from comptoir.refdata.sources import RefdataSource

    if directory is not None and not directory.is_dir():
        raise ComptoirError(f"Dossier introuvable : {directory}")
    source = RefdataSource(directory, "argument") if directory else refdata_status.find_source(runtime)
    with progress_steps(READ_STEPS + 1, "Import du référentiel") as step:
        summary = import_reference(source, session_factory=runtime.session_factory, now=runtime.clock(), step=step)
    err.print(f"Importé depuis {summary.source} : BDPM du {summary.bdpm_date}, thésaurus {summary.thesaurus_edition}.")
    for note in summary.notes:
        err.print(f"[yellow]Attention :[/] {note}")
    _print_counts(summary.counts)


def _print_counts(counts: dict[str, int]) -> None:
    table = Table("Contenu", "Lignes")
    for name, count in counts.items():
        table.add_row(name.replace("_", " "), f"{count:,}".replace(",", " "))
    out.print(table)


@refdata_app.command("status")
def refdata_state(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show the loaded reference: sources, data dates, counts, thesaurus↔BDPM coverage."""
    with _state(ctx).runtime.session_factory() as session:
        status = refdata_status.reference_status(session)
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


@drugs_app.command("search")
def drug_search(
    ctx: typer.Context, query: str, as_json: Annotated[bool, typer.Option("--json")] = False,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 20,
) -> None:
    """Search a drug by brand, DCI, CIP13, CIP7 or CIS (best first)."""
    state = _state(ctx)
    ensure_reference(state)
    with state.runtime.session_factory() as session:
        found = drugs.search_drugs(state.runtime.drug_index.get(session), query, limit=limit)
    if as_json:
        print(json.dumps([d.contract() for d in found], ensure_ascii=False))
        return
    table = Table("CIS", "Spécialité", "Substances", "Présentations")
    for d in found:
        table.add_row(d.cis, d.name if d.marketed else f"[dim]{d.name} (non commercialisé)[/]",
                      ", ".join(d.substances), str(len(d.cip13)))
    out.print(table if found else f"Aucun médicament ne correspond à « {query} ».")


@audit_app.command("verify")
def audit_verify(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Recompute the audit trail's hash chain; exit 2 if it is broken."""
    with _state(ctx).runtime.session_factory() as session:
        check = audit_log.verify(session)
    if as_json:
        print(json.dumps({"intact": check.intact, "entries": check.entries,
                          "first_broken_seq": check.first_broken_seq, "reason": check.reason}, ensure_ascii=False))
    if not check.intact:
        raise ComptoirError(f"Journal d'audit altéré à l'entrée n° {check.first_broken_seq} : {check.reason}.")
    if not as_json:
        out.print(f"Journal d'audit intact : {check.entries} entrées vérifiées.")


@operators_app.command("add")
def operator_add(
    ctx: typer.Context, code: str, name: Annotated[str, typer.Option(help="Nom affiché")],
    role: Annotated[Role, typer.Option(help="Rôle")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Create an operator account."""
    runtime = _state(ctx).runtime
    with runtime.session_factory.begin() as session:
        operators.create_operator(session, code=code, display_name=name, role=role, password=password,
                                  now=runtime.clock())
    out.print(f"Opérateur {code} créé ({role.label}).")


@app.command("demo")
def demo_data(ctx: typer.Context) -> None:
    """Load the demo pharmacy, its operators and patients (and the reference if absent)."""
    state = _state(ctx)
    ensure_reference(state)
    with state.runtime.session_factory.begin() as session:
        added = demo.load_demo(session, now=state.runtime.clock())
    out.print(f"Démo : {added['operateurs']} opérateur(s), {added['patients']} patient(s) ajoutés.")
    table = Table("Code", "Nom", "Rôle", title=f"Opérateurs de démonstration (mot de passe : {demo.DEMO_PASSWORD})")
    for code, name, role, _ in demo.DEMO_OPERATORS:
        table.add_row(code, name, role.label)
    out.print(table)


@app.command("serve")
def serve(
    ctx: typer.Context, host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    with_demo: Annotated[bool, typer.Option("--demo/--no-demo", help="Charger les données de démonstration")] = False,
) -> None:
    """Run the server (reference loaded first if absent)."""
    import uvicorn

    from comptoir.web.app import create_app

    state = _state(ctx)
    ensure_reference(state)
    if with_demo:
        with state.runtime.session_factory.begin() as session:
            demo.load_demo(session, now=state.runtime.clock())
    with state.runtime.session_factory() as session:
        state.runtime.drug_index.get(session)
    settings = state.settings
    err.print(f"comptoir écoute sur http://{host or settings.host}:{port or settings.port}")
    uvicorn.run(create_app(settings, runtime=state.runtime), host=host or settings.host,
                port=port or settings.port, log_level="info")


@app.command("bench")
def bench(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Time the hot paths (drug search, reference import, server memory)."""
    from comptoir.services.bench import run_benchmarks

    state = _state(ctx)
    ensure_reference(state)
    report: dict[str, Any] = run_benchmarks(state.runtime, log=lambda text: err.print(text))
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        out.print_json(json.dumps(report, ensure_ascii=False))


def main() -> None:
    """Console entry point: known errors become one French line and exit code 2."""
    try:
        code = app(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except (click.exceptions.Abort, KeyboardInterrupt):
        err.print("Interrompu.")
        sys.exit(2)
    except ComptoirError as exc:
        print(f"comptoir : {exc}", file=sys.stderr)
        sys.exit(2)
    except Exception as exc:  # entry point: no traceback for the user, the cause in one line
        print(f"comptoir : erreur inattendue ({type(exc).__name__}: {exc})", file=sys.stderr)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
