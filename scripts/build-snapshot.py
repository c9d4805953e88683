#!/usr/bin/env python3
"""Rebuild the drug reference snapshot shipped in the package, reproducibly.

    .venv/bin/python scripts/build-snapshot.py [SOURCE] [--edition 2026-05]

SOURCE is a working copy laid out like ../shared/data (bdpm/, thesaurus/, atc/); by default the
first `shared/data` found beside the repository or one level up (a git worktree under wt/).
The edition's provenance (dates, upstream copies, licences) is described in
src/comptoir/refdata/snapshot/build.py; update it, and PROVENANCE.md beside the archive,
before building a new edition. The same files always give the same archive bytes.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from comptoir.refdata.snapshot import SNAPSHOT_DIR
from comptoir.refdata.snapshot.build import EDITION, archive_name, build_snapshot

REPO = Path(__file__).resolve().parent.parent


def default_source() -> Path:
    candidates = [base / "shared" / "data" for base in (REPO.parent, REPO.parent.parent)]
    return next((c for c in candidates if c.is_dir()), candidates[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", nargs="?", type=Path, default=None)
    parser.add_argument("--edition", default=EDITION)
    args = parser.parse_args()
    for old in SNAPSHOT_DIR.glob("reference-*.tar.xz"):
        if old.name != archive_name(args.edition):
            old.unlink()
    archive = build_snapshot(args.source or default_source(), SNAPSHOT_DIR, args.edition)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    print(f"{archive.relative_to(REPO)} : {archive.stat().st_size:,} octets, sha256 {digest}")


if __name__ == "__main__":
    main()
