"""At the counter, the prescriber of the basket checked against the Annuaire Santé (emulator on a socket), on
SQLite and PostgreSQL: unknown or struck off holds the validation until a pharmacist decides; the Annuaire down
is said, never silent, and holds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from datetime import date

import pytest

from comptoir.domain.eprescription.prescription import Prescriber
from comptoir.national.annuaire.seed import NON_PRESCRIBER_RPPS, STRUCK_OFF_RPPS
from comptoir.services.annuaire.check import mssante_addresses
from comptoir.services.annuaire.directory import CachedDirectory
from comptoir.services.dispensing import basket as counter
from comptoir.services.dispensing import decisions
from comptoir.services.dispensing.views import AlertView, BasketView, DecisionInput, PrescriptionInput
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from tests.annuaire_emulator import annuaire_emulator, installed_directory
from tests.emulators import free_port
from tests.integration.dispensing.counter_site import on_basket, site
from tests.integration.eprescription.onsite import pharmacy_with_prescription

TRAL = "99900038441"
UNKNOWN = "10000000017"


@pytest.fixture(scope="module")
def annuaire_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with annuaire_emulator(tmp_path_factory.mktemp("annuaire")) as url:
        yield url


@pytest.fixture
def annuaire(annuaire_url: str) -> Iterator[CachedDirectory]:
    with installed_directory(annuaire_url) as directory:
        yield directory


def paper_basket(runtime: Runtime, rpps: str) -> tuple[CurrentOperator, BasketView]:
    pharmacist, patient_id, _ = pharmacy_with_prescription(runtime)
    with closing(runtime.unit_of_work()) as uow:
        opened = counter.open_basket(patient_id, "ordonnance_papier", uow=uow, operator=pharmacist,
                                     now=runtime.clock(), reference=runtime.analysis_reference)
    with closing(runtime.unit_of_work()) as uow:
        return pharmacist, counter.set_prescription(
            opened.id, PrescriptionInput(rpps, "Dr X", date(2026, 2, 18)), uow=uow, operator=pharmacist,
            now=runtime.clock(), reference=runtime.analysis_reference)


def annuaire_alerts(view: BasketView) -> list[AlertView]:
    return [a for a in view.alerts if "Annuaire" in a.message or "Prescripteur" in a.message]


def test_a_known_practising_prescriber_raises_nothing(runtime: Runtime, annuaire: CachedDirectory) -> None:
    _, view = paper_basket(runtime, TRAL)
    assert annuaire_alerts(view) == []


def test_an_unknown_prescriber_holds_the_validation(runtime: Runtime, annuaire: CachedDirectory) -> None:
    _, view = paper_basket(runtime, UNKNOWN)
    [alert] = annuaire_alerts(view)
    assert alert.message.startswith("Prescripteur inconnu de l'Annuaire Santé (RPPS 10000000017)")
    assert alert.needs_decision and any("Décision d'un pharmacien requise" in r for r in view.blocking)


def test_a_struck_off_prescriber_holds_the_validation_until_a_pharmacist_decides(
        runtime: Runtime, annuaire: CachedDirectory) -> None:
    pharmacist, view = paper_basket(runtime, STRUCK_OFF_RPPS)
    [alert] = annuaire_alerts(view)
    assert alert.message.startswith("Prescripteur radié : Paul RADIER") and alert.level == "CI"
    with closing(runtime.unit_of_work()) as uow:
        decided = decisions.decide(view.id, alert.key, DecisionInput("override", "Ordonnance datée d'avant la "
                                                                                 "radiation, vérifiée"),
                                   uow=uow, operator=pharmacist, now=runtime.clock(),
                                   reference=runtime.analysis_reference)
    assert not any("Décision d'un pharmacien requise" in r for r in decided.blocking)


def test_a_profession_that_prescribes_no_medicine_is_flagged(runtime: Runtime, annuaire: CachedDirectory) -> None:
    _, view = paper_basket(runtime, NON_PRESCRIBER_RPPS)
    [alert] = annuaire_alerts(view)
    assert "orthophoniste" in alert.message and alert.needs_decision


def test_the_annuaire_down_is_said_and_holds_nothing(runtime: Runtime) -> None:
    with installed_directory(f"http://127.0.0.1:{free_port()}"):
        _, view = paper_basket(runtime, STRUCK_OFF_RPPS)
    [alert] = annuaire_alerts(view)
    assert alert.message.startswith("Annuaire Santé indisponible : prescripteur non vérifié")
    assert not alert.needs_decision and not any("Décision" in r for r in view.blocking)


def test_an_rpps_with_a_wrong_key_is_left_to_the_analysis(runtime: Runtime, annuaire: CachedDirectory) -> None:
    _, view = paper_basket(runtime, "10000000018")
    assert [a.message for a in view.alerts if "Annuaire Santé (" in a.message or "radié" in a.message] == []
    assert any("RPPS du prescripteur invalide" in a.message for a in view.alerts)


def test_the_prescriber_of_an_on_is_checked_too(runtime: Runtime, annuaire: CachedDirectory) -> None:
    place = site(runtime)
    struck_off = replace(place.prescription, prescriber=Prescriber(STRUCK_OFF_RPPS, "991118019", "RADIER", "Paul"))
    view = on_basket(replace(place, prescription=struck_off))
    assert [a.message.split(" :")[0] for a in annuaire_alerts(view)] == ["Prescripteur radié"]


def test_the_prescriber_s_mssante_addresses(annuaire: CachedDirectory) -> None:
    """For the MSSanté helper: a practising prescriber's personal mailboxes; none for one struck off or unknown."""
    assert mssante_addresses(TRAL) == ("ademis.tral@medecin.mssante.fr",)
    assert mssante_addresses(STRUCK_OFF_RPPS) == () and mssante_addresses(UNKNOWN) == ()
