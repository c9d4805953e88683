"""Who the pharmacist may vaccinate, with what, and what the questions before the injection decide."""

from __future__ import annotations

from datetime import date

import pytest

from comptoir.domain.vaccination.questionnaire import assess
from comptoir.domain.vaccination.rules import (
    Person,
    RiskGroup,
    eligibility,
    flu_campaign,
    next_booster_age,
    vaccine_refusal,
)
from comptoir.domain.vaccination.schedule import next_dose_due
from comptoir.domain.vaccination.vaccines import Vaccine, VaccineKind, identify

IN_CAMPAIGN = date(2026, 11, 20)


def born(age: int, on: date = IN_CAMPAIGN) -> Person:
    return Person(birth_date=date(on.year - age, 1, 10))


def vaccine(kind: VaccineKind = VaccineKind.FLU, *, live: bool = False, sc: bool = True) -> Vaccine:
    return Vaccine(cip13="3400930306000", name="VACCIN TEST", kind=kind, live=live, subcutaneous_allowed=sc)


@pytest.mark.parametrize(("name", "atc", "kind"), [
    ("VAXIGRIP suspension injectable. Vaccin grippal trivalent (inactivé, à virion fragmenté)", None, VaccineKind.FLU),
    ("REVAXIS, suspension injectable. Vaccin diphtérique, tétanique et poliomyélitique (inactivé)", None,
     VaccineKind.DTP),
    ("BOOSTRIXTETRA. Vaccin diphtérique, tétanique, coquelucheux et poliomyélitique", "J07CA02",
     VaccineKind.DTCAP_POLIO),
    ("TWINRIX ADULTE. Vaccin de l'hépatite A (inactivé) et de l'hépatite B (ADNr)", None, VaccineKind.HEPATITIS_AB),
    ("BEXSERO. Vaccin méningococcique groupe B (ADNr, composant, adsorbé)", None, VaccineKind.MENINGOCOCCUS_B),
    ("NIMENRIX. Vaccin méningococcique conjugué des groupes A, C, W135 et Y", None, VaccineKind.MENINGOCOCCUS_ACWY),
    ("INFANRIX hexa. Vaccin diphtérique, tétanique, coquelucheux, Haemophilus influenzae type b", None,
     VaccineKind.OTHER),
    ("PRODUIT SANS NOM PARLANT", "J07BG01", VaccineKind.RABIES),
])
def test_a_vaccine_is_recognised_by_its_atc_or_its_name(name: str, atc: str | None, kind: VaccineKind) -> None:
    found = identify(cip13="3400900000000", name=name, atc=atc)

    assert found is not None and found.kind is kind


def test_a_homeopathic_dilution_named_vaccinotoxinum_is_no_vaccine() -> None:
    assert identify(cip13="3400900000000", name="VACCINOTOXINUM BOIRON, 4CH", atc=None) is None


def test_a_live_vaccine_is_known_as_such_and_refused_at_the_counter() -> None:
    mmr = identify(cip13="3400900000000", name="PRIORIX. Vaccin rougeoleux, des oreillons et rubéoleux vivant",
                   atc=None)

    assert mmr is not None and mmr.live
    assert "vivant" in vaccine_refusal(mmr, born(30), IN_CAMPAIGN)


def test_nobody_under_11_is_vaccinated_by_the_pharmacist() -> None:
    assert not eligibility(VaccineKind.FLU, born(10), IN_CAMPAIGN).allowed
    assert eligibility(VaccineKind.FLU, born(11), IN_CAMPAIGN).allowed


def test_the_flu_vaccine_is_given_only_during_the_campaign() -> None:
    assert eligibility(VaccineKind.FLU, born(40), date(2026, 2, 19)).allowed
    refused = eligibility(VaccineKind.FLU, born(40), date(2026, 6, 1))

    assert not refused.allowed and "15/10/2026" in refused.reason


def test_the_campaign_runs_from_mid_october_to_the_end_of_february() -> None:
    assert flu_campaign(date(2027, 1, 5)) == (date(2026, 10, 15), date(2027, 2, 28))
    assert flu_campaign(date(2028, 2, 29)) == (date(2027, 10, 15), date(2028, 2, 29))


def test_hpv_catch_up_stops_after_26() -> None:
    assert eligibility(VaccineKind.HPV, born(26), IN_CAMPAIGN).allowed
    assert not eligibility(VaccineKind.HPV, born(27), IN_CAMPAIGN).allowed


