"""Where the drug reference comes from: COMPTOIR_REFDATA, else the snapshot shipped in the package.

A newer edition comes from a directory (`comptoir refdata import DIR`) or from the official
download (`comptoir refdata import --telechargement`); the product never looks beside the
repository. A source is a directory holding the BDPM files (flat or under `bdpm/`), and optionally
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

from comptoir.refdata.snapshot import extract_snapshot

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
    """How it was found: "COMPTOIR_REFDATA", "instantané embarqué", "argument" or "téléchargement officiel"."""
    label: str = ""
    """What the release rows record as the source; by default the directory and the origin."""

    @property
    def description(self) -> str:
        return self.label or f"{self.directory} ({self.origin})"

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


def locate_source(configured: Path | None, cache: Path) -> RefdataSource:
    """COMPTOIR_REFDATA when set, else the packaged snapshot, unpacked under `cache`."""
    if configured is not None:
        return RefdataSource(configured, "COMPTOIR_REFDATA")
    directory, manifest = extract_snapshot(cache)
    return RefdataSource(directory, "instantané embarqué", label=manifest.label())


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
