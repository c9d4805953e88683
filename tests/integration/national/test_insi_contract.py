"""The INSi contract, run over HTTP against the emulator through the client adapter (client.py), with the
pharmacy's credential."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from comptoir.domain.identity.ins import InsIdentity, InsOid, InsTraits
from comptoir.errors import ExternalServiceError
from comptoir.national.ins.client import InsiClient
from comptoir.national.ins.port import (
    CardQuery,
    SearchOutcome,
    TraitsQuery,
    VerificationOutcome,
)
from tests.emulators import PHARMACY_TOKEN, insi_client, insi_emulator

DARK = InsIdentity("239088815400243", InsOid.NIR, InsTraits("DARK", "JEANNE MARIE", date(1939, 8, 13), "F", "88154"))


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    directory = tmp_path_factory.mktemp("insi")
    with insi_emulator(directory) as url:
        yield url, directory


@pytest.fixture
def insi(emulator: tuple[str, Path]) -> Iterator[InsiClient]:
    client = insi_client(emulator[0])
    yield client
    client.close()


CARD_CASES = [
    ("the course example", CardQuery("239088815400243", "DARK", "Jeanne", date(1939, 8, 13)), "239088815400243"),
    ("a twin on her father's card", CardQuery("1811275120034", "LEROY", "Léa", date(2015, 3, 9)), "215037511501132"),
    ("a birth name changed since the card", CardQuery("292115935002141", "DUBOIS", "Camille", date(1992, 11, 4)),
     "292115935002141"),
    ("a foreign-born NIA", CardQuery("188059935001290", "EL AMRANI", "Youssef", date(1988, 5, 17)),
     "188059935001290"),
]


@pytest.mark.parametrize(("case", "query", "matricule"), CARD_CASES, ids=[c[0] for c in CARD_CASES])
def test_a_card_search_finds_the_beneficiary_s_own_ins(insi: InsiClient, case: str, query: CardQuery,
                                                       matricule: str) -> None:
    answer = insi.search_by_card(query)

    assert answer.outcome is SearchOutcome.ONE
    assert answer.identity is not None and answer.identity.matricule == matricule


TRAITS_CASES = [
    ("Corsica 2A", TraitsQuery("Santoni", "Paul"), SearchOutcome.ONE, "2A004"),
    ("Corsica 2B", TraitsQuery("casanova", "Jean-Baptiste", sex="M"), SearchOutcome.ONE, "2B033"),
    ("overseas", TraitsQuery("PAYET", "Marie Josée", birth_date=date(1995, 10, 8)), SearchOutcome.ONE, "97411"),
    ("homonyms", TraitsQuery("MARTIN", "Pierre", "M", date(1975, 6, 12)), SearchOutcome.SEVERAL, None),
    ("homonyms told apart by birth place", TraitsQuery("MARTIN", "Pierre", "M", date(1975, 6, 12), "69123"),
     SearchOutcome.ONE, "69123"),
    ("the old birth name", TraitsQuery("DUBOIS", "Camille"), SearchOutcome.NONE, None),
    ("nobody", TraitsQuery("PERSONNE", "Inconnu"), SearchOutcome.NONE, None),
]


@pytest.mark.parametrize(("case", "query", "outcome", "place"), TRAITS_CASES, ids=[c[0] for c in TRAITS_CASES])
def test_a_traits_search_answers_none_one_or_several(insi: InsiClient, case: str, query: TraitsQuery,
                                                     outcome: SearchOutcome, place: str | None) -> None:
    answer = insi.search_by_traits(query)

    assert answer.outcome is outcome
    assert (answer.identity.traits.birth_place if answer.identity else None) == place


def test_the_nia_comes_with_its_own_oid(insi: InsiClient) -> None:
    answer = insi.search_by_traits(TraitsQuery("El Amrani", "Youssef"))

    assert answer.identity is not None and answer.identity.oid is InsOid.NIA


def test_a_verification_says_conforming_not_conforming_or_unknown(insi: InsiClient) -> None:
    moved = InsIdentity(DARK.matricule, DARK.oid, InsTraits("DARK", "JEANNE", date(1939, 8, 13), "F", "88154"))
    stranger = InsIdentity("170017599900439", InsOid.NIR, DARK.traits)

    assert insi.verify(DARK).outcome is VerificationOutcome.CONFORMING
    assert insi.verify(moved).outcome is VerificationOutcome.NOT_CONFORMING
    assert insi.verify(moved).identity == DARK
    assert insi.verify(stranger).outcome is VerificationOutcome.UNKNOWN


def test_the_several_identities_scenario(insi: InsiClient) -> None:
    answer = insi.search_by_card(CardQuery("170017599900340", "TEST", "Plusieurs", date(1970, 1, 15)))

    assert answer.outcome is SearchOutcome.SEVERAL and answer.identity is None


@pytest.mark.parametrize("search", [
    lambda insi: insi.search_by_card(CardQuery("170017599900142", "TEST", "Panne", date(1970, 1, 15))),
    lambda insi: insi.search_by_traits(TraitsQuery("Panne", "Test")),
])
def test_the_service_down_scenario_is_a_transient_error_in_french(insi: InsiClient, search: object) -> None:
    with pytest.raises(ExternalServiceError, match=r"INSi est indisponible \(HTTP 503\)") as raised:
        search(insi)  # type: ignore[operator]

    assert raised.value.permanent is False


def test_the_timeout_scenario_gives_up_after_the_client_timeout(insi: InsiClient) -> None:
    # The emulator answers after 1.5 s; the client's 0.5 s timeout is what raises (no clock read here:
    # a busy machine must not fail the test).
    with pytest.raises(ExternalServiceError, match="n'a pas répondu dans le délai") as raised:
        insi.search_by_card(CardQuery("170017599900241", "TEST", "Lenteur", date(1970, 1, 15)))

    assert raised.value.permanent is False


def test_a_request_the_service_refuses_is_a_permanent_error(emulator: tuple[str, Path]) -> None:
    from comptoir.national.http import open_endpoint

    endpoint = open_endpoint("INSi", emulator[0], token=PHARMACY_TOKEN)

    with pytest.raises(ExternalServiceError, match="refusé la demande") as raised:
        endpoint.call("POST", "/recherche/traits", json={"nomNaissance": "DARK"}, idempotent=True)

    assert raised.value.permanent is True


def test_the_emulator_keeps_its_own_database(insi: InsiClient, emulator: tuple[str, Path]) -> None:
    insi.search_by_traits(TraitsQuery("DARK", "Jeanne"))

    with sqlite3.connect(emulator[1] / "insi.db") as connection:
        tables = {row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")}
        calls = connection.execute("select count(*) from insi_appel").fetchone()[0]

    assert tables == {"insi_identite", "insi_scenario", "insi_appel", "insi_habilitation"}
    assert calls >= 1


@pytest.mark.parametrize(("token", "message"), [(None, "Authentification requise"), ("jeton-invente", "Jeton inconnu")])
def test_a_call_without_a_valid_token_is_refused_and_not_journaled(insi: InsiClient, emulator: tuple[str, Path],
                                                                  token: str | None, message: str) -> None:
    insi.search_by_traits(TraitsQuery("DARK", "Jeanne"))
    stranger = insi_client(emulator[0], token=token)
    before = _journaled(emulator[1])

    refused = rf"refusé la demande \(HTTP 401\) — identifiants de comptoir non reconnus : {message}"
    with pytest.raises(ExternalServiceError, match=refused) as raised:
        stranger.search_by_traits(TraitsQuery("DARK", "Jeanne"))

    assert raised.value.permanent is True
    assert _journaled(emulator[1]) == before


def test_the_test_identities_are_not_listed_without_a_token(emulator: tuple[str, Path]) -> None:
    import httpx

    anonymous = httpx.get(f"{emulator[0]}/identites")
    known = httpx.get(f"{emulator[0]}/identites", headers={"Authorization": f"Bearer {PHARMACY_TOKEN}"})

    assert anonymous.status_code == 401 and "detail" in anonymous.json() and "nomNaissance" not in anonymous.text
    assert known.status_code == 200 and len(known.json()) > 1


def _journaled(directory: Path) -> int:
    with sqlite3.connect(directory / "insi.db") as connection:
        return int(connection.execute("select count(*) from insi_appel").fetchone()[0])
