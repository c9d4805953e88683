"""Commands imported only when they run.

`comptoir ins check NIR` must not pay for the web app, the database or the OCR: the root group
knows each command by a `"module:attribute"` string and its short help, imports the module on
`get_command`, and lists `comptoir --help` from the table alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any, ClassVar

import typer
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True, slots=True)
class LazyCommand:
    target: str
    """`"module:attribute"`: a Typer app (a group of commands) or a command function."""
    help: str
    """The line `comptoir --help` shows; a test checks it against the command's own help."""


def load_command(name: str, target: str) -> Any:  # a click Command from typer's vendored click
    module_name, attribute = target.split(":")
    found = getattr(import_module(module_name), attribute)
    if isinstance(found, typer.Typer):
        group = typer.main.get_group(found)
        group.name = name
        return group
    single = typer.Typer(add_completion=False)
    single.command(name)(found)
    return typer.main.get_command(single)


class LazyGroup(TyperGroup):
    """A TyperGroup whose subclass sets `table`; commands registered eagerly still work beside it."""

    table: ClassVar[dict[str, LazyCommand]] = {}
    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:  # typer vendors its own click Context
        return [*self.table, *(name for name in super().list_commands(ctx) if name not in self.table)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        entry = self.table.get(cmd_name)
        if entry is None or cmd_name in self.commands:
            return super().get_command(ctx, cmd_name)
        if self._listing:
            return TyperCommand(cmd_name, help=entry.help)
        self.commands[cmd_name] = load_command(cmd_name, entry.target)
        return self.commands[cmd_name]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        # The help lists every command from the table: stand-ins with the stored help, nothing imported.
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
