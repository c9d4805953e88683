"""The drug index kept on disk between commands, under a key that changes with the reference."""

from __future__ import annotations

from pathlib import Path

from comptoir.refdata.search import DrugIndex, DrugRecord
from comptoir.services.platform.runtime import Runtime
from comptoir.services.refdata import index_file

RECORD = DrugRecord("60234100", "DOLIPRANE 1000 mg, comprimé", ("paracétamol",), ("3400935955838",), ("3595583",),
                    True, (1000.0,))


class Builder:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> DrugIndex:
        self.calls += 1
        return DrugIndex([RECORD])


def test_a_saved_index_is_read_back_instead_of_rebuilt(tmp_path: Path) -> None:
    build = Builder()

    index_file.cached_index(tmp_path, "k1", build)
    again = index_file.cached_index(tmp_path, "k1", build)

    assert build.calls == 1
    assert again.search("doliprane 1000")[0].record == RECORD


def test_a_new_key_rebuilds_and_removes_the_old_file(tmp_path: Path) -> None:
    build = Builder()

    index_file.cached_index(tmp_path, "k1", build)
    index_file.cached_index(tmp_path, "k2", build)

    assert build.calls == 2
    assert [p.name for p in tmp_path.iterdir()] == ["drug-index-k2.pickle"]


def test_an_unreadable_file_is_rebuilt(tmp_path: Path) -> None:
    (tmp_path / "drug-index-k1.pickle").write_bytes(b"pas un index")
    build = Builder()

    index = index_file.cached_index(tmp_path, "k1", build)

    assert build.calls == 1 and len(index) == 1


def test_the_key_follows_the_reference_release(runtime: Runtime) -> None:
    with runtime.unit_of_work() as uow:
        keys = {index_file.index_key(uow.reference, (1, 15000)), index_file.index_key(uow.reference, (2, 15000)),
                index_file.index_key(uow.reference, (1, 15000))}

    assert len(keys) == 2
