"""One person's profile from two records being merged: allergies add up, the most recently dated measure wins, a
pregnancy or breastfeeding recorded on either record is kept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from comptoir.domain.identity.profile import Profile, merged_profile

JANUARY, MARCH = date(2026, 1, 5), date(2026, 3, 2)


def test_the_later_weight_and_egfr_win_whichever_record_holds_them() -> None:
    kept = Profile(weight_kg=Decimal(60), weight_on=MARCH, egfr=Decimal(40), egfr_on=JANUARY)
    other = Profile(weight_kg=Decimal(64), weight_on=JANUARY, egfr=Decimal(75), egfr_on=MARCH)

    joined = merged_profile(kept, other)

    assert (joined.weight_kg, joined.weight_on, joined.egfr, joined.egfr_on) == (Decimal(60), MARCH, Decimal(75),
                                                                                 MARCH)


def test_a_dated_measure_wins_over_an_undated_one_and_the_kept_record_wins_a_tie() -> None:
    undated, dated = Profile(weight_kg=Decimal(70)), Profile(weight_kg=Decimal(72), weight_on=JANUARY)

    assert merged_profile(undated, dated).weight_kg == Decimal(72)
    assert merged_profile(dated, undated).weight_kg == Decimal(72)
    assert merged_profile(Profile(egfr=Decimal(30), egfr_on=JANUARY),
                          Profile(egfr=Decimal(90), egfr_on=JANUARY)).egfr == Decimal(30)
    assert merged_profile(Profile(), Profile(egfr=Decimal(90))).egfr == Decimal(90)


def test_allergies_add_up_without_repeating() -> None:
    joined = merged_profile(Profile(allergies=("aspirine", "latex")), Profile(allergies=("latex", "pénicilline")))

    assert joined.allergies == ("aspirine", "latex", "pénicilline")


def test_a_pregnancy_on_either_record_is_kept_the_later_one_winning() -> None:
    pregnant = Profile(pregnant=True, amenorrhoea_start=JANUARY)
    later = Profile(pregnant=True, amenorrhoea_start=MARCH)

    assert (merged_profile(Profile(), pregnant).pregnant, merged_profile(Profile(), pregnant).amenorrhoea_start) == \
        (True, JANUARY)
    assert merged_profile(pregnant, Profile()).amenorrhoea_start == JANUARY
    assert merged_profile(pregnant, later).amenorrhoea_start == MARCH
    assert merged_profile(Profile(breastfeeding=True), Profile()).breastfeeding
    assert not merged_profile(Profile(), Profile()).pregnant
