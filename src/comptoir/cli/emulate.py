"""`comptoir emulate insi|eprescription --port N`: a national-service emulator on its own, with its own database."""

from __future__ import annotations

from typing import Annotated

import typer

from comptoir.cli.common import err, state_of

emulate_app = typer.Typer(help="Émulateurs des services nationaux (chacun avec sa propre base).",
                          no_args_is_help=True)


@emulate_app.command("insi")
def emulate_insi(
    ctx: typer.Context, port: Annotated[int, typer.Option(min=1, max=65535, help="Port d'écoute")] = 8101,
    host: Annotated[str, typer.Option(help="Adresse d'écoute")] = "127.0.0.1",
) -> None:
    """Lance l'émulateur du téléservice INSi (identités de test, scénarios panne et lenteur)."""
    import uvicorn

    from comptoir.national.ins.emulator import create_emulator

    settings = state_of(ctx).settings
    database = settings.emulators_dir / "insi.db"
    err.print(f"Émulateur INSi sur http://{host}:{port} (base : {database})")
    uvicorn.run(create_emulator(database), host=host, port=port, log_level="info")


@emulate_app.command("eprescription")
def emulate_eprescription(
    ctx: typer.Context, port: Annotated[int, typer.Option(min=1, max=65535, help="Port d'écoute")] = 8102,
    host: Annotated[str, typer.Option(help="Adresse d'écoute")] = "127.0.0.1",
) -> None:
    """Lance l'émulateur de la base ordonnance numérique (scénarios : patient PANNE, LENTEUR)."""
    import uvicorn

    from comptoir.national.eprescription.emulator import create_emulator

    database = state_of(ctx).settings.emulators_dir / "ordonnance-numerique.db"
    err.print(f"Émulateur de la base ordonnance numérique sur http://{host}:{port} (base : {database})")
    uvicorn.run(create_emulator(database), host=host, port=port, log_level="info")
