"""A command imports only what it needs: `comptoir ins check` loads no database, web or image library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from comptoir.cli import COMMANDS
from comptoir.cli.command_table import load_command

HEAVY = ("sqlalchemy", "alembic", "fastapi", "httpx", "numpy", "PIL", "argon2", "pydantic_settings")

# Runs the real entry point, then reports on stderr which heavy packages and command modules got imported.
PROBE = """
import json, sys
from comptoir.cli import main
sys.argv = ["comptoir", *sys.argv[1:]]
try:
    main()
finally:
    print(json.dumps({"heavy": [m for m in HEAVY if m in sys.modules],
                      "cli": sorted(m for m in sys.modules if m.startswith("comptoir.cli."))}), file=sys.stderr)
""".replace("HEAVY", repr(HEAVY))


def probe(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, list[str]]]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=cwd,
                            timeout=120)
    return result, json.loads(result.stderr.splitlines()[-1])


def test_checking_a_nir_imports_no_database_web_or_image_library(tmp_path: Path) -> None:
    result, loaded = probe("ins", "check", "2 39 08 88 154 002 43", "--json", cwd=tmp_path)

    assert result.returncode == 0
    assert json.loads(result.stdout)["valid"] is True
    assert loaded["heavy"] == []
    assert set(loaded["cli"]) <= {"comptoir.cli.command_table", "comptoir.cli.usage_errors", "comptoir.cli.common",
                                  "comptoir.cli.ins"}


def test_the_help_lists_every_command_without_importing_any(tmp_path: Path) -> None:
    result, loaded = probe("--help", cwd=tmp_path)

    listed = {line.split()[1] for line in result.stdout.splitlines() if line.startswith("│ ") and len(line.split()) > 2}
    assert result.returncode == 0
    assert set(COMMANDS) <= listed
    assert loaded["heavy"] == []
    assert set(loaded["cli"]) <= {"comptoir.cli.command_table", "comptoir.cli.usage_errors", "comptoir.cli.common"}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_listed_help_is_the_commands_own(name: str) -> None:
    command = load_command(name, COMMANDS[name].target)

    assert command.name == name
    assert command.help.split("\n\n")[0].strip() == COMMANDS[name].help
