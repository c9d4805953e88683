import dataclasses
import random
from pathlib import Path

import pytest

from comptoir.reading.posology import CONTRACT_FIELDS, Posology, parse_lines, parse_posology

CORPUS = Path(__file__).resolve().parents[2] / "data" / "posology_corpus.jsonl"


def read(text: str) -> dict[str, object]:
    return parse_posology(text).contract()


def daily(text: str) -> float | None:
    return parse_posology(text).daily_quantity


def unit(text: str) -> str | None:
    return parse_posology(text).unit


def duration(text: str) -> float | None:
    return parse_posology(text).duration_days


@pytest.mark.parametrize(("text", "expected"), [
    ("1 cp 30 min avant le coucher 1 mois", ("comprimé", 1, 30, False, 0, 30)),
    ("1 cp par jour qsp 3 mois", ("comprimé", 1, 90, False, 0, 90)),
    ("1-1-1 qsp 1 mois", (None, 3, 30, False, 0, 90)),
    ("1-0-0 qsp 3 mois", (None, 1, 90, False, 0, 90)),
    ("1-1-1 qsp 15j bain de bouche", (None, 3, 15, False, 0, 45)),
    ("1 comprimé le matin, pendant 1 mois. Traitement à renouveler 3 fois.",
     ("comprimé", 1, 30, False, 3, 30)),
    ("1 gélule le matin, pendant 1 mois.", ("gélule", 1, 30, False, 0, 30)),
    ("conseil : 1 comprimé si douleur", ("comprimé", 1, None, True, 0, None)),
])
def test_reads_the_real_prescription_examples(text: str, expected: tuple[object, ...]) -> None:
    got = read(text)

    assert (got["unit"], got["daily_quantity"], got["duration_days"], got["as_needed"], got["renewals"],
            got["total_quantity"]) == expected
    assert got["boxes"] is None


@pytest.mark.parametrize(("text", "expected"), [
    ("1 cp le soir", "comprimé"), ("1 cpr le soir", "comprimé"), ("1 comp. le soir", "comprimé"),
    ("1 gél le soir", "gélule"), ("1 gel le soir", "gélule"), ("1 sach le soir", "sachet"),
    ("10 gtt le soir", "goutte"), ("1 inj le soir", "injection"), ("1 supp le soir", "suppositoire"),
    ("1 amp le soir", "ampoule"), ("1 c. à café le soir", "cuillère à café"),
    ("2 càc le soir", "cuillère à café"), ("1 c. à soupe le soir", "cuillère à soupe"),
    ("2 bouffées le soir", "bouffée"), ("1 patch le soir", "patch"),
    ("2 pulvérisations le soir", "pulvérisation"), ("1 ovule le soir", "ovule"),
    ("1 capsule le soir", "capsule"), ("1 dose-poids le soir", "dose-poids"),
    ("5 ml le soir", "ml"), ("500 mg le soir", "mg"), ("10 UI le soir", "UI"), ("8 unités le soir", "unité"),
    ("1 application le soir", "application"),
])
def test_understands_units_and_their_abbreviations(text: str, expected: str) -> None:
    assert unit(text) == expected


def test_a_unit_written_alone_is_read() -> None:
    assert [unit("cp"), unit("cpr"), unit("gél")] == ["comprimé", "comprimé", "gélule"]
    assert unit("Appliquer matin et soir") == "application"


def test_a_strength_beside_the_dose_is_not_the_unit() -> None:
    assert read("Amoxicilline 1 g : 1 cp matin et soir")["unit"] == "comprimé"
    assert daily("Amoxicilline 1 g : 1 cp matin et soir") == 2
    assert daily("2 comprimés de 500 mg 3 fois par jour") == 6


def test_understands_mass_and_volume_doses() -> None:
    assert (unit("500 mg 3 fois par jour"), daily("500 mg 3 fois par jour")) == ("mg", 1500)
    assert daily("10 UI le soir") == 10
    assert daily("5 ml 3 fois par jour") == 15


@pytest.mark.parametrize(("text", "expected"), [("1-0-1", 2), ("1-1-1", 3), ("1-0-0", 1), ("1-1-1-1", 4),
                                                ("½-0-½", 1), ("2-0-1 cp", 3)])
def test_understands_morning_noon_evening_sequences(text: str, expected: float) -> None:
    assert daily(text) == expected


@pytest.mark.parametrize("text", ["1 cp x3/j", "1 cp 3x/j", "1 cp 3 fois par jour", "1 cp 3/j",
                                  "1 cp x 3 par jour", "1 cp trois fois par jour", "1 cp 3 fois/24h"])
