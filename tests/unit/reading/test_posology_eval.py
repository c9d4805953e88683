import json
from pathlib import Path

from comptoir.reading.posology import CONTRACT_FIELDS, Posology, parse_posology
from comptoir.reading.posology_eval import evaluate, read_cases, values_match

CORPUS = Path(__file__).resolve().parents[2] / "data" / "posology_corpus.jsonl"


def corpus_lines() -> list[str]:
    return CORPUS.read_text(encoding="utf-8").splitlines()


def fixed(**fields: object) -> Posology:
    return Posology(text="", understood=True, **fields)  # type: ignore[arg-type]


def test_the_corpus_reaches_95_percent_with_every_field_right() -> None:
    report = evaluate(read_cases(corpus_lines()))

    assert report.count >= 170
    failures = "\n".join(f"{failure.text} {failure.wrong_fields}" for failure in report.failures)
    assert report.all_fields_accuracy >= 0.95, failures
    assert all(share >= 0.95 for share in report.field_accuracy.values()), report.summary()


def test_every_corpus_line_is_fully_annotated() -> None:
    for line in corpus_lines():
        record = json.loads(line)
        assert set(record) == {"text", "expected"}
        assert tuple(record["expected"]) == CONTRACT_FIELDS, record["text"]


def test_the_corpus_has_the_real_examples() -> None:
    texts = {text for text, _ in read_cases(corpus_lines())}

    assert {"1 cp 30 min avant le coucher 1 mois", "1-1-1 qsp 15j bain de bouche",
            "conseil : 1 comprimé si douleur",
            "1 comprimé le matin, pendant 1 mois. Traitement à renouveler 3 fois."} <= texts


def test_numbers_match_within_a_relative_tolerance() -> None:
    assert values_match(0.2857, 2 / 7)
    assert values_match(3, 3.0)
    assert not values_match(0.28, 2 / 7)
    assert values_match(0.0, 0)


def test_booleans_only_match_booleans() -> None:
    assert values_match(True, True)
    assert not values_match(True, 1)
    assert not values_match(0, False)


def test_none_and_strings_match_exactly() -> None:
    assert values_match(None, None)
    assert not values_match(None, 0)
    assert values_match("comprimé", "comprime\u0301")  # the same word, decomposed
    assert not values_match("comprimé", "gélule")


def test_evaluate_scores_each_field_and_lists_the_failures() -> None:
    answers = {"a": fixed(unit="comprimé", daily_quantity=2.0), "b": fixed(unit="gélule", daily_quantity=1.0)}
    cases = [("a", {"unit": "comprimé", "daily_quantity": 2}),
             ("b", {"unit": "comprimé", "daily_quantity": 1})]

    report = evaluate(cases, parse=answers.__getitem__)

    assert report.count == 2
    assert report.field_accuracy["unit"] == 0.5
    assert report.field_accuracy["daily_quantity"] == 1.0
    assert report.all_fields_accuracy == 0.5
    assert [(f.text, f.wrong_fields) for f in report.failures] == [("b", ("unit",))]


def test_fields_missing_from_the_annotation_are_not_scored() -> None:
    report = evaluate([("1 cp le soir", {"unit": "comprimé"})])

    assert report.all_fields_accuracy == 1.0
    assert report.field_accuracy["boxes"] == 1.0


def test_no_cases_give_an_empty_report() -> None:
    report = evaluate([])

    assert (report.count, report.all_fields_accuracy, report.failures) == (0, 1.0, ())


def test_read_cases_skips_blank_lines() -> None:
    lines = ['{"text": "1 cp", "expected": {"unit": "comprimé"}}', "", "  "]

    assert read_cases(lines) == [("1 cp", {"unit": "comprimé"})]


def test_the_summary_gives_every_field() -> None:
    summary = evaluate([("1 cp le soir", parse_posology("1 cp le soir").contract())]).summary()

    assert "tous champs justes : 100.0%" in summary
    assert all(name in summary for name in CONTRACT_FIELDS)
