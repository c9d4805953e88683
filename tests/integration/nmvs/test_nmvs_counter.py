"""The counter and the NMVS emulator on a socket, on SQLite and PostgreSQL: each scanned pack verified at once,
refused packs change nothing, every pack of a validated dispensation decommissioned exactly once through the
outbox (two counters, a worker killed mid-way), the cancellation puts the packs back."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from comptoir.errors import ComptoirError, Conflict, FieldErrors
from comptoir.national.nmvs.client import NmvsClient
from comptoir.national.nmvs.port import MedicinesVerification, PackId
from comptoir.services.dispensing import basket as counter
from comptoir.services.dispensing.cancel import cancel_dispensation
from comptoir.services.dispensing.validate import validate
from comptoir.services.dispensing.views import AlertView, BasketView, LineChanges
from comptoir.services.nmvs.messages import handlers
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.outbox import OutboxWorker
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.counter import Basket
from comptoir.store.dispensing import Dispensation
from comptoir.store.outbox import OutboxMessage
from tests.conftest import Clock
from tests.emulators import FAST_POLICY
from tests.integration.eprescription.onsite import pharmacy_with_prescription
from tests.integration.nmvs.nmvs_site import RECALLED, SECOND, SOUND, nmvs_client, nmvs_emulator

CLOPIDOGREL_CIS, CLOPIDOGREL_CIP13 = "60124999", "3400922457116"
LEASE = timedelta(seconds=60)


def datamatrix(pack: PackId) -> str:
    """As a USB scanner types it: GS (ASCII 29) after the variable lot."""
    assert pack.expiry is not None
    return f"01{pack.gtin}17{pack.expiry:%y%m%d}10{pack.lot}\x1d21{pack.serial}"


@dataclass(frozen=True, slots=True)
class Counter:
    runtime: Runtime
    pharmacist: CurrentOperator
    patient_id: int
    nmvs: NmvsClient
    emulator_db: Path

    def basket(self) -> BasketView:
        with closing(self.runtime.unit_of_work()) as uow:
            return counter.open_basket(self.patient_id, "ordonnance_papier", uow=uow, operator=self.pharmacist,
                                       now=self.runtime.clock(), reference=self.runtime.analysis_reference)

    def scan(self, view: BasketView, pack: PackId, nmvs: MedicinesVerification | None = None) -> BasketView:
        with closing(self.runtime.unit_of_work()) as uow:
            return counter.scan_or_type(view.id, datamatrix(pack), uow=uow, operator=self.pharmacist,
                                        now=self.runtime.clock(), reference=self.runtime.analysis_reference,
                                        nmvs=nmvs or self.nmvs)

    def validate(self, view: BasketView) -> int:
        with closing(self.runtime.unit_of_work()) as uow:
            return validate(view.id, view.version, uow=uow, operator=self.pharmacist, now=self.runtime.clock(),
                            reference=self.runtime.analysis_reference).dispensation_id

    def cancel(self, dispensation_id: int) -> None:
        with closing(self.runtime.unit_of_work()) as uow:
            cancel_dispensation(dispensation_id, "Erreur de boîte", uow=uow, operator=self.pharmacist,
                                now=self.runtime.clock())

    def worker(self) -> OutboxWorker:
        return OutboxWorker(self.runtime.unit_of_work, handlers(self.nmvs), self.runtime.clock, lease=LEASE)

    def messages(self) -> list[OutboxMessage]:
        with self.runtime.session_factory() as session:
            return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind.like("nmvs.%"))
                                        .order_by(OutboxMessage.id)))

    def dispensations(self) -> int:
        with self.runtime.session_factory() as session:
            return len(session.scalars(select(Dispensation.id)).all())

    def basket_status(self, view: BasketView) -> str:
        with self.runtime.session_factory() as session:
            basket = session.get(Basket, view.id)
            assert basket is not None
            return basket.status

    def transitions(self, pack: PackId) -> list[tuple[str, str]]:
        with closing(sqlite3.connect(self.emulator_db)) as connection:
            return list(connection.execute("select from_state, to_state from nmvs_transition where gtin = ? and "
                                           "serial = ? order by id", (pack.gtin, pack.serial)))


@pytest.fixture
def place(runtime: Runtime, tmp_path: Path, clock: Clock) -> Iterator[Counter]:
    pharmacist, patient_id, _ = pharmacy_with_prescription(runtime)
    with runtime.session_factory.begin() as session:
        session.add(m.Specialty(cis=CLOPIDOGREL_CIS, name="CLOPIDOGREL TEST 75 mg, comprimé",
                                marketing_status="Commercialisée"))
        session.add(m.Presentation(cip13=CLOPIDOGREL_CIP13, cip7=CLOPIDOGREL_CIP13[5:12], cis=CLOPIDOGREL_CIS,
                                   label="plaquette(s) de 30 comprimé(s)", status="Présentation active",
                                   marketing_state="Déclaration de commercialisation", collectivities="oui",
                                   reimbursement_rate="65%", price_eur=Decimal("4.80")))
    with nmvs_emulator(tmp_path, clock) as url:
        client = nmvs_client(url)
        yield Counter(runtime, pharmacist, patient_id, client, tmp_path / "nmvs.db")
        client.close()


def test_a_scanned_pack_is_verified_at_once_and_shown_so(place: Counter) -> None:
    view = place.scan(place.basket(), SOUND)

    (line,) = view.lines
    assert (line.cip13, [p.verification for p in line.packs]) == (CLOPIDOGREL_CIP13, ["verifiee"])
    assert place.transitions(SOUND) == []


def test_a_recalled_pack_is_refused_at_the_scan_and_changes_nothing(place: Counter) -> None:
    view = place.basket()

    with pytest.raises(FieldErrors) as refused:
        place.scan(view, RECALLED)

    assert "rappelée" in refused.value.fields["text"] and "NMVS_NC_PCK_22" in refused.value.fields["text"]
    assert place.scan(view, SOUND).version == view.version + 1, "the refused scan counted no change"


def test_validation_decommissions_every_pack_exactly_once(place: Counter) -> None:
    view = place.scan(place.scan(place.basket(), SOUND), SECOND)

    place.validate(view)
    place.worker().run_once()
    place.worker().run_once()

    assert [(m.kind, m.status) for m in place.messages()] == [("nmvs.decommission", "envoye")] * 2
    assert place.transitions(SOUND) == place.transitions(SECOND) == [("actif", "delivre")]


def test_a_cancelled_dispensation_puts_its_packs_back(place: Counter) -> None:
    dispensation_id = place.validate(place.scan(place.basket(), SOUND))
    place.worker().run_once()

    place.cancel(dispensation_id)
    place.worker().run_once()

    assert [(m.kind, m.status) for m in place.messages()] == [("nmvs.decommission", "envoye"),
                                                              ("nmvs.undo", "envoye")]
    assert place.transitions(SOUND) == [("actif", "delivre"), ("delivre", "actif")]
    assert place.nmvs.verify(SOUND).deliverable


def test_a_pack_already_handed_out_is_refused_at_validation_and_nothing_changes(place: Counter) -> None:
    first, second = place.scan(place.basket(), SOUND), place.scan(place.basket(), SOUND)
    dispensation_id = place.validate(first)

    with pytest.raises(Conflict) as refused:
        place.validate(second)

    assert str(refused.value).startswith(f"Cette boîte (n° de série {SOUND.serial}) a déjà été délivrée au comptoir")
    assert f"délivrance n° {dispensation_id}" in str(refused.value) and "scannez-en une autre" in str(refused.value)
    assert place.dispensations() == 1 and len(place.messages()) == 1
    assert place.basket_status(second) == "ouvert"


def test_the_pack_of_a_cancelled_dispensation_may_be_handed_out_again(place: Counter) -> None:
    first, second = place.scan(place.basket(), SOUND), place.scan(place.basket(), SOUND)
    place.cancel(place.validate(first))

    place.validate(second)

    assert place.dispensations() == 2


def test_two_counters_validating_the_same_pack_at_once_one_wins_the_other_is_told(place: Counter) -> None:
    views = [place.scan(place.basket(), SOUND), place.scan(place.basket(), SOUND)]
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def counter_validates(view: BasketView) -> None:
        start.wait()
        try:
            place.validate(view)
            outcomes.append("ok")
        except ComptoirError as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=counter_validates, args=(view,)) for view in views]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["Conflict", "ok"]
    assert place.dispensations() == 1 and [m.kind for m in place.messages()] == ["nmvs.decommission"]


class Killed(BaseException):
    """The process gone (SIGKILL): nothing after the send runs, not even the worker's own error handling."""


