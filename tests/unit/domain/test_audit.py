from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from comptoir.domain.audit import GENESIS, AuditRecord, entry_hash, utc_iso, verify_chain


def chain(length: int) -> list[tuple[AuditRecord, str]]:
    links, previous = [], GENESIS
    for seq in range(1, length + 1):
        record = AuditRecord(seq, datetime(2026, 2, 19, 9, seq, tzinfo=UTC), "PH01", "poste-1", "read", "patient",
                             str(seq), "", previous)
        previous = entry_hash(record)
        links.append((record, previous))
    return links


def test_an_untouched_chain_is_intact() -> None:
    links = chain(5)

    check = verify_chain(links, (5, links[-1][1]))

    assert check.intact and check.entries == 5


def test_a_modified_entry_is_found() -> None:
    links = chain(5)
    record, stored = links[2]
    links[2] = (replace(record, operator_code="PR01"), stored)

    check = verify_chain(links, (5, links[-1][1]))

    assert check.first_broken_seq == 3
    assert "modifié" in check.reason


def test_a_deleted_entry_is_found() -> None:
    links = chain(5)
    del links[1]

    check = verify_chain(links, (5, links[-1][1]))

    assert check.first_broken_seq == 3


def test_deleting_the_last_entries_is_found_through_the_head() -> None:
    links = chain(5)
    head = (5, links[-1][1])

    check = verify_chain(links[:3], head)

    assert not check.intact


def test_the_hash_does_not_depend_on_how_the_database_returns_the_time() -> None:
    aware = datetime(2026, 2, 19, 10, 0, tzinfo=UTC)
    naive_utc = aware.replace(tzinfo=None)
    paris = aware.astimezone(timezone(timedelta(hours=1)))

    assert utc_iso(aware) == utc_iso(naive_utc) == utc_iso(paris) == "2026-02-19T10:00:00.000000"
