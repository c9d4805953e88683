"""The CLI's contracts under any input: exit 0 with valid JSON only, or exit 2 with one French line on stderr."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.cli import main

CLI_FUZZ = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
ENGLISH = ("Error", "Usage:", "Traceback", "No such", "Missing", "Invalid value", "unexpected")
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                               st.sampled_from(["today", "patient", "lines", "history", "drug", "posology",
                                                "birth_date", "allergies", "weight_kg", "egfr", "date", "sex",
                                                "non_substitutable", "renewal", "duration_days", "boxes", "cip13"]),
                               inner, max_size=5), max_leaves=25)
argument = st.one_of(st.text(max_size=60), st.sampled_from(["--json", "-", "--", "--inconnue", "", "-x", "1e999",
                                                             "nan", "Infinity", "{" * 3000]))


def run(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["comptoir", *argv])
    monkeypatch.setattr(sys, "stdin", open("/dev/null"))  # noqa: SIM115 (closed by the process)
    with pytest.raises(SystemExit) as ended:
        main()
    captured = capsys.readouterr()
    return int(ended.value.code or 0), captured.out, captured.err


def assert_contract(code: int, out: str, err: str, *, wants_json: bool) -> None:
    assert code in (0, 2), (code, err)
    if code == 2:
        lines = [line for line in err.strip().splitlines() if line.strip()]
        assert len(lines) == 1, err
        assert not any(word in lines[0] for word in ENGLISH), lines[0]
    elif wants_json:
        for line in out.strip().splitlines():
            json.loads(line, parse_constant=lambda name: pytest.fail(f"{name} printed as JSON"))


@pytest.mark.parametrize("command", [["ins", "check"], ["qr", "decode"], ["gs1", "parse"], ["posology", "parse"]])
@CLI_FUZZ
@given(text=argument)
def test_parsing_commands_keep_their_contract_on_any_argument(command: list[str], text: str,
                                                              capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run([*command, "--json", "--", text], capsys, monkeypatch)

    assert_contract(code, out, err, wants_json=True)


@CLI_FUZZ
@given(argv=st.lists(argument, max_size=4))
def test_any_command_line_gets_exit_0_or_a_french_line(argv: list[str], capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(["ins", *argv], capsys, monkeypatch)

    if code == 1:  # documented: without --json, `ins check` exits 1 on an invalid NIR
        assert out.startswith("NIR invalide"), out
        return
    assert_contract(code, out, err, wants_json="--json" in argv)


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=json_values)
def test_analyse_answers_any_json_file_with_findings_or_a_french_refusal(
        case: object, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, reference_db: str) -> None:
    monkeypatch.setenv("COMPTOIR_DATABASE_URL", reference_db)
    path = Path(tmp_path_factory.mktemp("cas")) / "cas.json"
    path.write_text(json.dumps(case))

    code, out, err = run(["analyse", str(path), "--json"], capsys, monkeypatch)

    assert_contract(code, out, err, wants_json=True)


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=json_values)
def test_dispense_plan_answers_any_json_file_with_lines_or_a_french_refusal(
        case: object, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, reference_db: str) -> None:
    monkeypatch.setenv("COMPTOIR_DATABASE_URL", reference_db)
    path = Path(tmp_path_factory.mktemp("cas")) / "cas.json"
    path.write_text(json.dumps(case))

    code, out, err = run(["dispense", "plan", str(path), "--json"], capsys, monkeypatch)

    assert_contract(code, out, err, wants_json=True)
