from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from comptoir.reading.prescription_qr import UnreadableQr, qr_payload, read_qr

EXAMPLE = Path(__file__).resolve().parents[4] / "shared" / "examples" / "on_qr_payload.json"
CNAM = '{"S":{"V":2},"D":{"ID":"202106180921110040","P":{"N":"GENE","P":"Alain","D":"1966-02-23"},' \
       '"M":{"RPPS":"99900038441","AM":"991118019"}}}'


def test_reads_the_cnam_example() -> None:
    content = read_qr(CNAM)

    assert content.contract() == {"version": 2, "prescription_id": "202106180921110040",
                                  "patient": {"last_name": "GENE", "first_name": "Alain", "birth_date": "1966-02-23"},
                                  "prescriber": {"rpps": "99900038441", "am": "991118019"}}


def test_the_shared_example_file_is_the_same_payload() -> None:
    if not EXAMPLE.is_file():
        pytest.skip("shared examples absent")
    assert read_qr(EXAMPLE.read_text()).prescription_id == "202106180921110040"


def test_writes_back_exactly_the_cnam_payload() -> None:
    assert qr_payload("202106180921110040", last_name="GENE", first_name="Alain", birth_date=date(1966, 2, 23),
                      rpps="99900038441", am="991118019") == CNAM


def test_accepts_an_identifier_typed_by_hand() -> None:
    content = read_qr(" 01s2tbpz2jcnzzyghz ")

    assert content.prescription_id == "01S2TBPZ2JCNZZYGHZ" and content.typed_by_hand


@pytest.mark.parametrize(("text", "message"), [
    ("bonjour", "ni JSON"),
    ("[1, 2]", "objet « D » absent"),
    ('{"S":{"V":2},"D":{"ID":"123","P":{},"M":{}}}', "Identifiant d'ordonnance invalide"),
    ('{"S":{"V":2},"D":{"ID":"202106180921110040"}}', "incomplet"),
    ('{"D":{"ID":"202106180921110040","P":{"D":"1966-02-23"},"M":{}}}', "sans version"),
    ('{"S":{"V":2},"D":{"ID":"202106180921110040","P":{"D":"23/02/1966"},"M":{}}}', "Date de naissance"),
])
def test_refuses_a_payload_that_is_not_an_on_qr(text: str, message: str) -> None:
    with pytest.raises(UnreadableQr, match=message):
        read_qr(text)
