"""Where the drug reference comes from, in order: COMPTOIR_REFDATA, ../shared/data, the official site.

A source is a directory holding the BDPM files (flat or under `bdpm/`), and optionally
the ANSM thesaurus (its three CSV files, or the official PDF, or the PDF's
`pdftotext -layout` text) and a CIS→ATC table `cis_atc.csv`.

The official BDPM download address (base-donnees-publique.medicaments.gouv.fr,
`telechargement.php?fichier=NAME`) is the one the site has published for years
[unverified for 2026: the site may also serve /download/file/NAME]. The thesaurus has no
machine download: the ANSM publishes a PDF only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REQUIRED_BDPM = ("CIS_bdpm.txt", "CIS_CIP_bdpm.txt", "CIS_COMPO_bdpm.txt")
OPTIONAL_BDPM = (
    "CIS_GENER_bdpm.txt",
    "CIS_CPD_bdpm.txt",
    "CIS_MITM.txt",
    "CIS_CIP_Dispo_Spec.txt",
    "CIS_HAS_SMR_bdpm.txt",
    "CIS_HAS_ASMR_bdpm.txt",
    "HAS_LiensPageCT_bdpm.txt",
)
OFFICIAL_BDPM_URL = "https://base-donnees-publique.medicaments.gouv.fr/telechargement.php?fichier={name}"
SUBFOLDERS = ("", "bdpm", "thesaurus", "atc")


@dataclass(frozen=True, slots=True)
class RefdataSource:
    directory: Path
    origin: str
    """How it was found: "COMPTOIR_REFDATA", "../shared/data" or "téléchargement officiel"."""

    def file(self, name: str) -> Path | None:
        for sub in SUBFOLDERS:
            candidate = self.directory / sub / name
            if candidate.is_file():
                return candidate
        return None

    def glob(self, pattern: str) -> list[Path]:
        return sorted(p for sub in SUBFOLDERS for p in (self.directory / sub).glob(pattern) if p.is_file())

    def missing_required(self) -> list[str]:
        return [name for name in REQUIRED_BDPM if self.file(name) is None]


def shared_data_candidates(package_dir: Path, cwd: Path) -> list[Path]:
    """`../shared/data` beside the repository (from the source tree) or beside the working directory."""
    repo = package_dir.parent.parent
    found = []
    for base in (repo, cwd, cwd.parent):
        candidate = (base.parent / "shared" / "data").resolve()
        if candidate not in found:
            found.append(candidate)
    return found


def locate_source(configured: Path | None, candidates: list[Path]) -> RefdataSource | None:
    if configured is not None:
        return RefdataSource(configured, "COMPTOIR_REFDATA")
    for directory in candidates:
        source = RefdataSource(directory, "../shared/data")
        if directory.is_dir() and not source.missing_required():
            return source
    return None


Fetch = Callable[[str], bytes]


def download_official(target: Path, fetch: Fetch) -> tuple[RefdataSource, list[str]]:
    """Download the BDPM files into `target`; return the source and the files that failed."""
    target.mkdir(parents=True, exist_ok=True)
    failed = []
    for name in REQUIRED_BDPM + OPTIONAL_BDPM:
        try:
            (target / name).write_bytes(fetch(OFFICIAL_BDPM_URL.format(name=name)))
        except OSError as exc:
            failed.append(f"{name} ({exc})")
    return RefdataSource(target, "téléchargement officiel"), failed
