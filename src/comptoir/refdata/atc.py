"""CIS → ATC: the official link of CIS_MITM, widened to specialties with the same active substances.

The BDPM's only official CIS→ATC link is CIS_MITM (médicaments d'intérêt thérapeutique
majeur). A specialty outside it gets an ATC when it has exactly the same set of active
substance codes (SA rows of CIS_COMPO) as MITM specialties that all share one ATC; a set
that points to several ATCs gives nothing. This is the method of `cis_atc.csv` in
PROVENANCE.md §3, and it lets an official download work without that file.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from comptoir.errors import ReferenceFileError
from comptoir.refdata.bdpm import AtcRow, CompositionRow

INFERRED = "inferred_same_active_substances"


def derive_atc(mitm: Iterable[AtcRow], compositions: Iterable[CompositionRow]) -> list[AtcRow]:
    official = {row.cis: row for row in mitm}
    actives = _active_sets(compositions)
    atc_by_set: dict[frozenset[str], set[str]] = defaultdict(set)
    for cis, row in official.items():
        if cis in actives:
            atc_by_set[actives[cis]].add(row.atc_code)
    inferred = [
        AtcRow(cis=cis, atc_code=next(iter(atc_by_set[codes])), method=INFERRED)
        for cis, codes in actives.items()
        if cis not in official and len(atc_by_set.get(codes, ())) == 1
    ]
    return list(official.values()) + inferred


def _active_sets(compositions: Iterable[CompositionRow]) -> dict[str, frozenset[str]]:
    sets: dict[str, set[str]] = defaultdict(set)
    for row in compositions:
        if row.nature == "SA":
            sets[row.cis].add(row.substance_code)
    return {cis: frozenset(codes) for cis, codes in sets.items()}


def read_cis_atc_csv(path: Path) -> list[AtcRow]:
    """Read a `cis,atc_code,method,...` table."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = []
        for row in reader:
            cis, code = row.get("cis") or "", row.get("atc_code") or ""
            if not (cis.isdigit() and len(cis) == 8 and code):
                raise ReferenceFileError(path.name, reader.line_num, f"ligne invalide « {cis},{code} »")
            rows.append(AtcRow(cis=cis, atc_code=code, method=row.get("method") or "fichier"))
        return rows
