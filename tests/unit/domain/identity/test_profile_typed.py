"""The profile typed at the counter: French decimals, plausible figures only, a term that advances by itself."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from comptoir.domain.identity.profile import (
    Profile,
    egfr_label,
    form_values,
    pregnancy_label,
    read_profile,
    weight_label,
)
from comptoir.errors import FieldErrors

TODAY = date(2026, 11, 12)


def read(before: Profile | None = None, *, sex: str = "F", today: date = TODAY, **typed: str) -> Profile:
    return read_profile(typed, sex=sex, today=today, before=before or Profile())


def refusals(**typed: str) -> dict[str, str]:
    sex = typed.pop("sex", "F")
    with pytest.raises(FieldErrors) as refused:
        read(sex=sex, **typed)
    return refused.value.errors


@pytest.mark.parametrize("typed", ["52,5", "52.5", " 52,5 ", "52,50"])
def test_a_weight_typed_with_a_comma_or_a_point_is_read_and_said_the_french_way(typed: str) -> None:
    profile = read(weight_kg=typed)

    assert profile.weight_kg == Decimal("52.5") and profile.weight_on == TODAY
    assert weight_label(profile) == "52,5 kg (le 12/11/2026)"


@pytest.mark.parametrize("typed", ["-5", "−5", "0", "350,01", "3500"])
def test_a_weight_no_one_has_is_refused(typed: str) -> None:
    assert refusals(weight_kg=typed) == {"weight_kg": "Poids impossible : plus de 0 kg et 350 kg au plus."}


@pytest.mark.parametrize("typed", ["cinquante", "52,5,1", "52 kg", "1e2", "52,555"])
def test_what_is_not_a_weight_is_refused_in_french(typed: str) -> None:
    assert refusals(weight_kg=typed)["weight_kg"].startswith("Poids : ")


def test_an_unchanged_weight_keeps_the_day_it_was_recorded() -> None:
    before = Profile(weight_kg=Decimal("52.5"), weight_on=date(2026, 10, 1))

    assert read(before, weight_kg="52,5").weight_on == date(2026, 10, 1)
    assert read(before, weight_kg="53").weight_on == TODAY


def test_an_egfr_with_the_day_of_its_measurement_is_kept() -> None:
    profile = read(egfr="48", egfr_on="2026-11-05")

    assert (profile.egfr, profile.egfr_on) == (Decimal(48), date(2026, 11, 5))
    assert egfr_label(profile) == "DFG 48 ml/min/1,73 m² (le 05/11/2026)"


@pytest.mark.parametrize("typed", ["0", "0,5", "201", "-30"])
def test_an_egfr_outside_1_to_200_is_refused(typed: str) -> None:
    assert refusals(egfr=typed, egfr_on="2026-11-05") == {"egfr": "DFG impossible : de 1 à 200 ml/min/1,73 m²."}


def test_an_egfr_measured_in_the_future_or_without_its_day_is_refused() -> None:
    assert refusals(egfr="48", egfr_on="2026-11-13") == {"egfr_on": "Date du dosage du DFG dans le futur : 13/11/2026."}
    assert "obligatoire" in refusals(egfr="48", egfr_on="")["egfr_on"]


def test_a_term_typed_today_advances_by_itself() -> None:
    profile = read(pregnant="on", pregnancy_weeks="19")

    assert profile.pregnancy_weeks(TODAY) == 19
    assert pregnancy_label(profile, TODAY + timedelta(days=28)) == "enceinte, 23 SA"


def test_a_term_with_its_days_counts_them() -> None:
    profile = read(pregnant="on", pregnancy_weeks="23 SA + 4 j")

    assert profile.amenorrhoea_start == TODAY - timedelta(days=23 * 7 + 4)
    assert profile.pregnancy_weeks(TODAY + timedelta(days=3)) == 24


def test_the_term_the_record_already_reads_keeps_its_first_day() -> None:
    before = read(pregnant="on", pregnancy_weeks="19+5")

    again = read(before, today=TODAY + timedelta(days=1), pregnant="on", pregnancy_weeks="19")

    assert again.amenorrhoea_start == before.amenorrhoea_start


@pytest.mark.parametrize("typed", ["50", "0", "43", "42+1"])
def test_a_term_outside_1_to_42_weeks_is_refused(typed: str) -> None:
    assert refusals(pregnant="on", pregnancy_weeks=typed) == {
        "pregnancy_weeks": "Terme impossible : de 1 à 42 semaines d'aménorrhée (SA)."}


def test_a_pregnancy_on_a_man_is_refused_beside_the_pregnancy_box() -> None:
    assert refusals(sex="M", pregnant="on", pregnancy_weeks="12") == {
        "pregnant": "Grossesse impossible : le dossier est celui d'un homme (sexe M)."}


def test_unticking_the_pregnancy_forgets_its_term() -> None:
    profile = read(read(pregnant="on", pregnancy_weeks="12"), pregnancy_weeks="12")

    assert (profile.pregnant, profile.amenorrhoea_start, pregnancy_label(profile, TODAY)) == (False, None, "")


def test_a_term_past_42_weeks_asks_for_an_update() -> None:
    profile = read(pregnant="on", pregnancy_weeks="40")

    assert pregnancy_label(profile, TODAY + timedelta(weeks=5)) == "enceinte, terme dépassé (45 SA) : à mettre à jour"
    assert form_values(profile, today=TODAY + timedelta(weeks=5))["pregnancy_weeks"] == ""


def test_every_refused_field_is_named_at_once() -> None:
    assert set(refusals(weight_kg="-5", egfr="999", egfr_on="2026-11-01", pregnant="on", pregnancy_weeks="50")) == {
        "weight_kg", "egfr", "pregnancy_weeks"}


def test_allergies_are_a_list_each_kept_once() -> None:
    profile = read(allergies="amoxicilline, AINS; Amoxicilline\npénicillines ,")

    assert profile.allergies == ("amoxicilline", "AINS", "pénicillines")


def test_more_than_fifty_allergies_are_refused() -> None:
    assert "50 au plus" in refusals(allergies=",".join(f"allergie {n}" for n in range(51)))["allergies"]


def test_the_form_shows_the_profile_as_the_operator_would_type_it() -> None:
    profile = Profile(allergies=("amoxicilline", "AINS"), pregnant=True, amenorrhoea_start=TODAY - timedelta(weeks=23),
                      weight_kg=Decimal("52.50"), weight_on=TODAY, egfr=Decimal("48.0"), egfr_on=date(2026, 11, 5))

    assert form_values(profile, today=TODAY) == {
        "allergies": "amoxicilline, AINS", "pregnant": "on", "pregnancy_weeks": "23", "breastfeeding": "",
        "weight_kg": "52,5", "egfr": "48", "egfr_on": "2026-11-05"}


def test_an_empty_form_is_an_empty_profile() -> None:
    assert read() == Profile()
