"""The `comptoir` command. Thin: parse, call one service, render (Rich for people, JSON for machines).

Each area has its module here, listed in COMMANDS below and imported only when one of its commands
runs. Errors end with exit code 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import sys

import typer

from comptoir.cli.command_table import LazyCommand, LazyGroup
from comptoir.errors import ComptoirError

# Each command's module is imported when that command runs (command_table.py); the help shown by
# `comptoir --help` is kept here so that listing the commands imports none of them.
COMMANDS = {
    "demo": LazyCommand("comptoir.cli.server:demo_data", "Charge la pharmacie de démonstration, ses opérateurs "
                        "et ses patients (et le référentiel s'il manque)."),
    "serve": LazyCommand("comptoir.cli.server:serve", "Lance le serveur (après avoir chargé le référentiel s'il "
                         "manque) et l'envoi de la file d'attente."),
    "bench": LazyCommand("comptoir.cli.server:bench",
                         "Mesure les chemins critiques (recherche, import du référentiel, mémoire du serveur)."),
    "analyse": LazyCommand("comptoir.cli.analysis:analyse", "Analyse une ordonnance : interactions, "
                           "contre-indications, redondances, doses, fraude, coût."),
    "worker": LazyCommand("comptoir.cli.worker:worker", "Envoie les messages en attente aux services nationaux "
                          "(base ordonnance numérique…), avec reprises."),
    "refdata": LazyCommand("comptoir.cli.refdata:refdata_app",
                           "Référentiel des médicaments (BDPM, thésaurus ANSM, ATC)."),
    "drugs": LazyCommand("comptoir.cli.drugs:drugs_app", "Recherche de médicaments."),
    "audit": LazyCommand("comptoir.cli.audit:audit_app", "Journal d'audit des accès aux données de santé."),
    "operators": LazyCommand("comptoir.cli.operators:operators_app", "Comptes des opérateurs."),
    "ins": LazyCommand("comptoir.cli.ins:ins_app", "Identité nationale de santé (INS)."),
    "emulate": LazyCommand("comptoir.cli.emulate:emulate_app",
                           "Émulateurs des services nationaux (chacun avec sa propre base)."),
    "check": LazyCommand("comptoir.cli.check:check_app", "Double contrôle des délivrances."),
    "qr": LazyCommand("comptoir.cli.qr:qr_app", "QR code de l'ordonnance numérique."),
    "gs1": LazyCommand("comptoir.cli.gs1:gs1_app", "DataMatrix GS1 des boîtes de médicaments."),
    "read": LazyCommand("comptoir.cli.reading:read_app",
                        "Lecture d'une ordonnance papier (photo, scan ou PDF) par OCR."),
    "posology": LazyCommand("comptoir.cli.reading:posology_app",
                            "Posologies : texte du prescripteur → champs structurés."),
}


class ComptoirGroup(LazyGroup):
    table = COMMANDS


app = typer.Typer(cls=ComptoirGroup, help="comptoir — le logiciel ouvert du comptoir officinal.",
                  no_args_is_help=True, pretty_exceptions_enable=False)


@app.callback()
def _root(ctx: typer.Context) -> None:
    from comptoir.cli.common import CliState

    ctx.obj = CliState()


def main() -> None:
    """Console entry point: known errors become one French line and exit code 2."""
    try:
        code = app(standalone_mode=False)
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        sys.exit(2)
    except ComptoirError as exc:
        print(f"comptoir : {exc}", file=sys.stderr)
        sys.exit(2)
    except Exception as exc:  # entry point: no traceback for the user, the cause in one line
        print(f"comptoir : erreur inattendue ({type(exc).__name__}: {exc})", file=sys.stderr)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
