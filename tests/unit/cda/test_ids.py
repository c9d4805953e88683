"""Document identifiers: fresh OIDs under the UUID arc, short enough for the DMP's uniqueId."""

from __future__ import annotations

from comptoir.cda.ids import is_oid, new_document_id


def test_each_new_document_id_is_a_distinct_oid_of_at_most_64_characters() -> None:
    ids = {new_document_id() for _ in range(200)}

    assert len(ids) == 200
    assert all(is_oid(i) and i.startswith("2.25.") and len(i) <= 64 for i in ids)


def test_what_is_not_an_oid_is_told_apart() -> None:
    assert not is_oid("2.25.01")
    assert not is_oid("urn:oid:1.2.3")
    assert not is_oid("1." + "2" * 70)
    assert is_oid("1.2.250.1.213.1.1.1.54.2024.1.1")
