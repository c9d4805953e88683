"""The DP's contract, run over HTTP against the emulator through the client adapter (client.py): opening with
consent, idempotent feeding, display windows, refusals, closure, printout, cancellation, credentials."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import httpx
import pytest

from comptoir.errors import ExternalServiceError
from comptoir.national.dp.client import DpClient
from comptoir.national.dp.emulator import LENTEUR_NIR, PANNE_NIR
from comptoir.national.dp.port import Beneficiary, Category, DpStatus
from tests.integration.dp.dpsite import (
    DOCTOR_TOKEN,
    OTHER_PHARMACY_TOKEN,
    MovableClock,
    dp_client,
    dp_emulator,
    feed,
    line,
    someone,
)

Site = tuple[str, MovableClock]
_counter = iter(range(10**6))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    clock = MovableClock()
    with dp_emulator(tmp_path_factory.mktemp("dp"), clock) as url:
        yield url, clock


@pytest.fixture
def market(site: Site) -> Iterator[DpClient]:
    """The other pharmacy (Pharmacie du Marché), which feeds; the clock back to the test's day."""
    site[1].now = datetime(2026, 2, 19, 9, 0, tzinfo=UTC)
    client = dp_client(site[0], OTHER_PHARMACY_TOKEN)
    yield client
    client.close_connection()


@pytest.fixture
def us(site: Site) -> Iterator[DpClient]:
    client = dp_client(site[0])
    yield client
    client.close_connection()


@pytest.fixture
def patient(market: DpClient) -> Beneficiary:
    """A new beneficiary each test, his DP opened at the counter."""
    beneficiary = someone(nir=f"16903{next(_counter):08d}")
    market.open(beneficiary, card_read=True, consent=True)
    return beneficiary


def test_a_dp_opens_only_with_the_card_read_and_the_patient_consenting(market: DpClient) -> None:
    beneficiary = someone(nir="2750599000001")

    with pytest.raises(ExternalServiceError, match="carte Vitale") as no_card:
        market.open(beneficiary, card_read=False, consent=True)
    with pytest.raises(ExternalServiceError, match="consentement") as no_consent:
        market.open(beneficiary, card_read=True, consent=False)
    before = market.consult(beneficiary)
    opened = market.open(beneficiary, card_read=True, consent=True)

    assert no_card.value.permanent and no_consent.value.permanent
    assert before.status is DpStatus.ABSENT and opened is DpStatus.OPEN
    assert market.consult(beneficiary).status is DpStatus.OPEN


def test_the_same_line_sent_twice_is_stored_once(market: DpClient, patient: Beneficiary) -> None:
    first = market.feed(patient, feed("D1", line(1), line(2, "IBUPROFENE 400 mg cp", "3400935955838")))
    again = market.feed(patient, feed("D1", line(1), line(2, "IBUPROFENE 400 mg cp", "3400935955838")))

    assert (first.received, first.duplicates) == (2, 0)
    assert (again.received, again.duplicates) == (0, 2)
    assert len(market.consult(patient).lines) == 2


def test_each_line_comes_back_with_the_pharmacy_that_dispensed_it(market: DpClient, us: DpClient,
                                                                   patient: Beneficiary) -> None:
    market.feed(patient, feed("D1", line(1)))

    found = us.consult(patient).lines

    assert [(x.label, x.pharmacy_name, x.pharmacy_finess) for x in found] == [
        ("PREVISCAN 20 mg cp", "Pharmacie du Marché, Villeurbanne", "690012345")]


def test_ordinary_lines_show_four_months_by_default_and_twelve_on_request(site: Site, market: DpClient,
                                                                          patient: Beneficiary) -> None:
    market.feed(patient, feed("OLD", line(1, "DOLIPRANE 1000 mg cp"), on=date(2025, 8, 1)))
    market.feed(patient, feed("NEW", line(1), on=date(2026, 1, 5)))

    default = market.consult(patient)
    year = market.consult(patient, months=12)

    assert [x.label for x in default.lines] == ["PREVISCAN 20 mg cp"]
    assert [x.label for x in year.lines] == ["PREVISCAN 20 mg cp", "DOLIPRANE 1000 mg cp"]


def test_vaccines_show_21_years_and_biological_medicines_3_years(site: Site, market: DpClient,
                                                                 patient: Beneficiary) -> None:
    market.feed(patient, feed("VAC", line(1, "REVAXIS", "3400935639431", Category.VACCINE), on=date(2006, 3, 1)))
    market.feed(patient, feed("BIO", line(1, "HUMIRA 40 mg", "3400930090855", Category.BIOLOGICAL),
                              on=date(2023, 3, 1)))
    market.feed(patient, feed("OLDBIO", line(1, "ENBREL 50 mg", "3400939292151", Category.BIOLOGICAL),
                              on=date(2023, 2, 1)))
    market.feed(patient, feed("OLDVAC", line(1, "TETAVAX", "3400930000014", Category.VACCINE), on=date(2005, 1, 1)))

    labels = {x.label for x in market.consult(patient, months=12).lines}

    assert labels == {"REVAXIS", "HUMIRA 40 mg"}


