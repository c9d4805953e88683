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
    """Crée un compte opérateur."""
    runtime = state_of(ctx).runtime
    with runtime.session_factory.begin() as session:
        operators.create_operator(session, code=code, display_name=name, role=role, password=password,
                                  now=runtime.clock())
    out.print(f"Opérateur {code} créé ({role.label}).")
