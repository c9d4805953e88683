"""What the pharmacist is asked to check: lines and header fields read without enough confidence."""

from __future__ import annotations

from comptoir.reading.line_matcher import LineMatcher
from comptoir.reading.prescription_layout import Prescriber
from comptoir.reading.prescription_reader import FIELD_UNCERTAIN_BELOW, ReadResult
from comptoir.refdata.search import DrugIndex, DrugRecord

DOLIPRANE = DrugRecord("60234100", "DOLIPRANE 1000 mg, comprimé", ("paracétamol",), ("3400930000001",), (), True,
                       (1000.0,))
DOLIPRANE_500 = DrugRecord("63368332", "DOLIPRANE 500 mg, comprimé", ("paracétamol",), ("3400930000002",), (),
                           True, (500.0,))


def matcher() -> LineMatcher:
    return LineMatcher(DrugIndex([DOLIPRANE, DOLIPRANE_500]))


def test_a_line_read_cleanly_is_not_flagged() -> None:
    line = matcher().read("DOLIPRANE 1000 mg cp : 1 cp 3 fois par jour", ocr_confidence=0.95).contract()

    assert line["uncertain"] is False and line["cis"] == "60234100"


def test_a_degraded_line_is_flagged_and_names_no_product() -> None:
    line = matcher().read("DOLIPRANE 1O00 mg cp : 1 cp 3 fois par jour", ocr_confidence=0.2).contract()

    assert line["uncertain"] is True
    assert line["cis"] is None and line["candidates"]


def test_a_header_field_read_unsurely_is_listed_for_checking() -> None:
    result = ReadResult(prescriber=Prescriber(name="Dr Jean MARTIN", rpps="10001234565"), date="2026-02-12",
                        field_confidence={"prescriber.name": 0.96, "prescriber.rpps": FIELD_UNCERTAIN_BELOW - 0.1,
                                          "prescriber.rpps_valid": FIELD_UNCERTAIN_BELOW - 0.1, "date": 0.5})

    contract = result.contract()

    prescriber = contract["prescriber"]
    assert isinstance(prescriber, dict)
    assert prescriber["uncertain"] == ["rpps", "rpps_valid"]
    assert contract["date_uncertain"] is True
    assert contract["patient"] == {"name": None, "birth_date": None, "weight_kg": None, "age_years": None,
                                   "confidence": {}, "uncertain": []}
