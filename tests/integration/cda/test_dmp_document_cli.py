"""`comptoir dmp document KIND INPUT.json` as outside checks run it (DESIGN.md): DESIGN's own example input gives
a conformant document of each kind on stdout; a wrong input gives exit 2, one French line, nothing on stdout."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.conftest import reset_postgres
from tests.unit.cda.kit import Kit

COMPTOIR = str(Path(sys.executable).parent / "comptoir")
NS = {"h": "urn:hl7-org:v3", "pharm": "urn:ihe:pharm:medication"}
DESIGN_INPUT: dict[str, Any] = {
    "patient": {"ins": "268066912345664", "ins_oid": "1.2.250.1.213.1.4.10", "last_name": "LEMAIRE",
                "birth_name": "COSTE", "first_names": ["Anne", "Claire"], "birth_date": "1968-06-02", "sex": "F"},
    "author": {"rpps": "10005551238", "last_name": "FAURE", "first_name": "Thomas", "role": "pharmacien"},
    "pharmacy": {"finess": "690004569", "name": "Pharmacie de la Croix-Rousse",
                 "address": {"street": "8 place de la Croix-Rousse", "postal_code": "69004", "city": "Lyon"}},
    "date": "2026-02-11T16:20:00+01:00",
    "prescription": {"id": "202602101630451208", "date": "2026-02-10",
                     "prescriber": {"rpps": "10002223336", "last_name": "BLANC", "first_name": "Julie"}},
    "lines": [{"cip13": "3400930227336", "boxes": 1, "posology": "1 comprimé le matin", "substituted": False}],
    "vaccination": {"cip13": "3400930117712", "lot": "K42L07", "expiry": "2027-05-31", "dose": "1", "route": "IM",
                    "site": "deltoïde droit"},
    "report": {"title": "Bilan partagé de médication", "text": "Traitement revu avec la patiente."},
    "a_field_nobody_knows": {"is": "ignored"},
}
MODELS = {"dispensation": "eDISP-MED_2024.01", "vaccination": "VAC-NOTE_2023.01", "report": None}


def document(kind: str, data: Any, database_url: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    path = cwd / "INPUT.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "COMPTOIR_DATABASE_URL": database_url}
    return subprocess.run([COMPTOIR, "dmp", "document", kind, str(path)], capture_output=True, env=env, cwd=cwd,
                          timeout=300, check=False)


def changed(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    data = copy.deepcopy(DESIGN_INPUT)
    change(data)
    return data


@pytest.mark.parametrize("kind", list(MODELS))
def test_designs_example_gives_a_conformant_document(kind: str, kit: Kit, reference_db: str, tmp_path: Path) -> None:
    result = document(kind, DESIGN_INPUT, reference_db, tmp_path)

    assert result.returncode == 0, result.stderr.decode()
    assert kit.failures(result.stdout, MODELS[kind]) == []
    assert b"LEMAIRE" in result.stdout


def test_the_dispensed_box_is_named_from_the_reference(reference_db: str, tmp_path: Path) -> None:
    result = document("dispensation", DESIGN_INPUT, reference_db, tmp_path)

    tree = etree.fromstring(result.stdout)
    material = tree.xpath("//h:supply//h:manufacturedMaterial", namespaces=NS)[0]
    assert material.xpath("string(h:code/@code)", namespaces=NS) == "65699110"
    assert material.xpath("string(h:name)", namespaces=NS).startswith("BISOPROLOL")
    assert material.xpath("string(.//pharm:capacityQuantity/@value)", namespaces=NS) == "30"


def test_a_sale_without_prescription_and_a_given_pdf(kit: Kit, reference_db: str, tmp_path: Path) -> None:
    (tmp_path / "bilan.pdf").write_bytes(b"%PDF-1.4\n% bilan\n")
    sale = changed(lambda d: d.pop("prescription"))
    with_pdf = changed(lambda d: d["report"].update(pdf="bilan.pdf"))

    sold = document("dispensation", sale, reference_db, tmp_path)
    reported = document("report", with_pdf, reference_db, tmp_path)

    assert sold.returncode == 0 and kit.failures(sold.stdout, MODELS["dispensation"]) == []
    assert reported.returncode == 0 and kit.failures(reported.stdout) == []


BAD_INPUTS: list[tuple[str, Callable[[dict[str, Any]], object], str]] = [
    ("dispensation", lambda d: d["patient"].pop("ins"), "patient.ins manquant"),
    ("dispensation", lambda d: d["patient"].update(ins="26806691234566"), "patient.ins invalide"),
    ("dispensation", lambda d: d["patient"].update(ins="268066912345665"), "clé"),
    ("vaccination", lambda d: d["author"].pop("rpps"), "author.rpps manquant"),
    ("dispensation", lambda d: d["lines"][0].update(cip13="3400999999999"), "inconnu du référentiel"),
    ("dispensation", lambda d: d.update(date="le 11 février"), "n'est pas une date"),
    ("report", lambda d: d["patient"].update(birth_date="1968-02-30"), "n'est pas une date"),
    ("dispensation", lambda d: d.pop("lines"), "lines manquant"),
    ("dispensation", lambda d: d.update(lines=[]), "lines manquant"),
    ("vaccination", lambda d: d.pop("vaccination"), "vaccination manquante"),
    ("vaccination", lambda d: d["vaccination"].update(route="oreille"), "route"),
    ("report", lambda d: d["report"].update(pdf="absent.pdf"), "report.pdf introuvable"),
    ("report", lambda d: d.pop("report"), "report manquant"),
]


@pytest.mark.parametrize(("kind", "change", "said"), BAD_INPUTS)
def test_a_wrong_input_is_one_french_line_and_nothing_on_stdout(kind: str, change: Callable[[dict[str, Any]], object],
                                                                 said: str, reference_db: str, tmp_path: Path) -> None:
    result = document(kind, changed(change), reference_db, tmp_path)

    assert result.returncode == 2
    assert result.stdout == b""
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and said in lines[0]


def test_an_unknown_kind_or_a_file_that_is_not_json_is_refused(reference_db: str, tmp_path: Path) -> None:
    unknown = document("ordonnance", DESIGN_INPUT, reference_db, tmp_path)
    (tmp_path / "INPUT.json").write_text("{pas du json", encoding="utf-8")
    env = {**os.environ, "COMPTOIR_DATABASE_URL": reference_db}
    broken = subprocess.run([COMPTOIR, "dmp", "document", "report", "INPUT.json"], capture_output=True, env=env,
                            cwd=tmp_path, timeout=300, check=False)

    assert (unknown.returncode, unknown.stdout) == (2, b"")
    assert (broken.returncode, broken.stdout) == (2, b"")
    assert "JSON" in broken.stderr.decode()


@pytest.mark.postgres
def test_on_postgresql_the_products_come_from_its_own_reference(kit: Kit, postgres_url: str, tmp_path: Path) -> None:
    reset_postgres(postgres_url)

    result = document("dispensation", DESIGN_INPUT, postgres_url, tmp_path)

    assert result.returncode == 0, result.stderr.decode()
    assert kit.failures(result.stdout, MODELS["dispensation"]) == []
    assert b'code="65699110"' in result.stdout
