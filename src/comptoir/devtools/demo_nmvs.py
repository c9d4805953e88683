"""The demo's packs for the medicines-verification system: the emulator is seeded with them (national/nmvs/boites.json,
the one source), and the demo writes what to scan at the counter to see each case — a sound clopidogrel of GASLY's
prescription, a pack of the recalled batch, an expired one, one supplied by another pharmacy, a stolen one — as the
GS1 human-readable DataMatrix (a scanner's text; the counter reads it as the symbol itself, reading/gs1.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from comptoir.national.nmvs.emulator import SEED_FILE

CASES = {"saine": "DEMO-CLO-0001", "rappelee": "DEMO-CLO-0099", "perimee": "DEMO-AML-0050",
         "deja_delivree": "DEMO-AML-0051", "volee": "DEMO-IRB-0066"}
"""The demo's named packs: case -> serial in the emulator's seed."""
PACKS_FILE = "boites-demo-nmvs.txt"


def _seeded() -> dict[str, dict[str, str]]:
    return {item["serie"]: item for item in json.loads(SEED_FILE.read_text(encoding="utf-8"))["demo"]}


def demo_datamatrix(case: str) -> str:
    """The DataMatrix of the demo pack of `case` ("saine", "rappelee", "perimee", "deja_delivree", "volee")."""
    pack = _seeded()[CASES[case]]
    expiry = date.fromisoformat(pack["peremption"])
    return f"(01)0{pack['cip13']}(17){expiry:%y%m%d}(10){pack['lot']}(21){pack['serie']}"


def write_demo_packs(var_dir: Path) -> int:
    """`var/boites-demo-nmvs.txt`: each demo pack's case and the text to scan (or paste) at the counter; how many
    packs it lists when it wrote it, 0 when it was already there (a second run changes nothing)."""
    seeded = _seeded()
    lines = ["Boîtes de démonstration du système de vérification (NMVS) : scannez ou collez le code au comptoir.", ""]
    lines += [f"{seeded[serial]['cas']} :\n    {demo_datamatrix(case)}" for case, serial in CASES.items()]
    text, path = "\n".join(lines) + "\n", var_dir / PACKS_FILE
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return 0
    var_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return len(CASES)
