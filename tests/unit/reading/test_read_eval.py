"""Scoring one read page against its truth: found, wrong and uncertain lines, posology."""

from __future__ import annotations

from comptoir.reading.line_matcher import Candidate, DrugMatch, MatchedLine
from comptoir.reading.posology import parse_posology
from comptoir.reading.prescription_reader import ReadResult
from comptoir.reading.read_eval import EvalReport, score_page
from comptoir.refdata.search import DrugRecord

DOLIPRANE = DrugRecord("60234100", "DOLIPRANE 1000 mg, comprimé", ("paracétamol",), ("1",), (), True, (1000.0,))
GENERIC = DrugRecord("61000001", "PARACETAMOL BIOGARAN 1 g, comprimé", ("paracétamol",), ("2",), (), True, (1000.0,))
OTHER = DrugRecord("61000002", "DOLIPRANE 500 mg, comprimé", ("paracétamol",), ("3",), (), True, (500.0,))
BY_CIS = {r.cis: r for r in (DOLIPRANE, GENERIC, OTHER)}
EXPECTED_POSOLOGY = parse_posology("1 cp 3 fois par jour").contract()


def read_line(record: DrugRecord | None, confidence: float, posology: str = "1 cp 3 fois par jour") -> MatchedLine:
    candidates = (Candidate(record.cis, record.name, confidence),) if record else ()
    return MatchedLine(text="…", designation="…", posology=parse_posology(posology),
                       match=DrugMatch(record, confidence, candidates))


def truth(*cis: str) -> dict[str, object]:
    return {"lines": [{"cis": c, "drug": "…", "posology": "1 cp 3 fois par jour",
                       "expected_posology": EXPECTED_POSOLOGY} for c in cis]}


def test_an_interchangeable_product_counts_as_found() -> None:
    score = score_page("p.png", truth("60234100"), ReadResult(lines=(read_line(GENERIC, 0.95),)), BY_CIS)

    assert (score.found, score.correct, score.asserted, score.posology_right) == (1, 1, 1, 1)


def test_an_uncertain_line_is_neither_found_nor_wrong() -> None:
    score = score_page("p.png", truth("60234100"), ReadResult(lines=(read_line(DOLIPRANE, 0.4),)), BY_CIS)

    assert (score.found, score.asserted, score.uncertain) == (0, 0, 1)
    assert score.missed == ["…"]


def test_another_strength_asserted_is_a_wrong_line() -> None:
    score = score_page("p.png", truth("60234100"), ReadResult(lines=(read_line(OTHER, 0.9),)), BY_CIS)

    assert (score.found, score.asserted, score.correct) == (0, 1, 0)


def test_a_posology_with_one_field_wrong_is_not_right() -> None:
    line = read_line(DOLIPRANE, 0.95, posology="1 cp 2 fois par jour")

    score = score_page("p.png", truth("60234100"), ReadResult(lines=(line,)), BY_CIS)

    assert score.found == 1 and score.posology_right == 0


def test_the_report_sums_the_pages() -> None:
    pages = (score_page("a", truth("60234100", "61000002"), ReadResult(lines=(read_line(DOLIPRANE, 0.9),)), BY_CIS),
             score_page("b", truth("61000001"), ReadResult(lines=(read_line(GENERIC, 0.9),)), BY_CIS))

    report = EvalReport(pages)

    assert report.recall == 2 / 3
    assert report.precision == 1.0
    assert report.as_json()["lines"] == 3


DOLIPRANE_CAPSULE = DrugRecord("61000003", "DOLIPRANE 1000 mg, gélule", ("paracétamol",), ("4",), (), True, (1000.0,))
BY_CIS_FORMS = {**BY_CIS, DOLIPRANE_CAPSULE.cis: DOLIPRANE_CAPSULE}


def written(record: DrugRecord, written_as: str, drug: str) -> dict[str, object]:
    return {"lines": [{"cis": record.cis, "drug": drug, "name": record.name, "substances": list(record.substances),
                       "written_as": written_as, "posology": "1 cp 3 fois par jour",
                       "expected_posology": EXPECTED_POSOLOGY}]}


def test_the_right_substance_at_another_strength_is_wrong_by_product_too() -> None:
    page = written(DOLIPRANE, "brand", "DOLIPRANE 1000 mg cp")

    score = score_page("p.png", page, ReadResult(lines=(read_line(OTHER, 0.9),)), BY_CIS)

    assert (score.found, score.product_found) == (0, 0)


def test_another_form_counts_by_substances_but_not_by_product() -> None:
    page = written(DOLIPRANE, "brand", "DOLIPRANE 1000 mg cp")

    score = score_page("p.png", page, ReadResult(lines=(read_line(DOLIPRANE_CAPSULE, 0.9),)), BY_CIS_FORMS)

    assert (score.found, score.product_found) == (1, 0)
    assert score.product_missed == ["DOLIPRANE 1000 mg cp"]


def test_a_brand_line_read_as_a_generic_is_not_the_product_named() -> None:
    page = written(DOLIPRANE, "brand", "DOLIPRANE 1000 mg cp")

    score = score_page("p.png", page, ReadResult(lines=(read_line(GENERIC, 0.9),)), BY_CIS)

    assert (score.found, score.product_found) == (1, 0)


def test_a_dci_line_may_be_any_product_of_that_substance_strength_and_form() -> None:
    page = written(DOLIPRANE, "dci", "paracétamol 1 g cp")

    score = score_page("p.png", page, ReadResult(lines=(read_line(GENERIC, 0.9),)), BY_CIS)

    assert (score.found, score.product_found) == (1, 1)


def test_the_report_gives_both_figures() -> None:
    page = written(DOLIPRANE, "brand", "DOLIPRANE 1000 mg cp")
    report = EvalReport((score_page("p", page, ReadResult(lines=(read_line(DOLIPRANE_CAPSULE, 0.9),)), BY_CIS_FORMS),))

    figures = report.as_json()

    assert (figures["recall"], figures["product_recall"]) == (1.0, 0.0)
    assert figures["product_precision"] == 0.0
