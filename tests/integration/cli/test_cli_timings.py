"""`comptoir bench`'s CLI figures: the four contract commands, each timed as a fresh process."""

from __future__ import annotations

from comptoir.devtools.cli_timings import cli_timings
from comptoir.services.platform.runtime import Runtime


def test_it_times_each_contract_command_as_a_process(reference_runtime: Runtime) -> None:
    report = cli_timings(reference_runtime, runs=1)

    for name in ("help", "ins_check", "drugs_search", "read_page"):
        assert 0 < report[f"{name}_s"] <= report[f"{name}_max_s"]
        assert report[f"{name}_cpu_s"] > 0
    assert report["runs"] == 1
