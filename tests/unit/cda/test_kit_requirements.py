"""The kit's tests skip only where the kit is absent: a kit present without saxonche is an error, not a skip."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.unit.cda import kit


def test_a_kit_present_without_saxonche_fails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "validate.py").write_text("")
    monkeypatch.setattr(kit, "KIT", tmp_path)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *_: None)

    with pytest.raises(kit.SaxonMissing, match="saxonche absent"):
        kit.missing()


def test_an_absent_kit_is_a_reason_to_skip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(kit, "KIT", tmp_path / "ailleurs")

    assert "kit de conformité CDA absent" in kit.missing()
