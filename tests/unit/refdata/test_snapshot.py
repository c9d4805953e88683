"""The packaged snapshot: every member named in its manifest with its dataset, dates and licence."""

from __future__ import annotations

import io
import shutil
import tarfile
from pathlib import Path

import pytest

from comptoir.errors import ConfigurationError
from comptoir.refdata.snapshot import SNAPSHOT_DIR, extract_snapshot, read_manifest
from comptoir.refdata.sources import REQUIRED_BDPM

# The repository's hook refuses tracked files over 8 MB; the snapshot aims well under it.
MAX_ARCHIVE_BYTES = 6 * 1024 * 1024


def archive_members() -> list[str]:
    with tarfile.open(SNAPSHOT_DIR / read_manifest().archive, mode="r:xz") as tar:
        return tar.getnames()


def test_the_manifest_lists_every_member_of_the_archive_with_its_licence() -> None:
    manifest = read_manifest()

    assert sorted(m.path for m in manifest.members) == sorted(archive_members())
    for member in manifest.members:
        dataset = manifest.datasets[member.dataset]
        assert dataset["licence"] and dataset["title"] and dataset["publisher"], member.path
        assert member.data_date and member.retrieved and member.upstream, member.path


def test_the_licences_are_those_of_the_publishers() -> None:
    datasets = read_manifest().datasets

    assert "Licence Ouverte / Etalab" in datasets["bdpm"]["licence"]
    assert datasets["bdpm"]["title"] == "Base de données publique des médicaments"
    assert "L.321-1" in datasets["thesaurus"]["licence"] and "2023" in datasets["thesaurus"]["attribution"]
    assert "Licence Ouverte / Etalab" in datasets["atc"]["licence"]


def test_the_provenance_names_every_member() -> None:
    provenance = (SNAPSHOT_DIR / "PROVENANCE.md").read_text(encoding="utf-8")

    assert all(Path(member).name in provenance for member in archive_members())


def test_the_archive_holds_what_the_importer_needs_in_a_few_megabytes() -> None:
    names = {Path(member).name for member in archive_members()}

    assert set(REQUIRED_BDPM) <= names
    assert {"cis_atc.csv", "ansm_thesaurus_2023-09_interactions.csv"} <= names
    assert (SNAPSHOT_DIR / read_manifest().archive).stat().st_size < MAX_ARCHIVE_BYTES


def test_it_unpacks_once_and_reuses_the_checked_files(tmp_path: Path) -> None:
    first, manifest = extract_snapshot(tmp_path)
    marker = (first / ".complete").stat().st_mtime_ns

    again, _ = extract_snapshot(tmp_path)

    assert again == first and (first / ".complete").stat().st_mtime_ns == marker
    assert all((first / member.path).stat().st_size == member.bytes for member in manifest.members)


def test_a_member_that_does_not_match_the_manifest_is_refused(tmp_path: Path) -> None:
    packaged = tmp_path / "snapshot"
    packaged.mkdir()
    shutil.copy(SNAPSHOT_DIR / "manifest.json", packaged)
    buffer = io.BytesIO(b"60234100\tfalsifie\n")
    with tarfile.open(packaged / read_manifest().archive, mode="w:xz") as tar:
        info = tarfile.TarInfo("bdpm/CIS_bdpm.txt")
        info.size = len(buffer.getvalue())
        tar.addfile(info, buffer)

    with pytest.raises(ConfigurationError, match="sha256"):
        extract_snapshot(tmp_path / "cache", packaged)

    assert not any((tmp_path / "cache").glob("reference-*"))
