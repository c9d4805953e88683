"""Open the packaged snapshot: read its manifest, unpack it into a cache checked against the manifest.

The cache directory is named after the archive's members' hashes, so a new snapshot (an
upgrade of comptoir) unpacks beside the old one instead of mixing with it, and a second
import reuses the files already checked.
"""

from __future__ import annotations

import hashlib
import json
import lzma
import os
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from comptoir.errors import ConfigurationError

SNAPSHOT_DIR = Path(__file__).resolve().parent
COMPLETE = ".complete"


@dataclass(frozen=True, slots=True)
class Member:
    path: str
    dataset: str
    data_date: str
    retrieved: str
    upstream: str
    sha256: str
    bytes: int


@dataclass(frozen=True, slots=True)
class Manifest:
    name: str
    archive: str
    datasets: dict[str, dict[str, str]]
    members: tuple[Member, ...]

    def member(self, path: str) -> Member | None:
        return next((m for m in self.members if m.path == path), None)

    def data_dates(self, dataset: str) -> list[str]:
        return sorted({m.data_date for m in self.members if m.dataset == dataset}, reverse=True)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256("".join(m.sha256 for m in self.members).encode()).hexdigest()[:12]

    def label(self) -> str:
        """How the release rows name this snapshot: file, dates, licences."""
        bdpm, thesaurus = self.data_dates("bdpm"), self.data_dates("thesaurus")
        return (f"instantané embarqué {self.name} (comptoir/refdata/snapshot/{self.archive}) : "
                f"{self.datasets['bdpm']['title']} du {' ; avis HAS du '.join(bdpm)} "
                f"({self.datasets['bdpm']['licence']}), table ATC dérivée de la BDPM, "
                f"thésaurus ANSM du {', '.join(thesaurus)} (CRPA art. L.321-1)")


def read_manifest(directory: Path = SNAPSHOT_DIR) -> Manifest:
    path = directory / "manifest.json"
    if not path.is_file():
        raise ConfigurationError(f"Instantané du référentiel absent de l'installation ({path}) : définissez "
                                 "COMPTOIR_REFDATA ou importez un dossier (comptoir refdata import DOSSIER).")
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    members = tuple(Member(**{k: m[k] for k in Member.__slots__}) for m in raw["members"])
    return Manifest(name=raw["name"], archive=raw["archive"], datasets=raw["datasets"], members=members)


def extract_snapshot(cache: Path, directory: Path = SNAPSHOT_DIR) -> tuple[Path, Manifest]:
    """Unpack the snapshot under `cache` (once per snapshot); return the files' directory and the manifest."""
    manifest = read_manifest(directory)
    target = cache / f"{manifest.name}-{manifest.fingerprint}"
    if not (target / COMPLETE).is_file():
        _unpack(directory / manifest.archive, manifest, target)
    return target, manifest


def _unpack(archive: Path, manifest: Manifest, target: Path) -> None:
    scratch = target.with_name(f"{target.name}.{os.getpid()}.partiel")
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        with tarfile.open(archive, mode="r:xz") as tar:
            for info in tar:
                _write_member(tar, info, manifest, scratch)
    except (OSError, tarfile.TarError, lzma.LZMAError) as exc:
        shutil.rmtree(scratch, ignore_errors=True)
        raise ConfigurationError(f"Instantané du référentiel illisible ({archive}) : {exc}") from exc
    missing = [m.path for m in manifest.members if not (scratch / m.path).is_file()]
    if missing:
        raise ConfigurationError(f"Instantané du référentiel incomplet ({archive}) : manquent {', '.join(missing)}.")
    (scratch / COMPLETE).write_text(manifest.fingerprint, encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    scratch.rename(target)


def _write_member(tar: tarfile.TarFile, info: tarfile.TarInfo, manifest: Manifest, scratch: Path) -> None:
    # Only the manifest's own names are written: a member it does not list is refused, not unpacked.
    expected = manifest.member(info.name)
    handle = tar.extractfile(info) if info.isfile() else None
    if expected is None or handle is None:
        raise tarfile.TarError(f"membre inattendu : {info.name}")
    data = handle.read()
    if hashlib.sha256(data).hexdigest() != expected.sha256:
        raise tarfile.TarError(f"{info.name} ne correspond pas au manifeste (sha256)")
    path = scratch / expected.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
