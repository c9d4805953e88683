"""The pharmacy's ON dashboard and the billing complement, on the in-memory unit of work."""

from __future__ import annotations

import pytest

from comptoir.errors import Conflict, NotFound
from comptoir.services.eprescription.dashboard import dashboard, send_billing
from comptoir.services.eprescription.scan import keep
from comptoir.store.dispensing import Dispensation
from tests.fakes import FakeUnitOfWork
from tests.unit.services.eprescription.onfakes import NOW, ON_ID, PHARMACIST, pharmacy, prescription


def delivered_here(uow: FakeUnitOfWork, *, transmitted: bool) -> Dispensation:
    keep(uow, prescription(), prescription().status(NOW.date()), PHARMACIST, 1, NOW)
    row = Dispensation(dispensed_at=NOW, patient_id=1, operator_code=PHARMACIST.code, prescription_id=ON_ID,
                       renewal=0, execution_key="k1")
    uow.dispensations.add_with_lines(row, [])
    uow.eprescriptions.outbox["k1"] = "envoye" if transmitted else "a_envoyer"
    return row


def test_it_shows_each_delivery_here_with_its_transmission_and_is_audited() -> None:
    uow = pharmacy()
    delivered_here(uow, transmitted=True)

    rows = dashboard(uow=uow, operator=PHARMACIST, now=NOW)

    assert [(r.record.prescription_id, r.status) for r in rows] == [
        (ON_ID, "Délivrée ici (partiellement ou en totalité)")]
    assert [(h.transmission, h.billed) for h in rows[0].here] == [("transmise", False)]
    assert [e.detail for e in uow.audit.entries] == ["tableau de bord officine"]
    assert uow.committed == 1


def test_a_billing_complement_already_sent_is_refused() -> None:
    uow = pharmacy()
    row = delivered_here(uow, transmitted=True)
    uow.eprescriptions.outbox["k1-facturation"] = "a_envoyer"

    with pytest.raises(Conflict, match="déjà envoyé"):
        send_billing(row.id, uow=uow, operator=PHARMACIST, now=NOW)

    assert uow.audit.entries == [] and uow.committed == 0


def test_a_dispensation_without_ON_has_no_billing_complement() -> None:
    uow = pharmacy()
    row = Dispensation(dispensed_at=NOW, patient_id=1, operator_code=PHARMACIST.code)
    uow.dispensations.add_with_lines(row, [])

    with pytest.raises(NotFound, match="Aucune délivrance d'ordonnance numérique"):
        send_billing(row.id, uow=uow, operator=PHARMACIST, now=NOW)

    assert uow.committed == 0
