from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from comptoir.domain.eprescription.dispensing import Choice, boxes_needed, check_choice, differences
from comptoir.domain.eprescription.prescription import (
    Draft,
    PatientTraits,
    Prescription,
    Status,
    check_deliverable,
    validity_end,
)
from comptoir.errors import Conflict, RuleViolation
from tests.eprescription_builders import ADEMIS, GENE, draft, execution, line

TODAY = date(2026, 2, 19)


def prescription(*lines: object, executions: tuple[object, ...] = ()) -> Prescription:
    rows = tuple(lines) or (line(),)
    return Prescription("202602190930000001", TODAY, validity_end(TODAY, rows), ADEMIS, GENE, rows,  # type: ignore[arg-type]
                        consent=True, executions=executions)  # type: ignore[arg-type]


def test_a_prescription_is_presented_within_three_months() -> None:
    assert validity_end(TODAY, (line(duration=30),)) == date(2026, 5, 19)


def test_renewals_stretch_the_validity_up_to_a_year() -> None:
    assert validity_end(TODAY, (line(duration=30, renewals=5),)) == date(2026, 8, 18)
    assert validity_end(TODAY, (line(duration=90, renewals=11),)) == date(2027, 2, 19)


def test_a_non_substitutable_line_needs_its_reason() -> None:
    with pytest.raises(RuleViolation, match="motif"):
        line(substitutable=False)


def test_status_follows_the_deliveries() -> None:
    rx = prescription(line(1, renewals=1))

    partly = replace(rx, executions=(execution("a"),))
    done = replace(rx, executions=(execution("a"), execution("b", renewal=1)))

    assert (rx.status(TODAY), partly.status(TODAY), done.status(TODAY)) == (Status.ACTIVE, Status.PARTIAL,
                                                                            Status.EXECUTED)
    assert partly.status(date(2026, 9, 1)) is Status.EXPIRED


def test_a_closed_period_is_already_delivered_and_a_partial_one_is_not() -> None:
    partial = prescription(executions=(execution("a", (1, 1, True)),))
    closed = prescription(executions=(execution("a"),))

    check_deliverable(partial, 1, 0, today=TODAY)
    with pytest.raises(Conflict, match="déjà délivrée"):
        check_deliverable(closed, 1, 0, today=TODAY)


def test_refuses_a_renewal_that_was_not_prescribed() -> None:
    with pytest.raises(RuleViolation, match="renouvellement 2 impossible"):
        check_deliverable(prescription(line(renewals=1)), 1, 2, today=TODAY)


@pytest.mark.parametrize(("daily", "days", "pack", "boxes"), [(1, 30, 30, 1), (1, 30, 28, 2), (3, 7, 16, 2),
                                                              (0.5, 30, 30, 1), (None, 30, 30, None)])
def test_boxes_come_from_posology_duration_and_pack_size(daily: float | None, days: int, pack: int,
                                                         boxes: int | None) -> None:
    assert boxes_needed(daily, days, pack) == boxes


def choice(**changes: object) -> Choice:
    base = Choice(line_number=1, quantity=1, needed=1, cis="1", cip13="3400000000001", label="AMLODIPINE EG",
                  same_product=True, same_group=True)
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_control_window_lists_every_difference() -> None:
    found = differences(line(quantity=2), choice(quantity=1, needed=2, same_product=False, posology="1 le soir"))

    assert any("substitution" in f for f in found)
    assert any("partielle, 1 boîte(s) sur 2" in f for f in found)
    assert any("posologie délivrée" in f for f in found)


def test_substitution_stays_inside_the_generic_group_and_respects_non_substitutable() -> None:
    with pytest.raises(RuleViolation, match="groupe générique"):
        check_choice(line(), choice(same_product=False, same_group=False))
    with pytest.raises(RuleViolation, match="non substituable"):
        check_choice(line(substitutable=False, reason="MTE"), choice(same_product=False))


@pytest.mark.parametrize(("built", "why"), [
    (lambda: draft(*(line(n) for n in range(1, 22))), "21 lignes"),
    (lambda: draft(patient=PatientTraits("A" * 100_000, "Alain", date(1966, 2, 23))), "Nom du patient"),
    (lambda: draft(patient=PatientTraits("GENE", "Alain", date(2030, 1, 1))), "dans le futur"),
    (lambda: draft(line(posology="x" * 501)), "posologie"),
    (lambda: draft(line(quantity=100)), "99 boîtes"),
    (lambda: draft(line(duration=100_000)), "durée"),
])
def test_a_draft_the_base_and_the_pdf_cannot_carry_is_refused(built: Callable[[], Draft], why: str) -> None:
    with pytest.raises(RuleViolation, match=why):
        built()
