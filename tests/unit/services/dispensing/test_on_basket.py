"""An ordonnance numérique at the counter, on the in-memory unit of work: its id typed loads its lines for the
first period still to deliver; validation claims each line's period and queues the execution; a cancellation the
same day queues the execution's cancellation after it and opens the period again."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from comptoir.domain.eprescription.prescription import Prescription, validity_end
from comptoir.errors import FieldErrors, RuleViolation
from comptoir.services.dispensing.basket import open_basket, scan_or_type
from comptoir.services.dispensing.cancel import cancel_dispensation
from comptoir.services.dispensing.validate import validate
from comptoir.services.dispensing.views import BasketView
from tests.eprescription_builders import ADEMIS, GENE, line
from tests.fakes import FakeUnitOfWork
from tests.unit.services.dispensing.world import ALLERGIC, NOW, PATIENT, PHARMACIST, References, pharmacy

REFERENCES = References()
ON_ID = "202602190930000042"
LINES = (line(1, "DOLIPRANE 1000 mg, comprimé", cis="60000001", posology="1 comprimé 3 fois par jour pendant 5 jours",
              duration=5, quantity=2),)


class Base:
    def __init__(self) -> None:
        self.prescription = Prescription(ON_ID, date(2026, 2, 18), validity_end(date(2026, 2, 18), LINES), ADEMIS,
                                         GENE, LINES, consent=True)

    def consult(self, prescription_id: str, *, rpps: str, finess: str) -> Prescription:
        return self.prescription


def scanned(uow: FakeUnitOfWork, patient_id: int = PATIENT) -> BasketView:
    view = open_basket(patient_id, "ordonnance_numerique", uow=uow, operator=PHARMACIST, now=NOW,
                       reference=REFERENCES)
    return scan_or_type(view.id, ON_ID, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES,
                        base=Base())  # type: ignore[arg-type]


def test_the_typed_id_loads_the_prescription_lines_with_their_boxes() -> None:
    uow = pharmacy()

    view = scanned(uow)

    (loaded,) = view.lines
    assert (loaded.prescription_line, loaded.cis, loaded.boxes, loaded.cip13) == (1, "60000001", 2, "3400933516390")
    assert view.prescription is not None and (view.prescription.on_id, view.prescription.renewal) == (ON_ID, 0)
    assert view.prescription.prescriber_name == "Dr Ademis TRAL" and view.can_validate


def test_an_on_of_another_patient_is_refused_and_nothing_is_loaded() -> None:
    uow = pharmacy()

    with pytest.raises(FieldErrors, match="n'est pas celui de l'ordonnance"):
        scanned(uow, patient_id=ALLERGIC)

    assert uow.baskets.basket_lines == []


def test_validation_queues_the_execution_and_a_same_day_cancellation_queues_its_cancellation() -> None:
    uow = pharmacy()
    view = scanned(uow)
    done = validate(view.id, view.version, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)

    sent = cancel_dispensation(done.dispensation_id, "Erreur de produit", uow=uow, operator=PHARMACIST,
                               now=NOW + timedelta(hours=2))

    execution, cancellation = uow.outbox.messages
    assert [o.kind for o in done.outbox_messages] == ["on.execution"] and [o.kind for o in sent] == ["on.annulation"]
    assert cancellation.depends_on == execution.idempotency_key
    period = uow.eprescriptions.periods[(ON_ID, 1, 0)]
    assert (period.closed, period.boxes) == (False, 0)


def test_a_cancellation_another_day_is_refused() -> None:
    uow = pharmacy()
    view = scanned(uow)
    done = validate(view.id, view.version, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)

    with pytest.raises(RuleViolation, match="du 19/02/2026 : seule une délivrance du jour"):
        cancel_dispensation(done.dispensation_id, "Erreur", uow=uow, operator=PHARMACIST, now=NOW + timedelta(days=1))

    assert len(uow.outbox.messages) == 1 and uow.eprescriptions.periods[(ON_ID, 1, 0)].closed


def _with_identities(uow: FakeUnitOfWork, *extra: tuple[str, str]) -> FakeUnitOfWork:
    from comptoir.store import models as m
    for patient in uow.dispensations.patients.values():
        uow.patients.patients[patient.id] = patient
    for number, (last, first) in enumerate(extra, start=10):
        twin = m.Patient(id=number, last_name=last, first_name=first, birth_date=date(1966, 2, 23), sex="M",
                         allergies=[])
        uow.patients.patients[number] = uow.dispensations.patients[number] = twin
    return uow


@pytest.mark.parametrize(("others", "attached"), [((), PATIENT), ((("GÉNÉ", "alain"),), None),
                                                  ((("DURAND", "Alain"),), PATIENT)])
def test_the_scanned_on_attaches_the_only_patient_with_its_names_and_birth_date(
        others: tuple[tuple[str, str], ...], attached: int | None) -> None:
    uow = _with_identities(pharmacy(), *others)
    view = open_basket(None, "ordonnance_numerique", uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)

    view = scan_or_type(view.id, ON_ID, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES,
                        base=Base())  # type: ignore[arg-type]

    assert view.patient_id == attached


def test_namesakes_of_the_on_patient_are_proposed_and_its_traits_kept_to_create_it() -> None:
    from comptoir.services.dispensing.basket import on_patient_choice
    uow = _with_identities(pharmacy(), ("GÉNÉ", "alain"))
    view = open_basket(None, "ordonnance_numerique", uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)
    view = scan_or_type(view.id, ON_ID, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES,
                        base=Base())  # type: ignore[arg-type]

    found, traits = on_patient_choice(view.id, uow=uow, operator=PHARMACIST, now=NOW)

    assert sorted(p.id for p in found) == [PATIENT, 10]
    assert traits is not None and (traits.last_name, traits.birth_date) == ("GENE", date(1966, 2, 23))
