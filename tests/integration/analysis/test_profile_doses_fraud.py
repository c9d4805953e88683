"""Patient profile, redundancy, doses and quantities, fraud and cost signals."""

from __future__ import annotations

import pytest

from comptoir.analysis.reference import AnalysisReference
from comptoir.errors import RuleViolation
from comptoir.services.analysis.analyse import analyse_data
from tests.integration.analysis.builders import case, findings, levels, line


def test_an_nsaid_is_contraindicated_from_24_weeks_of_pregnancy(analysis_reference: AnalysisReference) -> None:
    late = case(line("IBUPROFENE 400 mg", "1 cp si douleur"), pregnant=True, pregnancy_weeks=26)
    early = case(line("IBUPROFENE 400 mg", "1 cp si douleur"), pregnant=True, pregnancy_weeks=10)

    assert levels(late, analysis_reference, "contraindication") == ["CI"]
    assert levels(early, analysis_reference, "contraindication") == ["ASDEC"]


def test_valproate_is_contraindicated_in_pregnancy(analysis_reference: AnalysisReference) -> None:
    found = findings(case(line("DEPAKINE 500 mg"), pregnant=True), analysis_reference, "contraindication")

    assert [f["level"] for f in found] == ["CI"]
    assert "ANSM" in found[0]["source"]


def test_nothing_is_said_of_pregnancy_for_a_man(analysis_reference: AnalysisReference) -> None:
    assert findings(case(line("DEPAKINE 500 mg"), sex="M"), analysis_reference, "contraindication") == []


def test_codeine_is_contraindicated_when_breastfeeding(analysis_reference: AnalysisReference) -> None:
    assert levels(case(line("CODOLIPRANE 500 mg/30 mg"), breastfeeding=True), analysis_reference,
                  "contraindication") == ["CI"]


def test_codeine_is_contraindicated_before_12_years(analysis_reference: AnalysisReference) -> None:
    assert "CI" in levels(case(line("CODOLIPRANE 500 mg/30 mg"), birth_date="2018-05-01"), analysis_reference,
                          "contraindication")


def test_an_anticholinergic_is_flagged_for_the_very_old(analysis_reference: AnalysisReference) -> None:
    old = findings(case(line("ATARAX 25 mg"), birth_date="1936-04-02"), analysis_reference, "contraindication")

    assert [f["level"] for f in old] == ["APEC"]
    assert "Laroche" in old[0]["source"]


def test_an_amoxicillin_allergy_forbids_augmentin_and_warns_on_a_cephalosporin(
    analysis_reference: AnalysisReference,
) -> None:
    data = case(line("AUGMENTIN 1 g"), line("CEFPODOXIME 100 mg"), line("DOLIPRANE 1000 mg"),
                allergies=["amoxicilline"])

    found = {f["drugs"][0]: f["level"] for f in findings(data, analysis_reference, "allergy")}

    assert found == {"AUGMENTIN 1 g": "CI", "CEFPODOXIME 100 mg": "PE"}


def test_a_class_allergy_covers_every_member(analysis_reference: AnalysisReference) -> None:
    assert levels(case(line("IBUPROFENE 400 mg"), allergies=["AINS"]), analysis_reference, "allergy") == ["CI"]


def test_metformin_is_contraindicated_below_30_ml_min(analysis_reference: AnalysisReference) -> None:
    assert levels(case(line("METFORMINE 1000 mg"), egfr=25), analysis_reference, "contraindication") == ["CI"]
    assert levels(case(line("METFORMINE 1000 mg"), egfr=40), analysis_reference, "contraindication") == ["PE"]
    assert levels(case(line("METFORMINE 1000 mg"), egfr=90), analysis_reference, "contraindication") == []


def test_the_same_substance_twice_is_a_redundancy(analysis_reference: AnalysisReference) -> None:
    data = case(line("DOLIPRANE 1000 mg", "1 cp 3 fois par jour"), line("EFFERALGAN 500 mg", "1 cp si fièvre"))

    assert levels(data, analysis_reference, "redundancy") == ["ASDEC"]


def test_two_drugs_of_the_same_class_are_a_redundancy(analysis_reference: AnalysisReference) -> None:
    data = case(line("OMEPRAZOLE 20 mg"), line("PANTOPRAZOLE 40 mg"))

    found = findings(data, analysis_reference, "redundancy")

    assert [f["level"] for f in found] == ["PE"]
    assert "A02BC" in found[0]["message"]


def test_a_daily_dose_above_the_maximum_is_flagged(analysis_reference: AnalysisReference) -> None:
    found = findings(case(line("DOLIPRANE 1000 mg", "2 cp 4 fois par jour")), analysis_reference, "dose")

    assert [f["level"] for f in found] == ["CI"]
    assert "8000 mg" in found[0]["message"]


def test_the_elderly_ceiling_applies_after_65(analysis_reference: AnalysisReference) -> None:
    data = case(line("ESCITALOPRAM 20 mg", "1 cp par jour"), birth_date="1950-01-01")

    assert levels(data, analysis_reference, "dose") == ["ASDEC"]
    assert levels(case(line("ESCITALOPRAM 20 mg", "1 cp par jour")), analysis_reference, "dose") == []


def test_metoclopramide_is_held_to_30_mg_a_day(analysis_reference: AnalysisReference) -> None:
    four = findings(case(line("PRIMPERAN 10 mg, comprimé sécable", "1 cp 4 fois par jour"), weight_kg=70),
                    analysis_reference, "dose")
    three = case(line("PRIMPERAN 10 mg, comprimé sécable", "1 cp 3 fois par jour"), weight_kg=70)

    assert [f["level"] for f in four] == ["ASDEC"]
    assert "ANSM" in four[0]["source"]
    assert levels(three, analysis_reference, "dose") == []


