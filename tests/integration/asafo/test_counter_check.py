"""The check of each prescription at the counter against the ASAFO list and the patterns of SPEC §11, on SQLite
and PostgreSQL: a hit is a fraud alert that holds the validation until a pharmacist decides; a normal prescription
of a known prescriber is not suspected; ASAFO down delays nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from comptoir.national.asafo.port import AlertProduct
from comptoir.national.asafo.seeds import DEMO_PRESCRIBER_RPPS
from comptoir.services.dispensing.views import Blocked
from comptoir.services.platform.runtime import Runtime
from tests.conftest import Clock
from tests.integration.asafo.counter_asafo import (
    AMLODIPINE,
    FORGED_NIR,
    KNOWN_RPPS,
    TOPALGIC,
    UNKNOWN_RPPS,
    FakeAsafo,
    Pharmacy,
    asafo_hits,
    forged,
    fraud,
    new_patient,
    pharmacy,
)


@pytest.fixture
def place(runtime: Runtime) -> Iterator[Pharmacy]:
    yield pharmacy(runtime)


@pytest.fixture
def asafo(place: Pharmacy) -> FakeAsafo:
    service = FakeAsafo([forged()])
    place.refresh(service)
    return service


def test_a_prescriber_named_by_asafo_holds_the_validation_until_a_pharmacist_decides(place: Pharmacy,
                                                                                      asafo: FakeAsafo) -> None:
    view = place.basket(rpps=DEMO_PRESCRIBER_RPPS, codes=(TOPALGIC,))

    hit = asafo_hits(view)[0]
    assert "ASAFO-2026-0042" in hit.message and DEMO_PRESCRIBER_RPPS in hit.message and hit.decision is None
    with pytest.raises(Blocked):
        place.validate(view)

    for alert in [a for a in view.alerts if a.needs_decision]:
        view = place.decide(view, alert)
    validated = place.validate(view)

    assert validated.dispensation_id


def test_a_patient_named_by_asafo_is_a_hit_whoever_the_prescriber(place: Pharmacy, asafo: FakeAsafo) -> None:
    patient_id = new_patient(place.runtime, nir=FORGED_NIR)

    view = place.basket(rpps=KNOWN_RPPS, codes=(AMLODIPINE,), patient_id=patient_id)

    assert [a for a in asafo_hits(view) if "le patient (même NIR)" in a.message]


def test_a_forged_product_from_an_unknown_prescriber_is_a_hit(place: Pharmacy, asafo: FakeAsafo) -> None:
    view = place.basket(rpps=UNKNOWN_RPPS, codes=(TOPALGIC,))

    product_hits = [a for a in fraud(view) if "ordonnance(s) fausse(s) confirmée(s) de ce produit" in a.message]
    assert product_hits and product_hits[0].needs_decision
    assert any("prescripteur inconnu de la pharmacie" in a.message for a in fraud(view))


def test_a_normal_prescription_of_a_known_prescriber_raises_no_fraud_signal(place: Pharmacy, clock: Clock) -> None:
    place.validate(place.basket(rpps=KNOWN_RPPS, codes=(AMLODIPINE,)))
    clock.advance(days=30)
    place.refresh(FakeAsafo([forged(products=(AlertProduct("AMLODIPINE", None, ("amlodipine",)),))]))

    view = place.basket(rpps=KNOWN_RPPS, codes=(AMLODIPINE,))

    assert fraud(view) == [] and not view.blocking and view.secure.asafo_status == ""


def test_an_expensive_product_for_an_unknown_patient_from_an_unknown_prescriber_is_a_fraud_pattern(
        place: Pharmacy, asafo: FakeAsafo) -> None:
    patient_id = new_patient(place.runtime)

    view = place.basket(rpps=UNKNOWN_RPPS, codes=("3400930042687",), patient_id=patient_id)

    pattern = [a for a in fraud(view) if "patient inconnu" in a.message]
    assert pattern and pattern[0].needs_decision


def test_asafo_down_leaves_the_list_as_it_was_says_so_and_the_counter_goes_on(place: Pharmacy, clock: Clock) -> None:
    service = FakeAsafo([forged()], down=True)

    refreshed = place.refresh(service)
    view = place.basket(rpps=KNOWN_RPPS, codes=(AMLODIPINE,))

    assert "indisponible" in refreshed.error
    assert view.secure.asafo_status.startswith("ASAFO indisponible")
    assert place.validate(view).dispensation_id


def test_a_stale_copy_is_said_with_its_date(place: Pharmacy, asafo: FakeAsafo, clock: Clock) -> None:
    clock.advance(hours=3)

    view = place.basket(rpps=DEMO_PRESCRIBER_RPPS, codes=(TOPALGIC,))

    assert "à jour du 19/02/2026" in view.secure.asafo_status
    assert asafo_hits(view)
