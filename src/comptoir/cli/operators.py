"""`comptoir operators add`: operator accounts."""

from __future__ import annotations

from typing import Annotated

import typer

from comptoir.cli.common import out, state_of
from comptoir.domain.operators import Role
from comptoir.services.platform import operators

operators_app = typer.Typer(help="Comptes des opérateurs.", no_args_is_help=True)


@operators_app.command("add")
def operator_add(
    ctx: typer.Context, code: str, name: Annotated[str, typer.Option(help="Nom affiché")],
    role: Annotated[Role, typer.Option(help="Rôle")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Crée un compte opérateur (en tant que propriétaire de la machine : inscrit au journal sous « cli »)."""
    state = state_of(ctx)
    with state.unit_of_work() as uow:
        operators.create_operator(operators.NewOperator(code, name, role, password), by=operators.MACHINE_OWNER,
                                  uow=uow, now=state.runtime.clock())
    out.print(f"Opérateur {code} créé ({role.label}).")
