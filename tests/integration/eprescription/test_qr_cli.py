"""`comptoir qr decode` as outside checks run it: the CNAM's example, an image, a typed id, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import segno

COMPTOIR = str(Path(sys.executable).parent / "comptoir")
CNAM = '{"S":{"V":2},"D":{"ID":"202106180921110040","P":{"N":"GENE","P":"Alain","D":"1966-02-23"},' \
       '"M":{"RPPS":"99900038441","AM":"991118019"}}}'
CONTRACT = {"version": 2, "prescription_id": "202106180921110040",
            "patient": {"last_name": "GENE", "first_name": "Alain", "birth_date": "1966-02-23"},
            "prescriber": {"rpps": "99900038441", "am": "991118019"}}


def qr_decode(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([COMPTOIR, "qr", "decode", *args], capture_output=True, text=True, timeout=60)


def test_the_cnam_payload_prints_the_contract() -> None:
    result = qr_decode(CNAM, "--json")

    assert result.returncode == 0 and json.loads(result.stdout) == CONTRACT


def test_an_image_of_the_qr_code_is_read(tmp_path: Path) -> None:
    segno.make(CNAM, error="m").save(tmp_path / "qr.png", scale=6)

    result = qr_decode(str(tmp_path / "qr.png"), "--json")

    assert result.returncode == 0 and json.loads(result.stdout) == CONTRACT


def test_a_bare_identifier_typed_by_hand_is_accepted() -> None:
    answer = json.loads(qr_decode("01S2TBPZ2JCNZZYGHZ", "--json").stdout)

    assert answer["prescription_id"] == "01S2TBPZ2JCNZZYGHZ" and answer["version"] is None


def test_a_payload_that_is_not_an_on_qr_is_one_french_line_and_exit_code_2() -> None:
    result = qr_decode('{"S":{"V":2}}', "--json")

    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and "objet « D » absent" in result.stderr