def test_pneumococcus_is_for_65_and_over_or_a_risk_group() -> None:
    assert not eligibility(VaccineKind.PNEUMOCOCCUS, born(50), IN_CAMPAIGN).allowed
    assert eligibility(VaccineKind.PNEUMOCOCCUS, born(65), IN_CAMPAIGN).allowed
    at_risk = Person(birth_date=born(50).birth_date, risks=frozenset({RiskGroup.CHRONIC_DISEASE}))
    assert eligibility(VaccineKind.PNEUMOCOCCUS, at_risk, IN_CAMPAIGN).allowed


def test_rabies_only_for_people_exposed() -> None:
    assert not eligibility(VaccineKind.RABIES, born(30), IN_CAMPAIGN).allowed
    traveller = Person(birth_date=born(30).birth_date, risks=frozenset({RiskGroup.TRAVEL}))
    assert eligibility(VaccineKind.RABIES, traveller, IN_CAMPAIGN).allowed


@pytest.mark.parametrize(("age", "booster"), [(11, 25), (25, 45), (44, 45), (45, 65), (65, 75), (74, 75), (75, 85)])
def test_dtp_boosters_at_25_45_65_then_every_ten_years(age: int, booster: int) -> None:
    assert next_booster_age(age) == booster


def test_the_certificate_dates_the_next_dtp_booster_on_that_birthday() -> None:
    due = next_dose_due(VaccineKind.DTCAP_POLIO, dose="rappel", birth_date=date(1981, 3, 4),
                        given_on=date(2026, 11, 20))

    assert due == date(2046, 3, 4)


def test_after_a_flu_vaccine_the_next_one_is_at_the_next_campaign() -> None:
    assert next_dose_due(VaccineKind.FLU, dose="1", birth_date=date(1960, 1, 1),
                         given_on=date(2026, 11, 20)) == date(2027, 10, 15)
    assert next_dose_due(VaccineKind.FLU, dose="1", birth_date=date(1960, 1, 1),
                         given_on=date(2026, 2, 19)) == date(2026, 10, 15)


def test_hepatitis_b_second_dose_one_month_after_the_first_and_none_after_the_third() -> None:
    first = next_dose_due(VaccineKind.HEPATITIS_B, dose="1", birth_date=date(2000, 1, 1), given_on=date(2026, 1, 31))

    assert first == date(2026, 2, 28)
    assert next_dose_due(VaccineKind.HEPATITIS_B, dose="3", birth_date=date(2000, 1, 1),
                         given_on=date(2026, 1, 31)) is None


@pytest.mark.parametrize("question", ["allergy", "fever"])
def test_a_severe_allergy_or_a_fever_blocks_any_vaccine(question: str) -> None:
    assessment = assess({question: True}, vaccine())

    assert not assessment.allowed and question in assessment.blocking


def test_pregnancy_blocks_hpv_but_not_the_flu_vaccine() -> None:
    assert not assess({"pregnancy": True}, vaccine(VaccineKind.HPV)).allowed
    flu = assess({"pregnancy": True}, vaccine(VaccineKind.FLU))
    assert flu.allowed and not flu.warnings


def test_immunodepression_blocks_a_live_vaccine_and_warns_for_an_inactivated_one() -> None:
    assert not assess({"immunodepression": True}, vaccine(live=True)).allowed
    inactivated = assess({"immunodepression": True}, vaccine())
    assert inactivated.allowed and "immunodepression" in inactivated.warnings


def test_an_anticoagulant_advises_the_subcutaneous_route_when_the_vaccine_allows_it() -> None:
    assert "sous-cutanée" in assess({"bleeding": True}, vaccine(sc=True)).warnings["bleeding"]
    assert "compression" in assess({"bleeding": True}, vaccine(sc=False)).warnings["bleeding"]


def test_answers_no_everywhere_let_the_vaccination_go_with_no_warning() -> None:
    assessment = assess(dict.fromkeys(("allergy", "fever", "pregnancy", "bleeding"), False), vaccine())

    assert assessment.allowed and not assessment.warnings


def test_hpv_takes_two_doses_before_15_and_three_after() -> None:
    young = next_dose_due(VaccineKind.HPV, dose="1", birth_date=date(2013, 6, 1), given_on=date(2026, 11, 20))
    older = next_dose_due(VaccineKind.HPV, dose="2", birth_date=date(2005, 6, 1), given_on=date(2026, 11, 20))

    assert young == date(2027, 5, 20)
    assert older == date(2027, 3, 20)
    assert next_dose_due(VaccineKind.HPV, dose="2", birth_date=date(2013, 6, 1), given_on=date(2026, 11, 20)) is None