def test_a_refused_dispensation_is_withdrawn_and_not_fed_again(market: DpClient, patient: Beneficiary) -> None:
    market.feed(patient, feed("D9", line(1)))

    withdrawn = market.refuse_feeding(patient, "D9")
    with pytest.raises(ExternalServiceError, match="refusé que cette délivrance") as again:
        market.feed(patient, feed("D9", line(1)))

    assert withdrawn == 1 and again.value.permanent
    assert market.consult(patient).lines == ()


def test_a_refused_consultation_is_refused_for_the_day_to_that_pharmacy_only(site: Site, market: DpClient,
                                                                              us: DpClient,
                                                                              patient: Beneficiary) -> None:
    us.refuse_consultation(patient)

    with pytest.raises(ExternalServiceError, match="refusé la consultation") as refused:
        us.consult(patient)
    other = market.consult(patient)
    site[1].now = datetime(2026, 2, 20, 9, 0, tzinfo=UTC)

    assert refused.value.permanent and other.status is DpStatus.OPEN
    assert us.consult(patient).status is DpStatus.OPEN


def test_closure_erases_the_lines_and_refuses_later_feeds_until_reopened(market: DpClient,
                                                                         patient: Beneficiary) -> None:
    market.feed(patient, feed("D1", line(1)))

    market.close(patient)
    closed = market.consult(patient)
    with pytest.raises(ExternalServiceError, match="fermé") as fed:
        market.feed(patient, feed("D2", line(1)))
    market.open(patient, card_read=True, consent=True)

    assert closed.status is DpStatus.CLOSED and fed.value.permanent
    assert market.consult(patient).lines == ()
    assert market.printout(patient).accesses[-1].action == "ouverture"


def test_a_cancelled_dispensation_is_withdrawn_from_the_dp(market: DpClient, patient: Beneficiary) -> None:
    market.feed(patient, feed("D1", line(1)))
    market.feed(patient, feed("D2", line(1, "DOLIPRANE 1000 mg cp")))

    withdrawn = market.cancel(patient, "D1")

    assert withdrawn == 1
    assert [x.label for x in market.consult(patient).lines] == ["DOLIPRANE 1000 mg cp"]


def test_the_printout_holds_the_lines_and_who_consulted_when(site: Site, market: DpClient, us: DpClient,
                                                            patient: Beneficiary) -> None:
    market.feed(patient, feed("D1", line(1)))
    us.consult(patient)

    printed = us.printout(patient)

    assert printed.status is DpStatus.OPEN and printed.opened_on == date(2026, 2, 19)
    assert [x.label for x in printed.lines] == ["PREVISCAN 20 mg cp"]
    assert [(a.structure, a.action) for a in printed.accesses][:2] == [("750000001", "impression"),
                                                                        ("750000001", "consultation (4 mois)")]


def test_a_pharmacy_feeds_only_under_its_own_finess(us: DpClient, patient: Beneficiary) -> None:
    with pytest.raises(ExternalServiceError, match="propre N° FINESS") as refused:
        us.feed(patient, feed("D1", line(1)))

    assert refused.value.permanent


def test_without_a_token_or_as_a_doctor_the_dp_refuses(site: Site, patient: Beneficiary) -> None:
    anonymous, doctor = dp_client(site[0], None), dp_client(site[0], DOCTOR_TOKEN)

    with pytest.raises(ExternalServiceError, match="HTTP 401") as unknown:
        anonymous.consult(patient)
    with pytest.raises(ExternalServiceError, match="HTTP 403") as forbidden:
        doctor.consult(patient)

    assert unknown.value.permanent and forbidden.value.permanent
    assert httpx.post(f"{site[0]}/dossiers/consultation", json={}).json()["detail"].startswith("Authentification")


def test_a_dp_that_is_down_slow_or_unreachable_is_not_a_permanent_refusal(site: Site, us: DpClient) -> None:
    with pytest.raises(ExternalServiceError, match="indisponible") as down:
        us.consult(someone(nir=PANNE_NIR))
    with pytest.raises(ExternalServiceError, match="n'a pas répondu dans le délai") as slow:
        us.consult(someone(nir=LENTEUR_NIR))
    with pytest.raises(ExternalServiceError) as unreachable:
        dp_client("http://127.0.0.1:9").consult(someone())

    assert not down.value.permanent and not slow.value.permanent and not unreachable.value.permanent