def test_a_worker_killed_after_sending_leaves_the_pack_decommissioned_once(place: Counter, clock: Clock) -> None:
    place.validate(place.scan(place.basket(), SOUND))
    send = handlers(place.nmvs)["nmvs.decommission"]

    def sent_then_killed(payload: dict[str, Any]) -> dict[str, Any]:
        send(payload)
        raise Killed

    with pytest.raises(Killed):
        OutboxWorker(place.runtime.unit_of_work, {"nmvs.decommission": sent_then_killed}, place.runtime.clock,
                     lease=LEASE).run_once()
    assert place.messages()[0].status == "a_envoyer", "claimed (leased), never acknowledged"
    clock.advance(seconds=LEASE.total_seconds() + 1)
    place.worker().run_once()

    (message,) = place.messages()
    assert (message.status, (message.acknowledgement or {}).get("dejaTraitee")) == ("envoye", True)
    assert place.transitions(SOUND) == [("actif", "delivre")]


def test_a_pack_scanned_while_the_system_was_down_is_verified_at_validation(place: Counter) -> None:
    view = place.scan(place.basket(), RECALLED, nmvs=NmvsClient.at("http://127.0.0.1:9", FAST_POLICY, token="x"))
    assert [p.verification for p in view.lines[0].packs] == ["en_attente"]

    place.validate(view)
    place.worker().run_once()

    (message,) = place.messages()
    assert message.status == "echec" and "NMVS_NC_PCK_22" in message.last_error
    assert place.transitions(RECALLED) == [("actif", "rappele")]


