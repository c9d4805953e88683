"""« Signaler une fausse ordonnance » from the counter, on SQLite and PostgreSQL: refused in French and nothing kept
without a proper scan; otherwise the declaration and its outbox message in the basket's transaction, the basket
no longer deliverable, the worker delivering it to ASAFO (retrying while ASAFO is down), and its outcome read
back into « mes signalements »."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, select

from comptoir.errors import FieldErrors
from comptoir.national.asafo.seeds import DEMO_PRESCRIBER_RPPS
from comptoir.services.asafo import feed, report
from comptoir.services.asafo.counter import DeclarationInput, Scan, declare
from comptoir.services.dispensing.views import BasketView, Blocked
from comptoir.services.platform.runtime import Runtime, open_runtime
from comptoir.services.senders import worker_for
from comptoir.store.asafo import AsafoDeclaration
from comptoir.store.outbox import OutboxMessage
from tests.conftest import Clock, make_settings
from tests.emulators import PHARMACY_TOKEN
from tests.integration.asafo.asafo_site import asafo_emulator, rule, scenario
from tests.integration.asafo.counter_asafo import TOPALGIC, UNKNOWN_RPPS, Pharmacy, asafo_hits, pharmacy

PNG = b"\x89PNG\r\n\x1a\n" + b"ordonnance suspecte" * 10


@pytest.fixture(scope="module")
def asafo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with asafo_emulator(tmp_path_factory.mktemp("asafo")) as url:
        yield url


@pytest.fixture
def place(database_url: str, tmp_path: Path, clock: Clock, asafo_url: str) -> Iterator[Pharmacy]:
    runtime = open_runtime(make_settings(database_url, tmp_path, asafo_url=asafo_url, asafo_token=PHARMACY_TOKEN),
                           clock=clock)
    yield pharmacy(runtime)
    runtime.engine.dispose()


def declared(place: Pharmacy, view: BasketView, scan: Scan | None, *, confirmed: bool = True) -> BasketView:
    with closing(place.runtime.unit_of_work()) as uow:
        return declare(view.id, DeclarationInput(confirmed, "Ordonnance photocopiée, tampon flou"), scan, uow=uow,
                       **place.tools())  # type: ignore[arg-type]


def counts(runtime: Runtime) -> tuple[int, int]:
    with runtime.session_factory() as session:
        return (session.scalar(select(func.count()).select_from(AsafoDeclaration)) or 0,
                session.scalar(select(func.count()).select_from(OutboxMessage)
                               .where(OutboxMessage.kind == report.DECLARATION)) or 0)


def declaration(runtime: Runtime) -> AsafoDeclaration:
    with runtime.session_factory() as session:
        found = session.scalar(select(AsafoDeclaration))
        assert found is not None
        return found


@pytest.mark.parametrize(("scan", "said"), [
    (None, "Joignez le scan"),
    (Scan(b"x" * (5 * 1024 * 1024 + 1), "image/png"), "trop volumineux"),
    (Scan(b"<html>", "text/html"), "JPEG, PNG ou PDF"),
])
def test_a_declaration_without_a_proper_scan_is_refused_in_french_and_nothing_is_kept(
        place: Pharmacy, scan: Scan | None, said: str) -> None:
    view = place.basket(rpps=UNKNOWN_RPPS, codes=(TOPALGIC,))

    with pytest.raises(FieldErrors) as refused:
        declared(place, view, scan)

    assert said in refused.value.errors["scan"]
    assert counts(place.runtime) == (0, 0)
    assert place.view(view).version == view.version


def test_a_declaration_is_sent_by_the_worker_and_its_outcome_comes_back(place: Pharmacy, asafo_url: str) -> None:
    runtime = place.runtime
    view = declared(place, place.basket(rpps=UNKNOWN_RPPS, codes=(TOPALGIC,)), Scan(PNG, "image/png"))

    assert counts(runtime) == (1, 1)
    assert view.secure.declarations[0].status_label == "En attente d'envoi"
    with pytest.raises(Blocked, match="signalée comme fausse"):
        place.validate(view)

    assert worker_for(runtime).run_once() == 1
    sent = declaration(runtime)
    assert sent.status == "EN_COURS" and sent.remote_id

    assert rule(asafo_url, sent.remote_id or "", "CONFIRMEE").status_code == 200
    feed.refresh(runtime.unit_of_work, report.asafo_client(runtime), now=runtime.clock())
    with closing(runtime.unit_of_work()) as uow:
        mine = report.my_declarations(uow=uow, operator=place.pharmacist, now=runtime.clock())
    assert mine[0].status_label == "Confirmée fausse par la CPAM" and mine[0].authenticated_by_prescriber

    again = place.basket(rpps=UNKNOWN_RPPS, codes=(TOPALGIC,))
    assert [a for a in asafo_hits(again) if UNKNOWN_RPPS in a.message]


def test_asafo_down_delays_the_declaration_without_losing_it(place: Pharmacy, asafo_url: str, clock: Clock) -> None:
    runtime = place.runtime
    declared(place, place.basket(rpps=DEMO_PRESCRIBER_RPPS, codes=(TOPALGIC,)), Scan(PNG, "image/png"),
             confirmed=False)
    worker = worker_for(runtime)

    scenario(asafo_url, "panne")
    try:
        worker.run_once()
    finally:
        scenario(asafo_url, "retabli")
    with runtime.session_factory() as session:
        waiting = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == report.DECLARATION))
        assert waiting is not None and waiting.status == "a_envoyer" and "indisponible" in waiting.last_error
    clock.advance(minutes=5)
    worker.run_once()

    assert declaration(runtime).status == "EN_COURS"
