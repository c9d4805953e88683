"""The NMVS emulator's rules (SPEC §9.4), reached through the product's own client over a real socket."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from comptoir.errors import ExternalServiceError
from comptoir.national.nmvs.client import NmvsClient
from comptoir.national.nmvs.port import NmvsRefusal, PackId, PackState
from tests.integration.nmvs.nmvs_site import (
    DOCTOR_TOKEN,
    EXPIRED,
    OTHER_PHARMACY_TOKEN,
    RECALLED,
    SECOND,
    SOUND,
    STOLEN,
    SUPPLIED_ELSEWHERE,
    Clock,
    nmvs_client,
    nmvs_emulator,
)

SUPPLIED = PackState.SUPPLIED


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def url(tmp_path: Path, clock: Clock) -> Iterator[str]:
    with nmvs_emulator(tmp_path, clock) as found:
        yield found


@pytest.fixture
def client(url: str) -> Iterator[NmvsClient]:
    opened = nmvs_client(url)
    yield opened
    opened.close()


def refused(act: object) -> NmvsRefusal:
    with pytest.raises(NmvsRefusal) as caught:
        act()  # type: ignore[operator]
    return caught.value


# --- verification ---------------------------------------------------------------------------------------


def test_a_sound_pack_is_active_and_raises_no_alert(client: NmvsClient) -> None:
    status = client.verify(SOUND)

    assert (status.state, status.alerts, status.deliverable) == (PackState.ACTIVE, (), True)


@pytest.mark.parametrize(("pack", "code"), [
    (replace(SOUND, serial="INCONNU-0001"), "NMVS_NC_PC_02"),
    (replace(SOUND, lot="ZZ99"), "NMVS_FE_LOT_03"),
    (replace(SOUND, lot="C23R05"), "NMVS_FE_LOT_13"),
    (replace(SOUND, expiry=date(2028, 2, 29)), "NMVS_FE_LOT_12"),
])
def test_data_that_do_not_match_the_upload_raise_their_alert_in_french(client: NmvsClient, pack: PackId,
                                                                     code: str) -> None:
    status = client.verify(pack)

    assert [a.code for a in status.alerts] == [code]
    assert not status.deliverable and status.alerts[0].label[0].islower()


@pytest.mark.parametrize(("pack", "state"), [(RECALLED, PackState.RECALLED), (EXPIRED, PackState.EXPIRED),
                                             (STOLEN, PackState.STOLEN), (SUPPLIED_ELSEWHERE, PackState.SUPPLIED)])
def test_an_inactive_pack_reads_its_state_with_the_already_inactive_alert(client: NmvsClient, pack: PackId,
                                                                         state: PackState) -> None:
    status = client.verify(pack)

    assert status.state is state and [a.code for a in status.alerts] == ["NMVS_NC_PCK_22"]


def test_a_verification_changes_nothing(client: NmvsClient) -> None:
    client.verify(SOUND)
    client.verify(SOUND)

    assert client.decommission(SOUND, state=SUPPLIED, transaction="t1").state is SUPPLIED


def test_an_expiry_read_as_the_months_last_day_matches_a_day_00_upload(client: NmvsClient) -> None:
    # The seeded 2028-03-31 is what a DataMatrix "280300" reads as (GS1: DD = 00 is the month's last day).
    assert client.verify(replace(SOUND, expiry=date(2028, 3, 31))).deliverable


# --- decommission -----------------------------------------------------------------------------------------


def test_a_decommission_sets_the_target_state(client: NmvsClient) -> None:
    change = client.decommission(SOUND, state=SUPPLIED, transaction="t1")

    assert (change.state, change.duplicate) == (SUPPLIED, False)
    assert client.verify(SOUND).state is SUPPLIED


def test_the_same_transaction_twice_is_done_once_and_answered_the_same(client: NmvsClient, tmp_path: Path) -> None:
    first = client.decommission(SOUND, state=SUPPLIED, transaction="t1")

    again = client.decommission(SOUND, state=SUPPLIED, transaction="t1")

    assert (again.state, again.transaction, again.duplicate) == (first.state, "t1", True)
    assert transitions(tmp_path, SOUND) == [("actif", "delivre")]


def test_a_second_decommission_under_another_transaction_is_refused_already_set(client: NmvsClient) -> None:
    client.decommission(SOUND, state=SUPPLIED, transaction="t1")

    refusal = refused(lambda: client.decommission(SOUND, state=SUPPLIED, transaction="t2"))

    assert (refusal.code, refusal.permanent) == ("NMVS_NC_PCK_19", True)
    assert "déjà enregistré" in str(refusal)


@pytest.mark.parametrize("pack", [RECALLED, EXPIRED, STOLEN])
def test_an_inactive_pack_cannot_be_supplied(client: NmvsClient, pack: PackId) -> None:
    assert refused(lambda: client.decommission(pack, state=SUPPLIED, transaction="t1")).code == "NMVS_NC_PCK_22"


def test_a_refusal_is_kept_under_its_transaction_and_answered_the_same(client: NmvsClient) -> None:
    first = refused(lambda: client.decommission(RECALLED, state=SUPPLIED, transaction="t1"))

    assert refused(lambda: client.decommission(RECALLED, state=SUPPLIED, transaction="t1")).code == first.code


def test_a_pack_with_a_wrong_lot_is_never_decommissioned(client: NmvsClient) -> None:
    refusal = refused(lambda: client.decommission(replace(SOUND, lot="C23R05"), state=SUPPLIED, transaction="t1"))

    assert refusal.code == "NMVS_FE_LOT_13" and client.verify(SOUND).state is PackState.ACTIVE


# --- undo ---------------------------------------------------------------------------------------------------


def test_the_pharmacy_that_supplied_a_pack_may_put_it_back_within_ten_days(client: NmvsClient, clock: Clock) -> None:
    client.decommission(SOUND, state=SUPPLIED, transaction="t1")
    clock.advance(9.9)

    change = client.undo(SOUND, state=SUPPLIED, transaction="u1")

    assert change.state is PackState.ACTIVE and client.verify(SOUND).deliverable


def test_an_undo_after_ten_days_is_refused(client: NmvsClient, clock: Clock) -> None:
    client.decommission(SOUND, state=SUPPLIED, transaction="t1")
    clock.advance(10.1)

    assert refused(lambda: client.undo(SOUND, state=SUPPLIED, transaction="u1")).code == "NMVS_NC_PCK_20"


def test_a_locked_pack_may_be_unlocked_without_time_limit(client: NmvsClient, clock: Clock) -> None:
    client.decommission(SOUND, state=PackState.LOCKED, transaction="t1")
    clock.advance(400)

    assert client.undo(SOUND, state=PackState.LOCKED, transaction="u1").state is PackState.ACTIVE


def test_another_pharmacy_may_not_undo(client: NmvsClient, url: str) -> None:
    client.decommission(SOUND, state=SUPPLIED, transaction="t1")
    other = nmvs_client(url, OTHER_PHARMACY_TOKEN)

    assert refused(lambda: other.undo(SOUND, state=SUPPLIED, transaction="u1")).code == "NMVS_NC_PCK_21"
    assert client.verify(SOUND).state is SUPPLIED


def test_an_undo_that_does_not_match_the_state_is_refused(client: NmvsClient) -> None:
    assert refused(lambda: client.undo(SOUND, state=SUPPLIED, transaction="u1")).code == "NMVS_NC_PCK_06"


@pytest.mark.parametrize("state", [PackState.STOLEN, PackState.DESTROYED])
def test_a_stolen_or_destroyed_pack_is_never_put_back(client: NmvsClient, state: PackState) -> None:
    client.decommission(SOUND, state=state, transaction="t1")

    assert refused(lambda: client.undo(SOUND, state=state, transaction="u1")).code == "NMVS_NC_PCK_27"


@pytest.mark.parametrize("state", [PackState.EXPORTED, PackState.CHECKED_OUT, PackState.SAMPLE,
                                   PackState.FREE_SAMPLE])
def test_the_other_decommissions_may_be_undone_within_ten_days(client: NmvsClient, state: PackState) -> None:
    client.decommission(SOUND, state=state, transaction="t1")

    assert client.undo(SOUND, state=state, transaction="u1").state is PackState.ACTIVE


def test_a_recalled_pack_is_never_put_back(client: NmvsClient) -> None:
    refusal = refused(lambda: client.undo(RECALLED, state=SUPPLIED, transaction="u1"))

    assert refusal.code == "NMVS_NC_PCK_06" and refusal.state is PackState.RECALLED


def test_a_supplied_pack_past_its_expiry_is_not_put_back(client: NmvsClient, clock: Clock) -> None:
    clock.now = clock.now.replace(year=2028, month=3, day=30)
    client.decommission(SOUND, state=SUPPLIED, transaction="t1")
    clock.advance(3)

    assert refused(lambda: client.undo(SOUND, state=SUPPLIED, transaction="u1")).code == "NMVS_NC_PCK_27"


# --- bulk ---------------------------------------------------------------------------------------------------


def test_bulk_verification_answers_pack_by_pack(client: NmvsClient) -> None:
    found = client.verify_many([SOUND, RECALLED, replace(SOUND, serial="INCONNU")])

    assert [(s.pack.serial, s.state) for s in found] == [(SOUND.serial, PackState.ACTIVE),
                                                         (RECALLED.serial, PackState.RECALLED), ("INCONNU", None)]


def test_bulk_decommission_does_the_sound_packs_and_refuses_the_others(client: NmvsClient) -> None:
    found = client.decommission_many([SOUND, RECALLED, SECOND], state=SUPPLIED, transaction="lot1")

    assert [(o.change.state if o.change else None, o.refusal.code if o.refusal else None) for o in found] == [
        (SUPPLIED, None), (None, "NMVS_NC_PCK_22"), (SUPPLIED, None)]
    again = client.decommission_many([SOUND, RECALLED, SECOND], state=SUPPLIED, transaction="lot1")
    assert [o.change.duplicate for o in again if o.change] == [True, True]


def test_bulk_undo_puts_back_pack_by_pack(client: NmvsClient) -> None:
    client.decommission_many([SOUND, SECOND], state=SUPPLIED, transaction="lot1")

    found = client.undo_many([SOUND, SECOND, RECALLED], state=SUPPLIED, transaction="annul1")

    assert [o.change is not None for o in found] == [True, True, False]


# --- callers and failures -----------------------------------------------------------------------------------


def test_a_caller_without_a_known_token_is_refused(url: str) -> None:
    with pytest.raises(ExternalServiceError) as caught:
        nmvs_client(url, "jeton-inconnu").verify(SOUND)

    assert caught.value.permanent and "401" in str(caught.value)


def test_a_doctor_may_not_decommission(url: str) -> None:
    with pytest.raises(ExternalServiceError) as caught:
        nmvs_client(url, DOCTOR_TOKEN).decommission(SOUND, state=SUPPLIED, transaction="t1")

    assert caught.value.permanent and "403" in str(caught.value)


@pytest.mark.parametrize("serial", ["PANNE-0001", "LENTEUR-0001"])
def test_a_system_down_or_slow_is_a_failure_worth_retrying(client: NmvsClient, serial: str) -> None:
    with pytest.raises(ExternalServiceError) as caught:
        client.verify(replace(SOUND, serial=serial))

    assert not caught.value.permanent


def test_the_seed_holds_a_few_hundred_generated_packs(client: NmvsClient, tmp_path: Path) -> None:
    client.verify(SOUND)
    with sqlite3.connect(tmp_path / "nmvs.db") as connection:
        (count,) = connection.execute("select count(*) from nmvs_boite where \"case\" = 'générée'").fetchone()

    assert count >= 300


def transitions(directory: Path, pack: PackId) -> list[tuple[str, str]]:
    with sqlite3.connect(directory / "nmvs.db") as connection:
        return list(connection.execute("select from_state, to_state from nmvs_transition where gtin = ? and serial = ?"
                                       " order by id", (pack.gtin, pack.serial)))
