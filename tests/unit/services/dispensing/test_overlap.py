"""No overlap of stupéfiants and of products whose conditions forbid it (CSP R.5132-33), at the counter on the
in-memory unit of work: a line is refused while an earlier delivery of the same substance to the same patient
still covers today, naming that delivery's date and end, until the pharmacist ticks the prescriber's express
mention; validation checks it again."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from comptoir.services.dispensing.basket import add_paper_lines, open_basket, set_prescription, update_line
from comptoir.services.dispensing.decisions import decide
from comptoir.services.dispensing.validate import validate
from comptoir.services.dispensing.views import (
    BasketView,
    Blocked,
    DecisionInput,
    LineChanges,
    PaperLine,
    PrescriptionInput,
)
from comptoir.store.dispensing import Dispensation, DispensedLine
from tests.fakes import FakeUnitOfWork
from tests.unit.services.dispensing.world import (
    BOXES,
    MORPHINE,
    NOW,
    PATIENT,
    PHARMACIST,
    SIMVASTATINE,
    SLEEP_AND_PAIN,
    STILNOX,
    References,
    pharmacy,
)

REFERENCES = References(SLEEP_AND_PAIN)
AT_BEDTIME = "1 comprimé au coucher"


def world() -> FakeUnitOfWork:
    return pharmacy(SLEEP_AND_PAIN)


def delivered(uow: FakeUnitOfWork, drug: tuple[str, ...], *, days_ago: int, boxes: int = 2,
              posology: str = AT_BEDTIME, duration_days: int | None = None, cancelled: bool = False,
              prescription_id: str | None = None) -> None:
    """Arrange: this pharmacy delivered `drug` to the patient `days_ago` days before NOW."""
    cis = drug[0]
    when = NOW - timedelta(days=days_ago)
    uow.dispensations.add_with_lines(
        Dispensation(dispensed_at=when, patient_id=PATIENT, operator_code="PH02", kind="ordonnance_papier",
                     prescription_id=prescription_id, cancelled_at=when if cancelled else None),
        [DispensedLine(position=0, drug=drug[1], cis=cis, cip13=BOXES[cis][0], boxes=boxes, posology=posology,
                       duration_days=duration_days)])


def paper(uow: FakeUnitOfWork, *lines: PaperLine) -> BasketView:
    view = open_basket(PATIENT, "ordonnance_papier", uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)
    set_prescription(view.id, PrescriptionInput("10000001916", "Dr Jean MARTIN", date(2026, 2, 18)), uow=uow,
                     operator=PHARMACIST, now=NOW, reference=REFERENCES)
    return add_paper_lines(view.id, list(lines), None, None, uow=uow, operator=PHARMACIST, now=NOW,
                           reference=REFERENCES)


def zolpidem(posology: str = AT_BEDTIME) -> PaperLine:
    return PaperLine("ZOLPIDEM BIOGARAN 10 mg", posology, 28)


def allow_overlap(uow: FakeUnitOfWork, view: BasketView, allowed: bool = True) -> BasketView:
    return update_line(view.id, 1, LineChanges(overlap_allowed=allowed), uow=uow, operator=PHARMACIST, now=NOW,
                       reference=REFERENCES)


def overlap_blocks(view: BasketView) -> bool:
    return any("Chevauchement" in reason for reason in view.blocking)


def overridden(uow: FakeUnitOfWork, view: BasketView) -> BasketView:
    """The pharmacist's decision on the other alerts (a hypnotic new under this name is a fraud signal)."""
    for alert in (a for a in view.alerts if a.needs_decision):
        view = decide(view.id, alert.key, DecisionInput("override", "Ordonnance vérifiée auprès du prescripteur."),
                      uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)
    return view


