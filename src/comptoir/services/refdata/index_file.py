"""The drug search index kept on disk, so that a command does not rebuild it at every run.

Building the index from the ~15,000 specialties costs about a second of CPU; reading it back
from a pickle costs a tenth. The file is named by a key over the database, its latest reference
import and the code that builds the index: a new import, another database or a changed
index builder each get a new file, and the old ones are removed. The file lives under
`var/` beside the database and is written only by comptoir, like the database itself.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path

from comptoir.refdata import search
from comptoir.refdata.search import DrugIndex
from comptoir.store.refdata import ReferenceRepository

PREFIX = "drug-index-"
_BUILDERS = (Path(search.__file__), Path(__file__).with_name("drugs.py"))
"""The index's shape and its records come from these files: a change in either makes a new key."""


def index_key(reference: ReferenceRepository, release_key: tuple[int, int]) -> str:
    digest = hashlib.sha256(repr((reference.database_name(), release_key, reference.last_import())).encode())
    for builder in _BUILDERS:
        digest.update(builder.read_bytes())
    return digest.hexdigest()[:24]


def cached_index(directory: Path, key: str, build: Callable[[], DrugIndex]) -> DrugIndex:
    """The index saved under `key`, or a new one built, saved and returned."""
    path = directory / f"{PREFIX}{key}.pickle"
    index = _read(path)
    if index is None:
        index = build()
        _write(path, index)
    # The index lives as long as the process and holds no cycles: out of the collector's sight, the
    # collections made while the command runs and at exit skip its million objects (half a second of CPU).
    gc.freeze()
    return index


def _read(path: Path) -> DrugIndex | None:
    # The collector would walk the half-built postings again and again: off while unpickling (3x faster).
    enabled = gc.isenabled()
    gc.disable()
    try:
        with path.open("rb") as file:
            index = pickle.load(file)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None
    finally:
        if enabled:
            gc.enable()
    return index if isinstance(index, DrugIndex) else None


def _write(path: Path, index: DrugIndex) -> None:
    """Atomic (another process may be reading), and best effort: a read-only `var/` only costs speed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=PREFIX, suffix=".tmp", delete=False) as file:
            pickle.dump(index, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(file.name, path)
        for old in path.parent.glob(f"{PREFIX}*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        return