def test_understands_times_a_day(text: str) -> None:
    assert daily(text) == 3


def test_understands_fragments_without_a_dose() -> None:
    assert [daily("x3/j"), daily("3x/j"), daily("toutes les 6 h"), daily("au coucher")] == [3, 3, 4, 1]


@pytest.mark.parametrize(("text", "expected"), [("1 cp toutes les 6 h", 4), ("1 cp toutes les 8 heures", 3),
                                                ("1 cp toutes les 4 à 6 h", 6), ("1 cp/12h", 2),
                                                ("1 patch toutes les 72 heures", 1 / 3)])
def test_understands_every_n_hours(text: str, expected: float) -> None:
    assert daily(text) == pytest.approx(expected, rel=1e-3)


@pytest.mark.parametrize(("text", "expected"), [
    ("1 cp matin, midi et soir", 3), ("1 cp matin midi soir", 3), ("1 cp matin et soir", 2),
    ("1 cp le matin, le midi et le soir", 3), ("matin, midi et soir", 3), ("1 cp matin/midi/soir", 3),
    ("1 cp le matin", 1), ("1 cp le midi", 1), ("1 cp au réveil", 1),
])
def test_understands_morning_noon_evening(text: str, expected: float) -> None:
    assert daily(text) == expected


def test_understands_bedtime() -> None:
    assert daily("1 cp au coucher") == 1
    assert daily("1 cp le soir au coucher") == 1
    assert daily("1 cp matin et au coucher") == 2
    assert daily("1 sachet après les repas et au coucher") == 4


def test_understands_meals() -> None:
    assert daily("2 gélules à chaque repas") == 6
    assert daily("1 gélule 3 fois par jour au milieu des repas") == 3


def test_understands_clock_times() -> None:
    assert daily("1 cp à 8h et à 20h") == 2


def test_understands_several_doses_in_a_day() -> None:
    assert daily("1 cp le matin et 2 cp le soir") == 3
    assert daily("1 cp matin, 1/2 cp soir") == 1.5
    assert daily("6 UI matin, 4 UI midi et 6 UI soir") == 16
    assert daily("Matin : 1 cp ; soir : 2 cp") == 3


def test_a_dose_per_day_is_the_days_total() -> None:
    assert daily("2 cp par jour matin et soir") == 2
    assert daily("4 cp par jour en 2 prises") == 4
    assert daily("2 cp par prise, 3 prises par jour") == 6


def test_understands_ranges_take_the_maximum() -> None:
    assert daily("1 à 2 cp 3 fois par jour") == 6
    assert daily("1 ou 2 gélules matin et soir") == 4
    assert daily("1 à 2") == 2
    assert duration("1 cp matin et soir pendant 5 à 7 jours") == 7


def test_understands_as_needed_with_a_cap() -> None:
    posology = parse_posology("1 cp si douleur sans dépasser 4 par jour")

    assert (posology.as_needed, posology.daily_quantity) == (True, 4)
    assert daily("1 suppositoire si fièvre sans dépasser 3 par jour") == 3
    assert daily("sans dépasser 4 par jour") == 4
    assert daily("2 cp si douleur, max 3 fois par jour") == 6
    assert daily("1 cp si douleur, espacer les prises de 6 heures") == 4


def test_a_cap_limits_a_regular_schedule() -> None:
    assert daily("1 à 2 cp 3 fois par jour sans dépasser 5 cp par jour") == 5
    assert daily("1 cp toutes les 6 h si douleur, max 3/j") == 3


def test_understands_a_cap_in_another_mass_unit() -> None:
    assert daily("1 cp de 1 g si douleur, sans dépasser 3 g par jour") == 3


def test_understands_as_needed_without_a_cap() -> None:
    assert read("1 cp si besoin")["daily_quantity"] == 1
    assert daily("1 cp toutes les 6 h si besoin") == 4
    for text in ("1 cp si douleur", "1 sachet sb", "2 cp à la demande", "1 cp si nécessaire",
                 "1 cp en cas de crise", "1 suppo si fièvre", "si douleur"):
        assert parse_posology(text).as_needed, text


def test_if_possible_is_not_as_needed() -> None:
    assert not parse_posology("1 cp le soir, si possible à heure fixe").as_needed


@pytest.mark.parametrize(("text", "expected"), [
    ("½ cp le matin", 0.5), ("1/2 cp matin et soir", 1), ("3/4 de cp le soir", 0.75),
    ("3/4 cp le soir", 0.75),
    ("un demi-comprimé le soir", 0.5), ("un quart de comprimé par jour", 0.25), ("1 cp et demi le soir", 1.5),
    ("1 cp 1/2 le soir", 1.5), ("1,5 ml matin et soir", 3), ("une demi gélule le soir", 0.5),
])
def test_understands_fractions(text: str, expected: float) -> None:
    assert daily(text) == expected


