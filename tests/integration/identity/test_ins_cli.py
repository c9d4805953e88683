"""`comptoir ins check` as outside checks run it: the two INS examples of the pharmacy course."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

COMPTOIR = str(Path(sys.executable).parent / "comptoir")


def ins_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([COMPTOIR, "ins", "check", *args], capture_output=True, text=True, timeout=60)


def test_the_valid_example_prints_the_contract() -> None:
    result = ins_check("2 39 08 88 154 002 43", "--json")

    assert result.returncode == 0
    assert json.loads(result.stdout) == {"valid": True, "reason": None, "sex": "F", "birth_year": 1939,
                                         "birth_month": 8, "birth_place": "88154"}


def test_the_wrong_key_example_names_the_right_key() -> None:
    result = ins_check("2 80 01 75 056 016 18", "--json")

    answer = json.loads(result.stdout)
    assert result.returncode == 0
    assert answer["valid"] is False
    assert "35" in answer["reason"]


def test_a_declared_sex_that_the_nir_contradicts_is_invalid() -> None:
    answer = json.loads(ins_check("239088815400243", "--sexe", "M", "--json").stdout)

    assert answer["valid"] is False and "sexe déclaré est M" in answer["reason"]


def test_a_usage_error_is_one_line_on_stderr_with_exit_code_2() -> None:
    missing = ins_check()
    impossible = ins_check("239088815400243", "--naissance", "1939-02-31")

    assert (missing.returncode, impossible.returncode) == (2, 2)
    assert missing.stderr.strip().count("\n") == 0 and "indiquez le NIR" in missing.stderr
    assert "date de naissance impossible" in impossible.stderr


def test_without_json_an_invalid_number_says_why_and_exits_1() -> None:
    result = ins_check("280017505601618")

    assert result.returncode == 1
    assert "la clé attendue est 35" in result.stdout
