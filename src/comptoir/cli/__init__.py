"""The `comptoir` command. Thin: parse, call one service, render (Rich for people, JSON for machines).

Each area has its module here, listed in COMMANDS below and imported only when one of its commands
runs. Errors end with exit code 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

from comptoir.cli.command_table import LazyCommand, LazyGroup
from comptoir.cli.usage_errors import failure_message, one_line

# Each command's module is imported when that command runs (command_table.py); the help shown by
# `comptoir --help` is kept here so that listing the commands imports none of them.
COMMANDS = {
    "demo": LazyCommand("comptoir.cli.server:demo_data", "Charge la pharmacie de démonstration, ses opérateurs "
                        "et ses patients (et le référentiel s'il manque)."),
    "serve": LazyCommand("comptoir.cli.server:serve", "Lance le serveur (après avoir chargé le référentiel s'il "
                         "manque) et l'envoi de la file d'attente."),
    "bench": LazyCommand("comptoir.cli.server:bench", "Mesure les chemins critiques (recherche, analyse, scan, "
                         "contrôle différé, import, mémoire du serveur)."),
    "analyse": LazyCommand("comptoir.cli.analysis:analyse", "Analyse une ordonnance : interactions, "
                           "contre-indications, redondances, doses, fraude, coût."),
    "dispense": LazyCommand("comptoir.cli.dispensing:dispense_app", "Délivrance au comptoir : boîtes, génériques, "
                            "stupéfiants, renouvellements."),
    "worker": LazyCommand("comptoir.cli.worker:worker", "Envoie les messages en attente aux services nationaux, "
                          "avec reprises, et fait le ménage du comptoir."),
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
    "backup": LazyCommand("comptoir.cli.backup:backup",
                          "Sauvegarde la base de la pharmacie (à chaud, les comptoirs continuent de travailler)."),
    "restore": LazyCommand("comptoir.cli.backup:restore",
                           "Restaure une sauvegarde à la place de la base actuelle (arrêtez le serveur avant)."),
    "gs1": LazyCommand("comptoir.cli.gs1:gs1_app", "DataMatrix GS1 des boîtes de médicaments."),
    "read": LazyCommand("comptoir.cli.reading:read_app",
                        "Lecture d'une ordonnance papier (photo, scan ou PDF) par OCR."),
    "dmp": LazyCommand("comptoir.cli.dmp:dmp_app",
                       "Documents CDA R2 envoyés au DMP (dispensation, vaccination, compte rendu)."),
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
    """Console entry point: every failure becomes one French line on stderr and exit code 2."""
    try:
        code = app(standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        _fail("interrompu.")
    except Exception as exc:  # entry point: no traceback for the user, the cause in one line
        _fail(failure_message(exc))
    sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str) -> NoReturn:
    print(f"comptoir : {one_line(message)}", file=sys.stderr)
    sys.exit(2)
