"""Fraud signals at the counter, on the in-memory unit of work: each needs a pharmacist's decision, and its
message names the products by name and DCI and says why it blocks; a month of a longer treatment is recorded as
the month it covers, so that next month's delivery is not taken for a renewal that comes too early."""

from __future__ import annotations

from datetime import date, timedelta

from comptoir.services.dispensing.alerts import SERIALISATION
from comptoir.services.dispensing.basket import add_paper_lines, open_basket, set_prescription
from comptoir.services.dispensing.decisions import decide
from comptoir.services.dispensing.validate import validate
from comptoir.services.dispensing.views import AlertView, BasketView, DecisionInput, PaperLine, PrescriptionInput
from comptoir.store.dispensing import Dispensation, DispensedLine
from tests.fakes import FakeUnitOfWork
from tests.unit.services.dispensing.world import BOXES, NOW, PATIENT, PHARMACIST, SIMVASTATINE, References, pharmacy

REFERENCES = References()


def packs_decided(uow: FakeUnitOfWork, view: BasketView) -> BasketView:
    """Typed lines of listed products: their boxes were not scanned, the pharmacist goes on (SPEC §9.3)."""
    for alert in [a for a in view.alerts if a.kind == SERIALISATION and a.decision is None]:
        view = decide(view.id, alert.key, DecisionInput("override", "boîte sans DataMatrix (ancien conditionnement)"),
                      uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)
    return view


def unserialised(reasons: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(reason for reason in reasons if "Sérialisation" not in reason)
STATIN = PaperLine("SIMVASTATINE ARROW 20 mg", "1 comprimé le soir", 90)
BLOCKS = "Validation bloquée (signal de fraude, l'ordonnance est à vérifier) : un pharmacien décide"


def paper(uow: FakeUnitOfWork, line: PaperLine, *, rpps: str = "10000001916", days_later: int = 0) -> BasketView:
    now = NOW + timedelta(days=days_later)
    view = open_basket(PATIENT, "ordonnance_papier", uow=uow, operator=PHARMACIST, now=now, reference=REFERENCES)
    set_prescription(view.id, PrescriptionInput(rpps, "Dr Jean MARTIN", date(2026, 2, 18)), uow=uow,
                     operator=PHARMACIST, now=now, reference=REFERENCES)
    return add_paper_lines(view.id, [line], None, None, uow=uow, operator=PHARMACIST, now=now, reference=REFERENCES)


def fraud(view: BasketView) -> list[AlertView]:
    return [a for a in view.alerts if a.kind == "fraud"]


def statin_given(uow: FakeUnitOfWork, *, days_ago: int, duration_days: int = 30) -> None:
    when = NOW - timedelta(days=days_ago)
    uow.dispensations.add_with_lines(
        Dispensation(dispensed_at=when, patient_id=PATIENT, operator_code="PH02", kind="ordonnance_papier"),
        [DispensedLine(position=0, drug=SIMVASTATINE[1], cis=SIMVASTATINE[0], cip13=BOXES[SIMVASTATINE[0]][0],
                       boxes=4, posology="1 comprimé le soir", duration_days=duration_days)])


def test_a_wrong_prescriber_number_says_why_it_blocks() -> None:
    uow = pharmacy()

    (alert,) = fraud(paper(uow, STATIN, rpps="10000001917"))

    assert alert.needs_decision and alert.message.startswith("Numéro RPPS du prescripteur invalide (10000001917)")
    assert alert.level_label == "Signal de fraude"
    assert BLOCKS in alert.message


def test_a_renewal_too_early_names_both_deliveries_by_name_and_dci_and_says_why_it_blocks() -> None:
    uow = pharmacy()
    statin_given(uow, days_ago=5)

    (alert,) = fraud(paper(uow, STATIN))

    assert alert.needs_decision and alert.level_label == "Signal de fraude"
    assert alert.message.startswith("SIMVASTATINE ARROW 20 mg (simvastatine) — Vient trop tôt : SIMVASTATINE ARROW "
                                    "20 mg (simvastatine) délivré le 14/02/2026 pour 30 jours, il en reste 25")
    assert BLOCKS in alert.message and "6000000" not in alert.message


def test_two_earlier_boxes_still_running_make_one_alert_about_the_later_end() -> None:
    uow = pharmacy()
    statin_given(uow, days_ago=20)
    statin_given(uow, days_ago=5)

    (alert,) = fraud(paper(uow, STATIN))

    assert "il en reste 25" in alert.message


def test_next_months_delivery_of_a_three_month_treatment_is_not_too_early() -> None:
    uow = pharmacy()
    first = paper(uow, STATIN)
    first = packs_decided(uow, first)
    validate(first.id, first.version, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)

    (given,) = uow.dispensations.lines
    later = paper(uow, STATIN, days_later=22)

    assert (given.boxes, given.duration_days) == (3, 24)
    assert fraud(later) == []


def test_a_blocking_message_without_product_is_shortened_after_a_whole_word() -> None:
    from comptoir.services.dispensing.present import clipped

    text = "Numéro RPPS du prescripteur invalide : vérifier le prescripteur dans l'annuaire santé avant de délivrer"

    assert clipped(text, 60) == "Numéro RPPS du prescripteur invalide : vérifier le…"
    assert clipped("Court.", 60) == "Court."


def test_the_control_window_names_a_decided_alert_without_empty_brackets() -> None:
    from comptoir.services.dispensing.decisions import decide
    from comptoir.services.dispensing.views import DecisionInput
    from comptoir.web.dispensing.screen import differences
    uow = pharmacy()
    view = paper(uow, STATIN, rpps="10000001917")
    (alert,) = fraud(view)

    decided = decide(view.id, alert.key, DecisionInput("override", "Prescripteur joint par téléphone."),
                     uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)

    (said,) = [d for d in differences(decided) if d.startswith("Signal de fraude")]
    assert "()" not in said and "Prescripteur joint par téléphone." in said


def test_the_ordonnancier_writes_the_address_of_a_prescriber_known_by_his_rpps() -> None:
    from comptoir.store.eprescription import PrescriberProfile
    uow = pharmacy()
    uow.prescribers.profiles["MED1"] = PrescriberProfile(
        operator_code="MED1", rpps="10000001916", am="991118019", last_name="MARTIN", first_name="Jean",
        address="12 rue du Faubourg Saint-Antoine, 75011 Paris")
    view = paper(uow, STATIN)

    view = packs_decided(uow, view)

    validate(view.id, view.version, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)

    (entry,) = uow.registers.entries
    assert (entry.prescriber_name, entry.prescriber_address) == (
        "Dr Jean MARTIN", "12 rue du Faubourg Saint-Antoine, 75011 Paris")


def test_the_address_written_on_the_paper_prescription_goes_to_the_ordonnancier() -> None:
    from comptoir.services.dispensing.basket import add_paper_lines as add_lines
    uow = pharmacy()
    view = open_basket(PATIENT, "ordonnance_papier", uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)
    set_prescription(view.id, PrescriptionInput("10000001916", "Dr Jean MARTIN", date(2026, 2, 18),
                                                prescriber_address="3 rue Oberkampf, 75011 Paris"),
                     uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)
    view = add_lines(view.id, [STATIN], None, None, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)

    view = packs_decided(uow, view)

    validate(view.id, view.version, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)

    (entry,) = uow.registers.entries
    assert entry.prescriber_address == "3 rue Oberkampf, 75011 Paris"
