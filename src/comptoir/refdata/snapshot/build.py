"""Build the packaged snapshot from a working copy such as `../shared/data`, byte for byte reproducibly.

The description below is the edition's provenance (PROVENANCE.md of the working copy, §1–3):
a newer edition means new dates and upstream copies here, then `scripts/build-snapshot.py`.
Only what the importer reads goes in: CIS_MITM.txt is left out because `atc/cis_atc.csv`
already carries its ATC codes (method `bdpm_CIS_MITM`) and the importer reads that table
first; the thesaurus goes in as its three CSV files, not as the 1.3 MB `pdftotext` text.
"""

from __future__ import annotations

import hashlib
import io
import json
import lzma
import tarfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

EDITION = "2026-05"
BDPM_MAIN = "MiaouLeChat929/bdpm-ingest, dossier raw/, commit b6dd2ede6aec4b85e03a7670a56dab0e223743d4"
BDPM_HAS = "atttoum8643f/Traittmedical_project.io, dossier data/, commit 81768f1ced04c7fb09e5528deedc0ea1f6839866"
THESAURUS_TEXT = ("Rian-T/tabib-eval, scenarios/ansm/truth/…septembre-2023.layout.txt, commit "
                  "058427ead02eb24e2543483ec7cc3d99c65f6672 (pdftotext -layout du PDF de l'ANSM)")


@dataclass(frozen=True, slots=True)
class Dataset:
    title: str
    publisher: str
    licence: str
    attribution: str
    url: str


@dataclass(frozen=True, slots=True)
class MemberSpec:
    path: str
    dataset: str
    data_date: str
    """The date of the data itself (latest date found in the set, or the edition)."""
    retrieved: str
    upstream: str
    changes: str


DATASETS = {
    "bdpm": Dataset(
        title="Base de données publique des médicaments",
        publisher="ANSM, HAS, UNCAM",
        licence="Licence Ouverte / Etalab",
        attribution="Base de données publique des médicaments (base-donnees-publique.medicaments.gouv.fr), "
                    "téléchargement de mai 2026 ; avis HAS SMR/ASMR téléchargés le 2023-11-18",
        url="https://base-donnees-publique.medicaments.gouv.fr",
    ),
    "thesaurus": Dataset(
        title="Thésaurus des interactions médicamenteuses",
        publisher="ANSM",
        licence="Réutilisation selon le CRPA, art. L.321-1 et suivants : source et date citées, "
                "informations non altérées et sens non dénaturé (pas de licence ouverte)",
        attribution="ANSM, Thésaurus des interactions médicamenteuses, septembre 2023 (15/09/2023)",
        url="https://ansm.sante.fr",
    ),
    "atc": Dataset(
        title="Table CIS → code ATC",
        publisher="dérivée par l'équipe comptoir de la BDPM (CIS_MITM et CIS_COMPO)",
        licence="Licence Ouverte / Etalab (donnée dérivée de la Base de données publique des médicaments)",
        attribution="Base de données publique des médicaments, mai 2026 : CIS_MITM (ATC officiel) et "
                    "spécialités de mêmes substances actives",
        url="https://base-donnees-publique.medicaments.gouv.fr",
    ),
}

_REENCODED = "réencodé en UTF-8 (depuis cp1252), fins de ligne LF ; colonnes et valeurs telles que publiées"
_AS_IS = "déjà en UTF-8 en amont ; colonnes et valeurs telles que publiées"
_THESAURUS = "produit par l'équipe en découpant le texte du PDF en colonnes ; textes repris mot pour mot"


def _bdpm(name: str, changes: str = _REENCODED) -> MemberSpec:
    return MemberSpec(f"bdpm/{name}", "bdpm", "2026-05-19", "2026-05-26", BDPM_MAIN, changes)


def _has(name: str) -> MemberSpec:
    return MemberSpec(f"bdpm/{name}", "bdpm", "2023-09-06", "2023-11-18", BDPM_HAS, _REENCODED)


def _thesaurus(part: str) -> MemberSpec:
    return MemberSpec(f"thesaurus/ansm_thesaurus_2023-09_{part}.csv", "thesaurus", "2023-09-15", "2026-08-19",
                      THESAURUS_TEXT, _THESAURUS)


MEMBERS = (
    _bdpm("CIS_bdpm.txt"),
    _bdpm("CIS_CIP_bdpm.txt", _AS_IS),
    _bdpm("CIS_COMPO_bdpm.txt"),
    _bdpm("CIS_GENER_bdpm.txt"),
    _bdpm("CIS_CPD_bdpm.txt", _REENCODED + " ; 3 lignes vides parasites retirées"),
    _bdpm("CIS_CIP_Dispo_Spec.txt"),
    _bdpm("HAS_LiensPageCT_bdpm.txt", _AS_IS),
    _has("CIS_HAS_SMR_bdpm.txt"),
    _has("CIS_HAS_ASMR_bdpm.txt"),
    MemberSpec("atc/cis_atc.csv", "atc", "2026-05-19", "2026-05-26", BDPM_MAIN,
               "calculée par l'équipe : ATC officiel de CIS_MITM, étendu aux mêmes substances actives"),
    _thesaurus("interactions"),
    _thesaurus("protagonists"),
    _thesaurus("class_members"),
)

OMITTED = {
    "bdpm/CIS_MITM.txt": "ses codes ATC sont déjà dans atc/cis_atc.csv, que l'import lit en premier",
    "thesaurus/ansm_thesaurus_2023-09.pdftotext-layout.txt": "les trois CSV en sont tirés ; l'import lit les CSV",
}

# Fixed so that the same files give the same archive, whatever their mtime on disk.
MEMBER_MTIME = int(datetime(2026, 5, 26, tzinfo=UTC).timestamp())


def archive_name(edition: str = EDITION) -> str:
    return f"reference-{edition}.tar.xz"


def build_snapshot(source: Path, target: Path, edition: str = EDITION) -> Path:
    """Write `reference-<edition>.tar.xz` and `manifest.json` into `target`; return the archive."""
    contents = {spec.path: _read_member(source, spec.path) for spec in MEMBERS}
    archive = target / archive_name(edition)
    archive.write_bytes(_compress(_tar(contents)))
    manifest = _manifest(edition, contents)
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                          encoding="utf-8")
    return archive


def _read_member(source: Path, path: str) -> bytes:
    for candidate in (source / path, source / Path(path).name):
        if candidate.is_file():
            return candidate.read_bytes()
    raise FileNotFoundError(f"{path} absent de {source}")


def _tar(contents: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path in sorted(contents):
            info = tarfile.TarInfo(path)
            info.size, info.mtime, info.mode = len(contents[path]), MEMBER_MTIME, 0o644
            tar.addfile(info, io.BytesIO(contents[path]))
    return buffer.getvalue()


def _compress(data: bytes) -> bytes:
    return lzma.compress(data, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64, preset=9 | lzma.PRESET_EXTREME)


def _manifest(edition: str, contents: dict[str, bytes]) -> dict[str, object]:
    return {
        "name": f"reference-{edition}",
        "archive": archive_name(edition),
        "datasets": {key: asdict(dataset) for key, dataset in DATASETS.items()},
        "members": [_member(spec, contents[spec.path]) for spec in sorted(MEMBERS, key=lambda spec: spec.path)],
        "omitted": OMITTED,
    }


def _member(spec: MemberSpec, content: bytes) -> dict[str, object]:
    return asdict(spec) | {"bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
