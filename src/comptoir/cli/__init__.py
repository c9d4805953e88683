"""The `comptoir` command. Thin: parse, call one service, render (Rich for people, JSON for machines).

Each area has its module here and registers itself below. Errors end with exit code 2 and
one line on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

from comptoir.cli import analysis, audit, backup, check, drugs, emulate, gs1, ins, operators, reading, refdata, server
from comptoir.cli.common import CliState
from comptoir.cli.qr import qr_app
from comptoir.cli.usage_errors import failure_message, one_line
from comptoir.cli.worker import worker

app = typer.Typer(help="comptoir — le logiciel ouvert du comptoir officinal.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
app.add_typer(refdata.refdata_app, name="refdata")
app.add_typer(drugs.drugs_app, name="drugs")
app.add_typer(audit.audit_app, name="audit")
app.add_typer(operators.operators_app, name="operators")
app.add_typer(ins.ins_app, name="ins")
app.add_typer(emulate.emulate_app, name="emulate")
app.registered_commands += server.app.registered_commands
app.command("analyse")(analysis.analyse)
app.add_typer(check.check_app, name="check")
app.add_typer(qr_app, name="qr")
app.command("worker")(worker)
app.command("backup")(backup.backup)
app.command("restore")(backup.restore)
app.add_typer(gs1.gs1_app, name="gs1")
app.add_typer(reading.read_app, name="read")
app.add_typer(reading.posology_app, name="posology")


@app.callback()
def _root(ctx: typer.Context) -> None:
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
