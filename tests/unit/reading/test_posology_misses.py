"""The misses found by readers who had not seen the parser (issue 17), one group per phenomenon."""

import pytest

from comptoir.reading.posology import parse_posology


@pytest.mark.parametrize(("text", "daily"), [
    ("1 cp toutes les 12 h", 2.0),
    ("1 sachet toutes les 6 heures", 4.0),
    ("toutes les 6 heures", 4.0),
    ("1 cp toutes les 48 h", 0.5),
])
def test_an_interval_between_intakes_gives_intakes_per_day(text: str, daily: float) -> None:
    assert parse_posology(text).daily_quantity == pytest.approx(daily)


@pytest.mark.parametrize("text", [
    "1 patch à changer tous les 3 jours",
    "1 patch à changer toutes les 72 h",
    "Fentanyl 50 µg/h dispositif transdermique : à changer tous les 3 jours",
    "fentanyl 50 : 1 dispositif transdermique à changer tous les 3 jours",
])
def test_a_patch_changed_every_three_days_is_a_third_of_a_patch_a_day(text: str) -> None:
    posology = parse_posology(text)
    assert (posology.unit, posology.daily_quantity) == ("patch", pytest.approx(1 / 3, rel=1e-4))


def test_a_delivery_rate_names_the_patch_and_is_no_dose() -> None:
    posology = parse_posology("Nicopatch 21 mg/24 h : 1 patch par jour")
    assert (posology.unit, posology.daily_quantity) == ("patch", 1.0)


@pytest.mark.parametrize("text", [
    "1 cp selon la douleur", "2 bouffées en fonction de la gêne", "1 cp en fonction des douleurs",
    "1 sachet selon l'intensité de la douleur",
])
def test_cues_other_than_si_besoin_mean_as_needed(text: str) -> None:
    assert parse_posology(text).as_needed


@pytest.mark.parametrize("text", [
    "1 gélule par jour. Si difficulté à avaler, ouvrir la gélule",
    "1 cp si difficulté à avaler, écraser le comprimé",
    "si vomissement dans l'heure, reprendre 1 cp",
])
def test_a_condition_on_how_to_take_it_is_not_as_needed(text: str) -> None:
    assert not parse_posology(text).as_needed


def test_still_as_needed_when_vomiting_is_the_reason_to_take_it() -> None:
    assert parse_posology("1 suppositoire si vomissements").as_needed


@pytest.mark.parametrize(("text", "daily", "days", "total"), [
    ("0,5 cp au jour 1 puis 0,75 cp au jour 2", 0.75, 2, 1.25),
    ("0,5 cp au jour 1, 0,75 cp au jour 2, puis 1 cp par jour", 1.0, None, None),
    ("J1 : 0,5 cp, J2 : 0,75 cp, puis 1 cp/j", 1.0, None, None),
    ("0,5 cp J1, 0,75 cp J2, 1 cp à partir de J3", 1.0, None, None),
    ("jour 1 : 2 cp, jours 2 à 5 : 1 cp", 2.0, 5, 6.0),
    ("semaine 1 : 1 cp le soir, semaine 2 : 2 cp le soir", 2.0, 14, 21.0),
    ("1 cp à J1, J2 et J3", 1.0, 3, 3.0),
    ("1 cp par jour de J1 à J21 puis 7 jours d'arrêt", 1.0, 21, 21.0),
])
def test_a_schedule_by_day_gives_the_largest_daily_amount(text: str, daily: float, days: float | None,
                                                          total: float | None) -> None:
    posology = parse_posology(text)
    assert (posology.daily_quantity, posology.duration_days, posology.total_quantity) == (daily, days, total)


def test_days_apart_are_no_phase_length() -> None:
    posology = parse_posology("1 injection à J0 et J28")
    assert (posology.daily_quantity, posology.duration_days, posology.total_quantity) == (1.0, None, None)


@pytest.mark.parametrize(("text", "daily", "days"), [
    ("1 cp par jour pendant 10 jours", 1.0, 10), ("1 cp/j 10 j", 1.0, 10), ("2 cp chaque jour 3 semaines", 2.0, 21),
])
def test_a_frequency_followed_by_a_duration_is_no_day_schedule(text: str, daily: float, days: int) -> None:
    posology = parse_posology(text)
    assert (posology.daily_quantity, posology.duration_days, posology.total_quantity) == (daily, days, daily * days)


@pytest.mark.parametrize(("text", "daily"), [
    ("1 cp du lundi au vendredi", 5 / 7),
    ("1 cp matin et soir du lundi au vendredi", 10 / 7),
    ("1 cp du lundi au vendredi, 0,5 cp le week-end", 6 / 7),
    ("2 cp le lundi et 1 cp les autres jours", 8 / 7),
    ("1 cp le samedi et le dimanche, 0,5 cp les autres jours", 4.5 / 7),
    ("1 cp le mercredi, 2 cp le reste de la semaine", 13 / 7),
])
def test_monday_to_friday_is_five_days_in_seven(text: str, daily: float) -> None:
    assert parse_posology(text).daily_quantity == pytest.approx(daily, rel=1e-5)


@pytest.mark.parametrize(("text", "unit"), [
    ("Versatis : 1 emplâtre pendant 12 h par jour", "emplâtre"),
    ("1 dispositif transdermique par semaine", "patch"),
    ("1 ovule le soir pendant 3 jours", "ovule"),
    ("collyre : instiller dans chaque oeil matin et soir", "goutte"),
    ("2 inh matin et soir", "inhalation"),
    ("2 bouffées matin et soir", "bouffée"),
    ("1 suppo matin et soir", "suppositoire"),
    ("injecter 1 fois par semaine", "injection"),
    ("1 stylo par semaine", "stylo"),
])
def test_the_unit_of_each_form_is_found(text: str, unit: str) -> None:
    assert parse_posology(text).unit == unit


def test_hours_worn_each_day_are_no_treatment_duration() -> None:
    assert parse_posology("Versatis : 1 emplâtre pendant 12 h par jour").duration_days is None
