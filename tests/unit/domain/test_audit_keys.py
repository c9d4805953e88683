"""Keyed seals and signed checkpoints: what someone with write access to the database but not the secret can
no longer hide."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from comptoir.domain.audit import (
    GENESIS,
    AuditKey,
    AuditKeys,
    AuditRecord,
    checkpoint_problem,
    entry_hash,
    entry_seal,
    normalise_search,
    sign_checkpoint,
    verify_chain,
)

KEY = AuditKey.from_secret("un-secret-de-pharmacie-assez-long-0123456789")
OLD_KEY = AuditKey.from_secret("l-ancien-secret-de-la-pharmacie-9876543210")
KEYS = {KEY.key_id: KEY, OLD_KEY.key_id: OLD_KEY}
AT = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)


def sealed_chain(length: int, key: AuditKey | None = KEY, start: int = 1,
                 previous: str = GENESIS) -> list[tuple[AuditRecord, str]]:
    links = []
    for seq in range(start, start + length):
        record = AuditRecord(seq, AT, "PH01", "poste-1", "read", "patient", str(seq), "", previous,
                             key.key_id if key else "")
        previous = entry_seal(record, key)
        links.append((record, previous))
    return links


def test_a_chain_recomputed_without_the_secret_does_not_verify() -> None:
    links = sealed_chain(4)
    forged, previous = [], GENESIS
    for record, _ in links:
        changed = replace(record, operator_code="ADM", prev_hash=previous)
        previous = entry_hash(changed)
        forged.append((changed, previous))

    check = verify_chain(forged, (4, previous), KEYS)

    assert check.first_broken_seq == 1 and "modifié" in check.reason


def test_after_a_key_rotation_old_and_new_entries_both_verify() -> None:
    old = sealed_chain(3, OLD_KEY)
    new = sealed_chain(2, KEY, start=4, previous=old[-1][1])

    check = verify_chain(old + new, (5, new[-1][1]), KEYS)

    assert check.intact and check.entries == 5


def test_entries_sealed_with_a_forgotten_key_are_reported() -> None:
    links = sealed_chain(2, OLD_KEY)

    check = verify_chain(links, (2, links[-1][1]), {KEY.key_id: KEY})

    assert check.first_broken_seq == 1 and "clé inconnue" in check.reason


def test_entries_written_before_keys_still_verify() -> None:
    links = sealed_chain(3, None)

    assert verify_chain(links, (3, links[-1][1]), KEYS).intact


def seals(links: list[tuple[AuditRecord, str]]) -> dict[int, str]:
    return {record.seq: seal for record, seal in links}


def test_a_truncated_tail_contradicts_the_last_checkpoint() -> None:
    links = sealed_chain(6)
    checkpoint = sign_checkpoint(AT, 6, links[-1][1], KEY)
    truncated = seals(links[:4])

    problem = checkpoint_problem(checkpoint, KEYS, truncated.get)

    assert "supprimées" in problem and "n° 6" in problem


def test_an_emptied_log_contradicts_every_checkpoint() -> None:
    checkpoint = sign_checkpoint(AT, 3, sealed_chain(3)[-1][1], KEY)

    assert "supprimées" in checkpoint_problem(checkpoint, KEYS, {}.get)


def test_a_rewritten_chain_contradicts_the_checkpoint() -> None:
    links = sealed_chain(3)
    checkpoint = sign_checkpoint(AT, 3, links[-1][1], KEY)
    rewritten = seals(sealed_chain(3, OLD_KEY))

    assert "réécrit" in checkpoint_problem(checkpoint, KEYS, rewritten.get)


def test_a_forged_checkpoint_is_reported() -> None:
    checkpoint = replace(sign_checkpoint(AT, 3, "a" * 64, KEY), seq=2)

    assert "falsifié" in checkpoint_problem(checkpoint, KEYS, {2: "a" * 64}.get)


def test_a_checkpoint_that_agrees_with_the_chain_raises_nothing() -> None:
    links = sealed_chain(3)
    checkpoint = sign_checkpoint(AT, 2, links[1][1], KEY)

    assert checkpoint_problem(checkpoint, KEYS, seals(links).get) == ""


def test_an_unkeyed_entry_after_keyed_ones_breaks_the_chain() -> None:
    keyed = sealed_chain(2, KEY)
    unkeyed = sealed_chain(1, None, start=3, previous=keyed[-1][1])

    check = verify_chain(keyed + unkeyed, (3, unkeyed[-1][1]), KEYS)

    assert check.first_broken_seq == 3 and "sans clé" in check.reason


def test_audit_keys_seal_with_the_first_secret_and_know_them_all() -> None:
    keys = AuditKeys.from_secrets(["un-secret-de-pharmacie-assez-long-0123456789",
                                   "l-ancien-secret-de-la-pharmacie-9876543210"])

    assert keys.current == KEY and dict(keys.known) == KEYS


def test_a_search_digest_hides_the_text_but_recognises_it_normalised() -> None:
    keys = AuditKeys.from_secrets(["un-secret-de-pharmacie-assez-long-0123456789"])
    other = AuditKeys.from_secrets(["un-autre-secret-de-pharmacie-0123456789abc"])

    digest = keys.search_digest("Hélène  DUPONT")

    assert "dupont" not in digest.lower() and digest.startswith("hmac:")
    assert keys.search_digest(" helene dupont ") == digest
    assert keys.search_digest("Hélène DUPOND") != digest and other.search_digest("Hélène  DUPONT") != digest
    assert normalise_search("  Éloïse   Martin ") == "eloise martin"
