"""The refusals of a prescriber's line before the ON base is asked, and the DCI printed for a product."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from comptoir.domain.dispensing.conditions import read_conditions
from comptoir.domain.eprescription.prescribing import (
    DURATION,
    POSOLOGY,
    REASON,
    RENEWALS,
    TEXT,
    Ingredient,
    LineFacts,
    LinesRefused,
    age_in_years,
    ambiguous_product,
    dci_of,
    line_problems,
    refuse_if_any,
    unknown_product,
)
from comptoir.domain.eprescription.prescription import LineKind

ON = date(2026, 2, 19)
ADULT = date(1966, 2, 23)
NARCOTIC = read_conditions(["stupéfiants", "prescription en toutes lettres sur ordonnance sécurisée",
                            "prescription limitée à 4 semaines"])
HYPNOTIC = read_conditions(["liste I", "prescription en toutes lettres sur ordonnance sécurisée",
                            "prescription limitée à 4 semaines"])
LINE = LineFacts(0, LineKind.MEDICINE, "1 gélule matin et soir", True, 28, 0, True, None)


def problems(line: LineFacts, born: date | None = ADULT) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in line_problems(line, born=born, on=ON)]


def test_a_complete_line_passes() -> None:
    assert problems(LINE) == []
    assert problems(replace(LINE, conditions=NARCOTIC)) == []


@pytest.mark.parametrize("posology", ["", "   ", "- ?"])
def test_a_line_without_posology_is_refused_beside_the_posology(posology: str) -> None:
    [(field, message)] = problems(replace(LINE, posology=posology, posology_read=False))
    assert field == POSOLOGY and message.startswith("Posologie obligatoire")


def test_an_unreadable_posology_passes_but_not_on_a_secure_prescription() -> None:
    unread = replace(LINE, posology="selon glycémie", posology_read=False)

    assert problems(unread) == []
    [(field, message)] = problems(replace(unread, conditions=HYPNOTIC))
    assert field == POSOLOGY and "nombre d'unités par prise" in message


def test_a_device_needs_no_posology() -> None:
    assert problems(replace(LINE, kind=LineKind.DEVICE, posology="")) == []


def test_a_narcotic_beyond_28_days_is_refused_beside_the_duration() -> None:
    [(field, message)] = problems(replace(LINE, conditions=NARCOTIC, duration_days=30))
    assert field == DURATION
    assert message == "Stupéfiant : 28 jours au plus par ordonnance (30 jours saisis)."


def test_a_narcotic_without_duration_is_refused() -> None:
    [(field, message)] = problems(replace(LINE, conditions=NARCOTIC, duration_days=None))
    assert field == DURATION and message.startswith("Durée de traitement obligatoire.")


def test_renewals_cannot_stretch_a_limited_prescription() -> None:
    [(field, message)] = problems(replace(LINE, conditions=HYPNOTIC, duration_days=14, renewals=2))
    assert field == RENEWALS
    assert message == ("Médicament assimilé aux stupéfiants : 28 jours au plus par ordonnance, renouvellements "
                       "compris (42 jours avec 2 renouvellement(s)).")
    assert problems(replace(LINE, conditions=HYPNOTIC, duration_days=14, renewals=1)) == []


def test_a_product_limited_by_its_own_term_uses_it() -> None:
    anxiolytic = read_conditions(["liste I", "prescription limitée à 12 semaines"])
    assert problems(replace(LINE, conditions=anxiolytic, duration_days=84)) == []
    [(field, _)] = problems(replace(LINE, conditions=anxiolytic, duration_days=90))
    assert field == DURATION


def test_a_hospital_reserved_product_is_refused_beside_the_product() -> None:
    hospital = read_conditions(["réservé à l'usage HOSPITALIER", "liste I"])
    [(field, message)] = problems(replace(LINE, conditions=hospital))
    assert field == TEXT and "usage hospitalier" in message


def test_efg_is_for_a_child_under_six() -> None:
    efg = replace(LINE, substitutable=False, reason="EFG")

    assert problems(efg, born=date(2021, 6, 1)) == []  # 4 years old
    assert problems(efg, born=date(2020, 2, 20)) == []  # 6 tomorrow
    [(field, message)] = problems(efg, born=date(2020, 2, 19))  # 6 today
    assert field == REASON and "moins de 6 ans (le patient a 6 ans)" in message


def test_mte_and_cif_are_accepted_at_any_age_and_a_motif_is_required() -> None:
    for reason in ("MTE", "CIF"):
        assert problems(replace(LINE, substitutable=False, reason=reason)) == []
    [(field, message)] = problems(replace(LINE, substitutable=False, reason=None))
    assert field == REASON and "motif" in message


def test_age_counts_whole_years_on_the_prescription_date() -> None:
    assert age_in_years(date(2020, 2, 20), ON) == 5
    assert age_in_years(date(2020, 2, 19), ON) == 6


def test_the_refusal_lists_every_line_in_order_and_joins_a_fields_messages() -> None:
    found = [ambiguous_product(2, "doliprane", [("60234100", "DOLIPRANE 1000 mg, comprimé")]),
             unknown_product(0, "xyzzy"), unknown_product(2, "again")]

    with pytest.raises(LinesRefused) as refused:
        refuse_if_any(found)

    assert [p.position for p in refused.value.problems] == [0, 2, 2]
    assert str(refused.value).startswith("Ligne 1 : « xyzzy » ne correspond à aucun médicament")
    named = refused.value.messages(lambda p: f"{p.field}_{p.position}", with_candidates=True)
    assert list(named) == ["text_0", "text_2"]
    assert "DOLIPRANE 1000 mg, comprimé (CIS 60234100)" in named["text_2"] and "again" in named["text_2"]
    refuse_if_any([])


def test_the_dci_takes_the_strength_the_name_prints() -> None:
    levothyroxine = [Ingredient("lévothyroxine", "50 microgrammes", "SA", 1),
                     Ingredient("lévothyroxine", "48,62 microgrammes", "FT", 1)]
    amlodipine = [Ingredient("amlodipine", "5,000 mg", "FT", 1), Ingredient("amlodipine", "6,983 mg", "SA", 1)]
    augmentin = [Ingredient("amoxicilline", "1000 mg", "FT", 1), Ingredient("amoxicilline", "", "SA", 1),
                 Ingredient("clavulanate de potassium", "", "SA", 2),
                 Ingredient("acide clavulanique", "125,00 mg", "FT", 2)]

    assert dci_of(levothyroxine, "LEVOTHYROX 50 microgrammes, comprimé sécable") == "lévothyroxine 50 microgrammes"
    assert dci_of(amlodipine, "AMLOR 5 mg, gélule") == "amlodipine 5 mg"
    assert dci_of(augmentin, "AUGMENTIN 1 g/125 mg") == "amoxicilline 1000 mg + acide clavulanique 125 mg"
    assert dci_of([], "CRÈME") == ""
