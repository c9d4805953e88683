"""Pattern helpers shared by the posology modules: rare patterns and the text buffer."""

from __future__ import annotations

import re

_C = re.compile
_HINTS: dict[int, tuple[str, ...]] = {}  # keyed by id: hashing a pattern hashes its whole source
_ALL_HINTS: set[str] = set()  # complete once every posology module is imported, before any parse


def _rare(source: str, *hints: str) -> re.Pattern[str]:
    """Compiles a pattern that is only run when the text holds one of `hints` (every match holds one)."""
    pattern = re.compile(source)
    _HINTS[id(pattern)] = hints
    _ALL_HINTS.update(hints)
    return pattern


def _may_match(pattern: re.Pattern[str], text: str) -> bool:
    """Cheap pre-check: a rare pattern is only run when one of the words every match contains is there."""
    hints = _HINTS.get(id(pattern))
    return not hints or any(hint in text for hint in hints)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


class _Buffer:
    """Text from which recognised phrases are blanked out, so later patterns do not read them again."""

    __slots__ = ("present", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        # blanking only removes words, so the hints found now stay a safe superset
        self.present = frozenset(hint for hint in _ALL_HINTS if hint in text)

    def take(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        found: list[re.Match[str]] = []
        hints = _HINTS.get(id(pattern))
        if hints is not None and self.present.isdisjoint(hints):
            return found

        def keep(match: re.Match[str]) -> str:
            found.append(match)
            return " " * len(match.group(0))

        self.text = pattern.sub(keep, self.text)
        return found

    def cut(self, start: int, end: int) -> None:
        self.text = self.text[:start] + " " * (end - start) + self.text[end:]