def test_understands_numbers_in_words() -> None:
    assert daily("deux comprimés trois fois par jour") == 6
    assert read("trois comprimés par jour pendant cinq jours")["total_quantity"] == 15
    assert daily("une gélule le soir") == 1
    assert duration("1 cp par jour pendant vingt et un jours") == 21


def test_understands_each_nostril_and_eye() -> None:
    assert daily("2 pulvérisations dans chaque narine matin et soir") == 8
    assert daily("1 goutte dans chaque œil 3 fois par jour") == 6
    assert daily("1 goutte dans les deux yeux le soir") == 2
    assert daily("2 gouttes dans l'oeil droit 4 fois par jour") == 8


def test_understands_one_day_in_two() -> None:
    assert daily("1 cp 1 jour sur 2") == 0.5
    assert daily("1 cp un jour sur deux") == 0.5
    assert daily("1 cp tous les 2 jours") == 0.5
    assert daily("1 cp 1j/2") == 0.5
    assert daily("1 cp par jour 5 jours sur 7") == pytest.approx(5 / 7, rel=1e-3)


def test_understands_weekdays() -> None:
    assert daily("1 cp le lundi") == pytest.approx(1 / 7, rel=1e-3)
    assert daily("4 cp le lundi") == pytest.approx(4 / 7, rel=1e-3)
    assert daily("1 cp le lundi et le jeudi") == pytest.approx(2 / 7, rel=1e-3)
    assert daily("1 cp par jour du lundi au vendredi") == pytest.approx(5 / 7, rel=1e-3)
    assert daily("1 cp par jour sauf le dimanche") == pytest.approx(6 / 7, rel=1e-3)


def test_understands_once_a_week() -> None:
    assert daily("2 cp une fois par semaine") == pytest.approx(2 / 7, rel=1e-3)
    assert daily("1 injection par semaine") == pytest.approx(1 / 7, rel=1e-3)
    assert daily("1 sachet 2 fois par semaine") == pytest.approx(2 / 7, rel=1e-3)
    assert daily("1 injection hebdomadaire") == pytest.approx(1 / 7, rel=1e-3)


def test_understands_monthly_and_every_n_months() -> None:
    assert daily("1 ampoule par mois") == pytest.approx(1 / 30, rel=1e-3)
    assert daily("1 injection tous les 3 mois") == pytest.approx(1 / 90, rel=1e-3)
    assert daily("1 injection par trimestre") == pytest.approx(1 / 90, rel=1e-3)
    assert daily("1 injection toutes les 2 semaines") == pytest.approx(1 / 14, rel=1e-3)
    assert duration("1 injection tous les 3 mois") is None


def test_understands_phases_with_puis() -> None:
    got = read("2 cp par jour pendant 3 jours puis 1 cp par jour pendant 4 jours")

    assert (got["daily_quantity"], got["duration_days"], got["total_quantity"]) == (2, 7, 10)


def test_a_later_phase_keeps_the_dose_it_does_not_repeat() -> None:
    got = read("1 cp 3 fois par jour pendant 2 jours, puis 2 fois par jour pendant 3 jours")

    assert (got["unit"], got["daily_quantity"], got["duration_days"]) == ("comprimé", 3, 5)
    assert got["total_quantity"] == 12


def test_phases_without_puis_and_first_day_loading_doses() -> None:
    assert read("3 cp/j pendant 3 j, 2 cp/j pendant 3 j, 1 cp/j pendant 3 j")["total_quantity"] == 18
    assert read("2 cp le premier jour puis 1 cp par jour pendant 4 jours")["total_quantity"] == 6


def test_an_open_ended_phase_leaves_the_duration_unknown() -> None:
    got = read("1 cp le soir pendant 15 jours puis 2 cp le soir")

    assert (got["daily_quantity"], got["duration_days"], got["total_quantity"]) == (2, None, None)


@pytest.mark.parametrize(("text", "expected"), [
    ("1 cp par jour pendant 10 jours", 10), ("1 cp pdt 10 j", 10), ("1 cp par jour qsp 3 mois", 90),
    ("1 cp/j 15j", 15), ("1 cp/j durant 3 semaines", 21), ("1 sachet par jour sur 5 jours", 5),
    ("1 cp le soir pendant 1 an", 365), ("1 gélule par jour pendant 2 ans", 730),
    ("1 cp le matin 6 mois", 180),
    ("1 cp matin et soir pendant 48 h", 2), ("1 cp le matin pendant une semaine", 7),
    ("1 cp 3 fois par jour pendant 1 mois et demi", 45), ("1 sachet en prise unique", 1),
    ("1 cp par jour", None),
])
def test_understands_durations(text: str, expected: float | None) -> None:
    assert duration(text) == expected


