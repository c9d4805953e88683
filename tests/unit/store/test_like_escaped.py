"""A search typed at the counter matches as typed: LIKE's wildcards stand for themselves."""

from __future__ import annotations

from comptoir.store.identity import like_escaped


def test_wildcards_and_the_escape_character_are_escaped() -> None:
    assert like_escaped(r"50%_a\b") == r"50\%\_a\\b"


def test_a_name_is_left_as_it_is() -> None:
    assert like_escaped("D'ARC-ÉLOI") == "D'ARC-ÉLOI"