def test_a_zolpidem_still_covered_by_an_earlier_delivery_is_refused_naming_its_date_and_end() -> None:
    uow = world()
    delivered(uow, STILNOX, days_ago=10)

    view = paper(uow, zolpidem())

    (line,) = view.lines
    assert line.reason.startswith("Chevauchement interdit (CSP R.5132-33)")
    assert "STILNOX 10 mg (zolpidem) délivré le 09/02/2026 pour 28 jours" in line.reason
    assert "couvert jusqu'au 08/03/2026" in line.reason and "avant le 09/03/2026" in line.reason
    assert f"Ligne 1 : {line.reason}" in view.blocking and not view.can_validate
    with pytest.raises(Blocked):
        validate(view.id, view.version, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)
    assert uow.baskets.baskets[view.id].status == "ouvert"


def test_the_prescribers_express_mention_ticked_on_the_line_lets_it_be_validated() -> None:
    uow = world()
    delivered(uow, STILNOX, days_ago=10)
    view = paper(uow, zolpidem())

    allowed = allow_overlap(uow, view)
    decided = overridden(uow, allowed)
    done = validate(view.id, decided.version, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)

    (line,) = allowed.lines
    assert line.overlap_allowed and line.reason == ""
    assert any(w.startswith("Chevauchement autorisé par le prescripteur") and "08/03/2026" in w
               for w in line.warnings)
    assert done.dispensation_id
    assert any(e.detail.startswith("ligne 1 : chevauchement autorisé par le prescripteur") for e in uow.audit.entries)


def test_unticking_the_mention_refuses_the_line_again() -> None:
    uow = world()
    delivered(uow, STILNOX, days_ago=10)
    view = allow_overlap(uow, paper(uow, zolpidem()))

    again = allow_overlap(uow, view, allowed=False)

    assert again.lines[0].reason.startswith("Chevauchement interdit")


def test_a_delivery_whose_period_has_run_out_does_not_block() -> None:
    uow = world()
    delivered(uow, STILNOX, days_ago=28)

    view = paper(uow, zolpidem())

    assert view.lines[0].reason == "" and not overlap_blocks(view)


def test_the_days_covered_come_from_the_boxes_at_the_posology_not_only_the_written_duration() -> None:
    uow = world()
    # Two boxes of 14 at 2 a day last 14 days, although 28 were written.
    delivered(uow, STILNOX, days_ago=15, posology="1 comprimé matin et soir", duration_days=28)

    view = paper(uow, zolpidem())

    assert view.lines[0].reason == ""


def test_a_cancelled_delivery_covers_nothing() -> None:
    uow = world()
    delivered(uow, STILNOX, days_ago=3, cancelled=True)

    assert paper(uow, zolpidem()).lines[0].reason == ""


def test_a_product_without_the_rule_is_never_refused_for_overlap() -> None:
    uow = world()
    delivered(uow, SIMVASTATINE, days_ago=2, posology="1 comprimé le soir")

    view = paper(uow, PaperLine("SIMVASTATINE ARROW 20 mg", "1 comprimé le soir", 8))

    assert view.lines[0].reason == ""


def test_a_stupefiant_is_refused_while_the_earlier_one_covers_even_without_the_bdpm_mention() -> None:
    uow = world()
    delivered(uow, MORPHINE, days_ago=5, posology="1 gélule matin et soir")

    view = paper(uow, PaperLine("SKENAN LP 30 mg", "1 gélule matin et soir", 14))

    assert "SKENAN LP 30 mg (morphine) délivré le 14/02/2026 pour 14 jours" in view.lines[0].reason


def test_an_earlier_delivery_without_posology_nor_duration_is_said_not_guessed() -> None:
    uow = world()
    delivered(uow, STILNOX, days_ago=3, posology="")

    view = paper(uow, zolpidem())

    (line,) = view.lines
    assert line.reason == ""
    assert any("sans durée connue" in w and "16/02/2026" in w for w in line.warnings)


def test_validation_refuses_a_delivery_made_meanwhile_at_another_counter() -> None:
    uow = world()
    view = paper(uow, zolpidem())
    assert not overlap_blocks(view)

    delivered(uow, STILNOX, days_ago=0)

    with pytest.raises(Blocked) as refused:
        validate(view.id, view.version, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)
    assert any("Chevauchement interdit" in reason for reason in refused.value.reasons)
