"""Every parser of outside input answers any text with a result or its own French refusal, never a crash."""

from __future__ import annotations

import json
import math
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.analysis.reference import AnalysisReference
from comptoir.domain.identity.nir import check_nir
from comptoir.errors import ComptoirError
from comptoir.reading.gs1 import UnreadablePackCode, parse_pack_code
from comptoir.reading.ins_datamatrix import UnreadableDataMatrix, parse_ins_datamatrix
from comptoir.reading.posology import parse_posology
from comptoir.reading.prescription_qr import UnreadableQr, read_qr
from comptoir.refdata.thesaurus_pdf import parse_thesaurus_text
from comptoir.services.analysis.analyse import analyse_data

TODAY = date(2026, 2, 19)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
scanner_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="0123456789()[]{}<>\x1d\x1e\x04 ]d2", max_size=120),
    st.from_regex(r"\]?(d2|C1)?(01\d{14})?(17\d{6})?(10[A-Z0-9]{1,20})?\x1d?(21[A-Z0-9]{1,20})?", fullmatch=True),
)
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner,
                                                                                      max_size=4), max_leaves=30)


@FUZZ
@given(st.text(max_size=40))
def test_any_text_typed_as_a_nir_gets_a_verdict(text: str) -> None:
    verdict = check_nir(text, today=TODAY)

    assert verdict.valid or verdict.reason


@FUZZ
@given(st.text(alphabet="0123456789 AB", min_size=13, max_size=17))
def test_digit_strings_typed_as_a_nir_get_a_verdict(text: str) -> None:
    verdict = check_nir(text, today=TODAY)

    assert verdict.valid or verdict.reason


@FUZZ
@given(st.one_of(st.text(max_size=300), json_values.map(json.dumps)))
def test_any_qr_text_is_read_or_refused_in_french(text: str) -> None:
    try:
        content = read_qr(text)
    except UnreadableQr as refusal:
        assert str(refusal)
    else:
        assert content.prescription_id is None or isinstance(content.prescription_id, str)


def test_a_qr_nested_thousands_deep_is_refused_not_a_crash() -> None:
    text = '{"D":' * 5000 + "{}" + "}" * 5000

    try:
        read_qr(text)
    except UnreadableQr as refusal:
        assert "QR" in str(refusal) or "ordonnance" in str(refusal)


@FUZZ
@given(scanner_text)
def test_any_scanned_pack_code_is_read_or_refused_in_french(text: str) -> None:
    try:
        pack = parse_pack_code(text)
    except UnreadablePackCode as refusal:
        assert str(refusal)
    else:
        assert pack.gtin and len(pack.gtin) == 14


@FUZZ
@given(scanner_text)
def test_any_scanned_ins_datamatrix_is_read_or_refused_in_french(text: str) -> None:
    try:
        parse_ins_datamatrix(text)
    except UnreadableDataMatrix as refusal:
        assert str(refusal)


@FUZZ
@given(st.text(max_size=200))
def test_any_posology_text_is_read_with_finite_quantities(text: str) -> None:
    posology = parse_posology(text)

    for value in (posology.daily_quantity, posology.total_quantity):
        assert value is None or (math.isfinite(value) and value >= 0)


@FUZZ
@given(st.lists(st.sampled_from(["1", "2", "cp", "comprimé", "par", "jour", "/", "j", "h", "toutes", "les", "semaine",
                                  "pendant", "mois", "1e308", "9" * 40, "0", ",", "-", "à", "si", "besoin", "x"]),
                max_size=12).map(" ".join))
def test_posologies_made_of_real_words_keep_finite_quantities(text: str) -> None:
    posology = parse_posology(text)

    for value in (posology.daily_quantity, posology.total_quantity):
        assert value is None or (math.isfinite(value) and value >= 0)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=2000))
def test_any_thesaurus_text_is_parsed_or_refused(text: str) -> None:
    try:
        parse_thesaurus_text(text, edition="2023-09")
    except ComptoirError as refusal:
        assert str(refusal)


analysis_input = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.sampled_from(["DOLIPRANE 1000 mg", "3400930227336", "60234100", "2026-02-19", "1 cp le soir", "amoxicilline"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["today", "patient", "lines", "history", "drug", "posology", "birth_date", "allergies",
                         "weight_kg", "egfr", "date", "sex", "pregnant", "breastfeeding", "prescriber"]),
        inner, max_size=6), max_leaves=30)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=analysis_input)
def test_any_analysis_input_gets_findings_or_a_french_refusal(case: object,
                                                              analysis_reference: AnalysisReference) -> None:
    try:
        result = analyse_data(case, analysis_reference)
    except ComptoirError as refusal:
        assert str(refusal)
    else:
        assert all(finding.message for finding in result.findings)
