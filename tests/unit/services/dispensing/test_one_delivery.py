"""One delivery supplies a month at most (CSP R.5123-2), at the counter on the in-memory unit of work: a paper
line of three months gets the boxes of a month, and boxes raised beyond it are said on the line."""

from __future__ import annotations

from datetime import date

from comptoir.services.dispensing.basket import add_paper_lines, open_basket, set_prescription, update_line
from comptoir.services.dispensing.views import BasketView, LineChanges, PaperLine, PrescriptionInput
from tests.fakes import FakeUnitOfWork
from tests.unit.services.dispensing.world import NOW, PATIENT, PHARMACIST, References, pharmacy

REFERENCES = References()


def paper(uow: FakeUnitOfWork, line: PaperLine) -> BasketView:
    view = open_basket(PATIENT, "ordonnance_papier", uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)
    set_prescription(view.id, PrescriptionInput("10000001916", "Dr Jean MARTIN", date(2026, 2, 18)), uow=uow,
                     operator=PHARMACIST, now=NOW, reference=REFERENCES)
    return add_paper_lines(view.id, [line], None, None, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)


def test_three_months_on_paper_get_the_boxes_of_one_month() -> None:
    uow = pharmacy()

    view = paper(uow, PaperLine("SIMVASTATINE ARROW 20 mg", "1 comprimé le soir", 90))

    (line,) = view.lines
    assert (line.boxes, line.units_per_box) == (3, 8)
    assert not any("R.5123-2" in w for w in line.warnings)


def test_boxes_raised_beyond_a_month_are_said_on_the_line() -> None:
    uow = pharmacy()
    view = paper(uow, PaperLine("SIMVASTATINE ARROW 20 mg", "1 comprimé le soir", 90))

    raised = update_line(view.id, 1, LineChanges(boxes=10), uow=uow, operator=PHARMACIST, now=NOW,
                         reference=REFERENCES)

    assert "10 boîtes couvrent 80 jours : une délivrance couvre 30 jours au plus (CSP R.5123-2)." in \
        raised.lines[0].warnings