def test_a_childs_dose_is_checked_by_weight_or_said_unchecked(analysis_reference: AnalysisReference) -> None:
    weighed = case(line("AMOXICILLINE 1 g cp", "1 cp matin, midi et soir"), birth_date="2020-03-01", weight_kg=20)
    unweighed = case(line("AMOXICILLINE 1 g cp", "1 cp matin, midi et soir"), birth_date="2020-03-01")

    assert levels(weighed, analysis_reference, "dose") == ["CI"]
    assert levels(unweighed, analysis_reference, "dose") == ["APEC"]


def test_weekly_methotrexate_written_daily_is_a_contraindication(analysis_reference: AnalysisReference) -> None:
    daily = case(line("METHOTREXATE 2,5 mg cp", "1 cp par jour"))
    weekly = case(line("METHOTREXATE 2,5 mg cp", "4 cp le lundi"))

    assert levels(daily, analysis_reference, "dose") == ["CI"]
    assert levels(weekly, analysis_reference, "dose") == []


def test_a_duration_beyond_the_legal_limit_is_flagged(analysis_reference: AnalysisReference) -> None:
    found = findings(case(line("STILNOX 10 mg", "1 cp au coucher pendant 2 mois")), analysis_reference, "quantity")

    assert [f["level"] for f in found] == ["ASDEC"]
    assert "28 j" in found[0]["message"]


def test_an_expensive_medicine_calls_for_the_reinforced_check(analysis_reference: AnalysisReference) -> None:
    found = findings(case(line("HARVONI 90 mg/400 mg")), analysis_reference, "cost")

    assert [f["level"] for f in found] == ["PE"]
    assert "€" in found[0]["message"]


def test_a_targeted_product_new_to_the_patient_is_flagged_only_when_new(analysis_reference: AnalysisReference) -> None:
    new = case(line("LYRICA 75 mg", "1 gél matin et soir"))
    known = case(line("LYRICA 75 mg", "1 gél matin et soir"), history=(("LYRICA 75 mg", "2026-01-20"),))

    assert levels(new, analysis_reference, "fraud") == ["APEC"]
    assert levels(known, analysis_reference, "fraud") == []


def test_a_wrong_rpps_key_is_a_fraud_signal(analysis_reference: AnalysisReference) -> None:
    data = case(line("DOLIPRANE 1000 mg"))

    wrong = analyse_data({**data, "prescriber": {"rpps": "10003456780"}}, analysis_reference).contract()
    right = analyse_data({**data, "prescriber": {"rpps": "10000001916"}}, analysis_reference).contract()

    assert [f["kind"] for f in wrong["findings"]] == ["fraud"]
    assert right["findings"] == []


def test_a_renewal_that_comes_too_early_is_flagged(analysis_reference: AnalysisReference) -> None:
    data = case(line("CLOPIDOGREL 75 mg", "1 cp par jour"))
    data["history"] = [{"drug": "CLOPIDOGREL 75 mg", "date": "2026-02-04", "duration_days": 30}]

    found = findings(data, analysis_reference, "fraud")

    assert [f["level"] for f in found] == ["APEC"]
    assert "Vient trop tôt : CLOPIDOGREL 75 mg délivré le 04/02/2026 pour 30 jours, il en reste 15" \
        in found[0]["message"]


def test_two_earlier_deliveries_still_running_make_one_signal(analysis_reference: AnalysisReference) -> None:
    data = case(line("CLOPIDOGREL 75 mg", "1 cp par jour"))
    data["history"] = [{"drug": "CLOPIDOGREL 75 mg", "date": "2026-02-04", "duration_days": 30},
                       {"drug": "CLOPIDOGREL 75 mg", "date": "2026-02-01", "duration_days": 30}]

    found = findings(data, analysis_reference, "fraud")

    assert len(found) == 1 and "il en reste 15" in found[0]["message"]


def test_findings_are_ordered_by_level(analysis_reference: AnalysisReference) -> None:
    data = case(line("IBUPROFENE 400 mg"), line("KETOPROFENE 100 mg"),
                line("DOLIPRANE 1000 mg", "2 cp 4 fois par jour"),
                history=(("SINTROM 4 mg", "2026-01-10"),), egfr=20)

    order = [f["level"] for f in findings(data, analysis_reference)]

    assert order == sorted(order, key=["CI", "ASDEC", "PE", "APEC"].index)


def test_an_unknown_drug_is_listed_apart_and_reported_first(analysis_reference: AnalysisReference) -> None:
    data = case(line("ACICLOVIR 200 mg cp"), line("ZZQXWV 12 mg"), line("DOLIPRANE 1000 mg", "8 cp par jour"))

    result = analyse_data(data, analysis_reference).contract()

    assert result["unresolved"] == ["ZZQXWV 12 mg"]
    first = result["findings"][0]  # type: ignore[index]
    assert first["kind"] == "unidentified" and first["level"] == "ASDEC"
    assert first["drugs"] == ["ZZQXWV 12 mg"] and "aucune vérification" in first["message"]
    assert [f["kind"] for f in result["findings"]].count("unidentified") == 1  # type: ignore[union-attr]


@pytest.mark.parametrize("bad", [[], "texte", {"today": "19/02/2026"}, {"lines": [{"posology": "1 cp"}]},
                                 {"history": [{"drug": "SINTROM"}]}])
def test_a_malformed_case_is_refused_with_a_clear_message(analysis_reference: AnalysisReference, bad: object) -> None:
    with pytest.raises(RuleViolation):
        analyse_data(bad, analysis_reference)