def listed_clopidogrel(place: Counter) -> None:
    with place.runtime.session_factory.begin() as session:
        session.add(m.PrescriptionCondition(cis=CLOPIDOGREL_CIS, condition="Liste I"))


def two_boxes_one_scanned(place: Counter) -> BasketView:
    view = place.scan(place.basket(), SOUND)
    with closing(place.runtime.unit_of_work()) as uow:
        return counter.update_line(view.id, view.lines[0].position, LineChanges(boxes=2), uow=uow,
                                   operator=place.pharmacist, now=place.runtime.clock(),
                                   reference=place.runtime.analysis_reference)


def serialisation_alerts(view: BasketView) -> list[AlertView]:
    return [alert for alert in view.alerts if alert.kind == "serialisation"]


def test_a_listed_line_with_a_box_not_scanned_is_said_beside_the_basket_without_blocking(place: Counter) -> None:
    listed_clopidogrel(place)
    view = two_boxes_one_scanned(place)

    (alert,) = serialisation_alerts(view)
    assert "1 boîte(s) sans DataMatrix scanné : non vérifiée(s) ni désactivée(s)" in alert.message
    assert not alert.needs_decision and not any("Sérialisation" in reason for reason in view.blocking)


def test_an_unlisted_line_with_a_box_not_scanned_needs_no_decision(place: Counter) -> None:
    view = two_boxes_one_scanned(place)

    assert serialisation_alerts(view) == [] and not any("Sérialisation" in r for r in view.blocking)
