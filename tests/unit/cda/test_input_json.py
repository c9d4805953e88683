"""INPUT.json of `comptoir dmp document` read into the documents' values, or refused in one French sentence."""

from __future__ import annotations

import copy
import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from comptoir.cda.input_json import dispensation_of, report_of, vaccination_of
from comptoir.cda.model import INS_NIR_OID, Confidentiality, Product
from comptoir.errors import RuleViolation
from tests.unit.cda import builders as b

INPUT: dict[str, Any] = {
    "patient": {"ins": "268066912345664", "last_name": "LEMAIRE", "first_names": ["Anne", "Claire"],
                "birth_date": "1968-06-02", "sex": "F"},
    "author": {"rpps": "10005551238", "last_name": "FAURE", "first_name": "Thomas"},
    "pharmacy": {"finess": "690004569", "name": "Pharmacie de la Croix-Rousse"},
    "date": "2026-02-11T16:20:00+01:00",
    "prescription": {"id": "202602101630451208", "date": "2026-02-10",
                     "prescriber": {"rpps": "10002223336", "last_name": "BLANC", "first_name": "Julie"}},
    "lines": [{"cip13": "3400930227336", "boxes": 2, "posology": "1 comprimé le matin"},
              {"cip13": "3400935955838", "substituted": True, "prescription_line": None}],
    "vaccination": {"cip13": "3400930117712", "lot": "K42L07", "expiry": "2027-05-31", "route": "im"},
    "report": {"title": "Compte rendu d'entretien AVK", "text": "Entretien mené."},
}
PRODUCTS = {p.cip13: p for p in (b.BISOPROLOL, b.DOLIPRANE, b.INFLUVAC)}


def lookup(cip13: str) -> Product | None:
    return PRODUCTS.get(cip13)


def with_(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(INPUT)
    data.update(changes)
    return data


def test_designs_defaults_birth_name_ins_oid_and_prescribed_lines() -> None:
    d = dispensation_of(INPUT, lookup=lookup)

    assert d.header.patient.birth_name == "LEMAIRE"
    assert d.header.patient.ins_oid == INS_NIR_OID
    assert d.header.version == 1 and d.header.set_id == d.header.document_id
    assert [(line.boxes, line.prescription_line, line.substituted) for line in d.lines] == [(2, 1, False),
                                                                                           (1, None, True)]
    assert d.prescription is not None and d.prescription.prescriber.role == "medecin"


def test_a_date_without_offset_is_the_pharmacys_local_time() -> None:
    d = dispensation_of(with_(date="2026-07-01T10:00:00"), lookup=lookup)

    assert d.header.at.utcoffset() == timedelta(hours=2)
    assert d.header.at.replace(tzinfo=None) == datetime(2026, 7, 1, 10)


def test_masks_and_version_are_taken_when_given() -> None:
    d = dispensation_of(with_(confidentiality=["MASQUE_PS"], version=2, set_id="2.25.42"), lookup=lookup)

    assert d.header.confidentiality == (Confidentiality.MASKED_FROM_PROFESSIONALS,)
    assert (d.header.version, d.header.set_id) == (2, "2.25.42")


def test_the_vaccination_and_the_reports_type_from_its_title() -> None:
    v = vaccination_of(INPUT, lookup=lookup)
    r = report_of(INPUT, read_pdf=lambda path: b"")

    assert (v.lot, v.expiry, v.dose, v.route) == ("K42L07", date(2027, 5, 31), "1", "im")
    assert r.type_code == "78601-2" and r.pdf is None and r.header.title == "Compte rendu d'entretien AVK"


@pytest.mark.parametrize(("data", "said"), [
    (with_(patient={**INPUT["patient"], "ins": "1"}), "patient.ins invalide"),
    (with_(patient={**INPUT["patient"], "sex": "X"}), "patient.sex"),
    (with_(author={"rpps": "123", "last_name": "X"}), "author.rpps"),
    (with_(pharmacy={"finess": "69", "name": "P"}), "pharmacy.finess"),
    (with_(lines=[{"cip13": "3400930227336", "boxes": 0}]), "lines[1].boxes"),
    (with_(lines=[{"cip13": "abc"}]), "lines[1].cip13"),
    (with_(prescription={"id": "1", "date": "demain", "prescriber": INPUT["author"]}), "prescription.date"),
    (with_(confidentiality=["SECRET"]), "confidentiality"),
    (with_(document_id="pas-un-oid"), "document_id"),
    (["not", "an", "object"], "INPUT.json"),
])
def test_wrong_fields_are_refused_with_their_name(data: Any, said: str) -> None:
    with pytest.raises(RuleViolation, match=re.escape(said)):
        dispensation_of(data, lookup=lookup)


def test_a_report_needs_a_text_or_a_pdf() -> None:
    data = with_(report={"title": "Bilan partagé de médication"})

    with pytest.raises(RuleViolation, match=re.escape("report.text")):
        report_of(data, read_pdf=lambda path: b"")
    assert report_of(with_(report={"title": "Bilan", "pdf": "b.pdf"}), read_pdf=lambda path: b"%PDF").pdf == b"%PDF"
