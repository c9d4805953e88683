"""The drug reference shipped inside the package: one xz archive, its manifest and its provenance.

    snapshot/
      reference-<edition>.tar.xz   the files the importer reads (BDPM, thesaurus CSV, CIS→ATC)
      manifest.json                every member with its dataset, dates, upstream copy, size, sha256;
                                   every dataset with its publisher and licence
      PROVENANCE.md                the same, for people

`archive.py` opens it (the product), `build.py` makes it (`scripts/build-snapshot.py`).
"""

from comptoir.refdata.snapshot.archive import SNAPSHOT_DIR, Manifest, extract_snapshot, read_manifest

__all__ = ["SNAPSHOT_DIR", "Manifest", "extract_snapshot", "read_manifest"]
