"""JSON numbers are finite: NaN, Infinity and overflowing numbers are told apart from the rest."""

from __future__ import annotations

import pytest

from comptoir.web.security import holds_non_finite


@pytest.mark.parametrize("body", [b'{"a": NaN}', b'[1, -Infinity]', b'{"w": 1e999}', b'{"x": {"y": [Infinity]}}'])
def test_non_finite_numbers_are_found(body: bytes) -> None:
    assert holds_non_finite(body)


@pytest.mark.parametrize("body", [b'{"a": 1.5, "b": -2, "c": 1e300}', b'"NaN"', b"not json", b""])
def test_finite_numbers_strings_and_non_json_pass(body: bytes) -> None:
    assert not holds_non_finite(body)
