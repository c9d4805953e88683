"""The reinforced check of a medicine over 300 € (SPEC §11.1), on SQLite and PostgreSQL: required before the
validation of a paper prescription holding one, refused when incomplete for its mention, kept with the
dispensation, and each mention's consequence."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

import pytest

from comptoir.errors import FieldErrors
from comptoir.services.asafo.counter import ChecklistInput, record_check
from comptoir.services.dispensing import basket as counter
from comptoir.services.dispensing.expensive import check_of
from comptoir.services.dispensing.views import BasketView, Blocked, LineChanges
from comptoir.services.platform.runtime import Runtime
from tests.conftest import Clock
from tests.integration.asafo.counter_asafo import (
    AMLODIPINE,
    HUMIRA,
    KNOWN_RPPS,
    UNKNOWN_RPPS,
    FakeAsafo,
    Pharmacy,
    pharmacy,
)

ALL_CHECKED = {"prescriber_verified": True, "original_seen": True, "identity_checked": True,
               "specialty_coherent": True}


@pytest.fixture
def place(runtime: Runtime) -> Iterator[Pharmacy]:
    built = pharmacy(runtime)
    built.refresh(FakeAsafo())
    yield built


def checked(place: Pharmacy, view: BasketView, **given: object) -> BasketView:
    with closing(place.runtime.unit_of_work()) as uow:
        return record_check(view.id, ChecklistInput(**given), uow=uow, **place.tools())  # type: ignore[arg-type]


def decided(place: Pharmacy, view: BasketView) -> BasketView:
    for alert in [a for a in view.alerts if a.needs_decision and a.decision is None]:
        view = place.decide(view, alert)
    return view


def test_a_medicine_over_300_euros_asks_for_the_checklist_before_validation(place: Pharmacy) -> None:
    view = decided(place, place.basket(rpps=KNOWN_RPPS, codes=(HUMIRA,)))

    assert view.secure.checklist is not None and "HUMIRA 40 mg" in view.secure.checklist.lines[0]
    assert any("Contrôle renforcé requis" in reason for reason in view.blocking)
    with pytest.raises(Blocked):
        place.validate(view)


def test_a_secured_delivery_needs_the_four_checks_and_nothing_is_kept_otherwise(place: Pharmacy) -> None:
    view = decided(place, place.basket(rpps=KNOWN_RPPS, codes=(HUMIRA,)))

    with pytest.raises(FieldErrors) as refused:
        checked(place, view, outcome="securisee", prescriber_verified=True)

    assert "quatre vérifications" in refused.value.errors["outcome"]
    assert place.view(view).secure.checklist.done is None  # type: ignore[union-attr]


def test_the_completed_checklist_unblocks_and_is_kept_with_the_dispensation(place: Pharmacy) -> None:
    view = decided(place, place.basket(rpps=KNOWN_RPPS, codes=(HUMIRA,)))

    view = checked(place, view, outcome="securisee", comment="Appel au Dr, RPPS vérifié", **ALL_CHECKED)
    validated = place.validate(view)

    with closing(place.runtime.unit_of_work()) as uow:
        kept = check_of(validated.dispensation_id, uow=uow)
    assert kept is not None and kept.outcome_label == "Délivrance sécurisée" and kept.prescriber_verified
    assert kept.operator_code == "PH01" and "HUMIRA 40 mg" in kept.products[0]


def test_a_temporary_delivery_gives_one_box_only(place: Pharmacy) -> None:
    view = decided(place, place.basket(rpps=KNOWN_RPPS, codes=(HUMIRA,)))
    with closing(place.runtime.unit_of_work()) as uow:
        view = counter.update_line(view.id, view.lines[0].position, LineChanges(boxes=2), uow=uow, **place.tools())  # type: ignore[arg-type]

    view = checked(place, view, outcome="temporaire", original_seen=True, identity_checked=True)

    assert any("une seule boîte" in reason for reason in view.blocking)


def test_a_refusal_holds_the_validation_for_good(place: Pharmacy) -> None:
    view = decided(place, place.basket(rpps=KNOWN_RPPS, codes=(HUMIRA,)))

    view = checked(place, view, outcome="refus", comment="Prescripteur injoignable, hôpital inconnu")

    assert any("Refus de délivrance" in reason for reason in view.blocking)
    with pytest.raises(Blocked):
        place.validate(view)


def test_a_basket_without_an_expensive_medicine_has_no_checklist(place: Pharmacy) -> None:
    view = place.basket(rpps=KNOWN_RPPS, codes=("3400930000028",))

    assert view.secure.checklist is None
    with pytest.raises(FieldErrors):
        checked(place, view, outcome="securisee", **ALL_CHECKED)


def known_here(place: Pharmacy, clock: Clock) -> None:
    """The patient and KNOWN_RPPS's prescriptions delivered here before (SPEC §11.1: not a first presentation)."""
    place.validate(decided(place, place.basket(rpps=KNOWN_RPPS, codes=(AMLODIPINE,))))
    clock.advance(seconds=3600)


def test_a_known_patient_with_a_known_prescriber_is_offered_the_checklist_without_being_held(
        place: Pharmacy, clock: Clock) -> None:
    known_here(place, clock)

    view = decided(place, place.basket(rpps=KNOWN_RPPS, codes=(HUMIRA,)))

    assert view.secure.checklist is not None and not view.secure.checklist.required
    assert not any("Contrôle renforcé" in reason for reason in view.blocking)
    assert place.validate(view).dispensation_id


def test_a_known_patient_with_an_unknown_prescriber_must_complete_the_checklist(place: Pharmacy, clock: Clock) -> None:
    known_here(place, clock)

    view = decided(place, place.basket(rpps=UNKNOWN_RPPS, codes=(HUMIRA,)))

    assert view.secure.checklist is not None and view.secure.checklist.required
    assert any("Contrôle renforcé requis" in reason for reason in view.blocking)