def test_understands_renewals() -> None:
    assert read("1 cp par jour pendant 1 mois, à renouveler 3 fois")["renewals"] == 3
    assert read("1 cp par jour qsp 1 mois AR 2 fois")["renewals"] == 2
    assert read("1 gélule par jour, renouvelable 5 fois")["renewals"] == 5
    assert read("1 cp par jour, à renouveler une fois")["renewals"] == 1
    assert read("1 cp le soir pendant 1 mois à renouveler 5 mois")["renewals"] == 5


def test_qsp_and_repeat_doses_are_no_renewal() -> None:
    assert read("1 cp par jour qsp 3 mois")["renewals"] == 0
    assert read("1 cp si douleur, à renouveler 6 h après si besoin")["renewals"] == 0
    assert read("1 cp 3 fois par jour, non renouvelable")["renewals"] == 0


def test_understands_boxes() -> None:
    assert read("2 boîtes")["boxes"] == 2
    assert read("1 cp par jour, 1 bte")["boxes"] == 1
    assert read("10 ml 3 fois par jour pendant 5 jours, 3 flacons")["boxes"] == 3
    boxed = read("1 cp par jour, 2 boîtes de 30 comprimés")
    assert (boxed["unit"], boxed["daily_quantity"], boxed["boxes"]) == ("comprimé", 1, 2)
    assert read("1 cp par jour")["boxes"] is None


def test_a_flacon_taken_as_a_dose_is_not_a_box() -> None:
    got = read("Boire 1 flacon par jour")

    assert (got["unit"], got["daily_quantity"], got["boxes"]) == ("flacon", 1, None)


def test_total_quantity_is_daily_times_duration() -> None:
    assert read("1 application 2 fois par jour pendant 10 jours")["total_quantity"] == 20
    assert read("1 injection par semaine pendant 3 mois")["total_quantity"] == pytest.approx(90 / 7, rel=1e-3)
    assert read("1 cp matin et soir")["total_quantity"] is None


def test_per_intake_is_the_dose_of_one_intake() -> None:
    assert parse_posology("500 mg 3 fois par jour").per_intake == 500
    assert parse_posology("4 cp par jour en 2 prises").per_intake == 2
    assert parse_posology("1-2-1").per_intake == 2


@pytest.mark.parametrize("text", ["bonjour", "", "???", "   ", "voir ordonnance précédente", "qsp"])
def test_nonsense_is_not_understood(text: str) -> None:
    posology = parse_posology(text)

    assert not posology.understood
    assert posology.contract() == {"unit": None, "daily_quantity": None, "duration_days": None,
                                   "as_needed": False, "renewals": 0, "boxes": None, "total_quantity": None}


def test_random_junk_never_raises() -> None:
    rng = random.Random(20260219)
    alphabet = "abcdeéèàçfghijlmnopqrstuvxyz0123456789 /-,.;:()%°½¾'’×+?!\n"
    words = ["cp", "0", "1", "1/2", "toutes les", "tous les", "h", "j", "sur", "par", "fois", "x", "puis",
             "qsp", "mois", "lundi", "sauf", "si", "max", "renouveler", "boîte", "flacon", "mg", "-", "0-0-0",
             "matin"]
    for index in range(500):
        if index % 2:
            text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 12)))
        else:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert isinstance(parse_posology(text), Posology)


def test_the_contract_has_exactly_the_seven_fields() -> None:
    assert tuple(read("1 cp le soir")) == CONTRACT_FIELDS == (
        "unit", "daily_quantity", "duration_days", "as_needed", "renewals", "boxes", "total_quantity")


def test_numbers_have_consistent_types() -> None:
    got = read("2 cp par jour pendant 10 jours, à renouveler 1 fois, 2 boîtes")

    assert isinstance(got["daily_quantity"], float) and isinstance(got["total_quantity"], float)
    assert isinstance(got["duration_days"], int) and isinstance(got["renewals"], int)
    assert isinstance(got["boxes"], int)


def test_a_posology_is_frozen() -> None:
    posology = parse_posology("1 cp le soir")

    with pytest.raises(dataclasses.FrozenInstanceError):
        posology.unit = "gélule"  # type: ignore[misc]


def test_parse_lines_reads_each_line() -> None:
    lines = parse_lines(["1 cp le soir", "bonjour"])

    assert [p.understood for p in lines] == [True, False]
    assert lines[0].text == "1 cp le soir"
