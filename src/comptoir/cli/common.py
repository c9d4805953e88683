"""What every command shares: the settings and runtime, Rich consoles, progress bars."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

if TYPE_CHECKING:  # imported where used: a command that needs no database does not load one
    from comptoir.analysis.reference import AnalysisReference
    from comptoir.services.platform.runtime import Runtime
    from comptoir.services.platform.unit_of_work import UnitOfWork
    from comptoir.services.refdata.import_reference import Step
    from comptoir.settings import Settings

err = Console(stderr=True)
out = Console()


class CliState:
    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._runtime: Runtime | None = None

    @property
    def settings(self) -> Settings:
        """Read on first use: pydantic costs a tenth of a second that `ins check` does not need."""
        if self._settings is None:
            from comptoir.settings import Settings

            self._settings = Settings()
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self._settings = settings

    @property
    def runtime(self) -> Runtime:
        from comptoir.services.platform.runtime import open_runtime

        if self._runtime is None:
            self._runtime = open_runtime(self.settings)
        return self._runtime

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """A unit of work for one command, closed at its end (the use case opens and commits it)."""
        uow = self.runtime.unit_of_work()
        try:
            yield uow
        finally:
            uow.close()

    def analysis_reference(self) -> AnalysisReference:
        with self.unit_of_work() as uow, uow:
            return self.runtime.analysis_reference.get(uow.reference)


def state_of(ctx: typer.Context) -> CliState:
    state: CliState = ctx.ensure_object(CliState)
    return state


@contextmanager
def progress_steps(total: int, title: str) -> Iterator[Step]:
    """A Rich progress bar on stderr advanced by each `step(label)`."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

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
    from comptoir.services.refdata import status as refdata_status
    from comptoir.services.refdata.import_reference import READ_STEPS

    with state.unit_of_work() as uow:
        if refdata_status.reference_loaded(uow=uow):
            return
        with progress_steps(READ_STEPS + 1, "Chargement du référentiel") as step:
            summary = refdata_status.ensure_reference(state.runtime, step, uow=uow)
    if summary is not None:
        err.print(f"Référentiel chargé depuis {summary.source} (BDPM du {summary.bdpm_date}).")




def read_json_file(file: Path) -> Any:
    """A JSON file (or the standard input for "-"), or a French `ComptoirError`."""
    from comptoir.errors import ComptoirError

    try:
        text = typer.get_text_stream("stdin").read() if str(file) == "-" else file.read_text(encoding="utf-8")
        return json.loads(text)
    except FileNotFoundError as exc:
        raise ComptoirError(f"Fichier introuvable : {file}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ComptoirError(f"{file} n'est pas un JSON valide ({exc}).") from exc
