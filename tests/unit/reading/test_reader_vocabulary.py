"""The reader keeps its own words: it neither imports the page generator nor copies the generator's lists.

A reader whose keyword tables were the generator's vocabulary would score 100 % on generated pages and
tell nothing of real ones. Shared facts (official headings of the forms, the month names) live in
`reading.prescription_forms`, the one place both sides may quote.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import comptoir.reading
from comptoir.devtools.paper_prescriptions import drawing, generator
from comptoir.reading import prescription_forms
from comptoir.refdata.search import fold

SMALLEST_COPY = 5
"""A generator list shorter than this found in a reader table is the language's (cp, gélule...), not a copy."""
_REGEX_WORDS = re.compile(r"[a-zà-ÿ'’]+(?:\s+[a-zà-ÿ'’]+)*")


def reader_modules() -> Iterator[ModuleType]:
    package = Path(comptoir.reading.__file__).parent
    for info in pkgutil.walk_packages([str(package)], prefix="comptoir.reading."):
        yield importlib.import_module(info.name)


def plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w' ]", " ", fold(text)).split())


def strings_in(value: object) -> list[str] | None:
    """The strings of a module-level table (tuple, list, set, dict keys), nested tuples flattened."""
    if isinstance(value, dict):
        value = list(value)
    if not isinstance(value, tuple | list | set | frozenset) or not value:
        return None
    found: list[str] = []
    for item in value:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, tuple | list):
            found += [part for part in item if isinstance(part, str)] + [s for p in item for s in strings_in(p) or []]
    return found or None


def tables(module: ModuleType) -> dict[str, set[str]]:
    """Every string table of the module, and the words of its regular expressions, in plain folded form."""
    shared = {id(v) for v in vars(prescription_forms).values()}
    found: dict[str, set[str]] = {}
    for name, value in vars(module).items():
        if id(value) in shared or isinstance(value, ModuleType):
            continue
        if isinstance(value, re.Pattern):
            words = {plain(w) for w in _REGEX_WORDS.findall(str(value.pattern).lower())}
            found[f"{module.__name__}.{name}"] = words | {w for phrase in words for w in phrase.split()}
        elif (strings := strings_in(value)) is not None:
            found[f"{module.__name__}.{name}"] = {plain(s) for s in strings}
    return found


def generator_lists() -> dict[str, set[str]]:
    lists = {**tables(generator), **tables(drawing)}
    return {name: items for name, items in lists.items() if len(items) >= SMALLEST_COPY}


def test_no_reader_module_imports_the_generator() -> None:
    package = Path(comptoir.reading.__file__).parent
    importing = [path.name for path in package.rglob("*.py")
                 if re.search(r"^\s*(?:from|import)\s+comptoir\.devtools", path.read_text(encoding="utf-8"), re.M)]

    assert importing == []


def test_no_reader_table_quotes_a_generator_list() -> None:
    reader = {name: words for module in reader_modules() for name, words in tables(module).items()}

    copies = [f"{reader_name} ⊇ {generator_name}" for generator_name, items in generator_lists().items()
              for reader_name, words in reader.items() if items <= words]

    assert copies == []


def test_the_check_would_catch_a_copied_list() -> None:
    copied = {plain(advice) for advice in generator.ADVICE} | {"autre chose"}

    assert any(items <= copied for items in generator_lists().values())
