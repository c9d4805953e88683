"""The audit trail's rules, on the in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from comptoir.domain.audit import GENESIS, AuditKeys
from comptoir.domain.operators import Permission, Role
from comptoir.errors import PermissionDenied
from comptoir.services.platform.audit_log import Actor, audit, read_trail, recent_entries, verify_trail
from comptoir.services.platform.operators import CurrentOperator
from tests.fakes import TEST_AUDIT_KEYS, FakeUnitOfWork

NOW = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)
PHARMACIST = Actor("PH01", "poste-1")
TITULAIRE = CurrentOperator(id=1, code="TIT", display_name="Titulaire", role=Role.TITULAIRE, workstation="poste-1")


class TechnicalAdmin(CurrentOperator):
    """The administrator as the permission matrix will have him: the technical part of the trail only."""

    def can(self, permission: Permission) -> bool:
        return permission is Permission.READ_TECHNICAL_AUDIT


ADMIN = TechnicalAdmin(id=2, code="ADM", display_name="Admin", role=Role.ADMIN, workstation="serveur")
PREPARATEUR = CurrentOperator(id=3, code="PR01", display_name="Julie", role=Role.PREPARATEUR, workstation="poste-3")


def test_each_entry_is_chained_to_the_one_before() -> None:
    uow = FakeUnitOfWork()

    first = audit(uow, PHARMACIST, action="read", object_type="patient", object_id="1", now=NOW)
    second = audit(uow, PHARMACIST, action="read", object_type="patient", object_id="2", now=NOW)

    assert (first.seq, first.prev_hash) == (1, GENESIS)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert uow.audit.head() is not None and uow.audit.head().hash == second.hash


def test_a_chain_with_a_rewritten_entry_no_longer_verifies() -> None:
    uow = FakeUnitOfWork()
    for patient in ("1", "2", "3"):
        audit(uow, PHARMACIST, action="read", object_type="patient", object_id=patient, now=NOW)
    uow.audit.entries[1].object_id = "99"

    check = verify_trail(uow)

    assert check.first_broken_seq == 2


def test_reading_the_trail_is_itself_recorded_and_committed() -> None:
    uow = FakeUnitOfWork()
    audit(uow, PHARMACIST, action="read", object_type="patient", object_id="1", now=NOW)

    shown = read_trail(TITULAIRE, uow=uow, limit=10, now=NOW)

    assert [e.object_type for e in shown] == ["patient"]
    assert uow.audit.entries[-1].object_type == "audit_log" and uow.committed == 1


def test_recent_entries_may_be_of_one_kind() -> None:
    uow = FakeUnitOfWork()
    for kind in ("patient", "outbox", "patient"):
        audit(uow, PHARMACIST, action="read", object_type=kind, object_id="1", now=NOW)

    assert [e.seq for e in recent_entries(uow=uow, object_type="patient")] == [3, 1]


def test_new_entries_are_sealed_with_the_current_key() -> None:
    uow = FakeUnitOfWork()

    entry = audit(uow, PHARMACIST, action="read", object_type="patient", object_id="1", now=NOW)

    assert entry.key_id == TEST_AUDIT_KEYS.current.key_id
    assert verify_trail(uow).intact


def test_after_a_rotation_old_entries_verify_with_the_previous_secret() -> None:
    uow = FakeUnitOfWork()
    uow.audit_keys = AuditKeys.from_secrets(["ancien-secret-de-la-pharmacie-0123456789abcdef"])
    audit(uow, PHARMACIST, action="read", object_type="patient", object_id="1", now=NOW)
    uow.audit_keys = AuditKeys.from_secrets(["nouveau-secret-de-la-pharmacie-0123456789abcdef",
                                             "ancien-secret-de-la-pharmacie-0123456789abcdef"])
    audit(uow, PHARMACIST, action="read", object_type="patient", object_id="2", now=NOW)

    assert verify_trail(uow).intact
    uow.audit_keys = AuditKeys.from_secrets(["nouveau-secret-de-la-pharmacie-0123456789abcdef"])
    check = verify_trail(uow)
    assert check.first_broken_seq == 1 and "clé inconnue" in check.reason


def test_the_titulaire_reads_everything() -> None:
    uow = FakeUnitOfWork()
    audit(uow, PHARMACIST, action="read", object_type="patient_search", object_id="x", now=NOW)
    audit(uow, PHARMACIST, action="login", object_type="operator_session", object_id="PH01", now=NOW)

    assert [e.object_type for e in read_trail(TITULAIRE, uow=uow, limit=10, now=NOW)] == [
        "operator_session", "patient_search"]


def test_the_administrator_reads_technical_events_only_without_patient_numbers() -> None:
    uow = FakeUnitOfWork()
    audit(uow, PHARMACIST, action="read", object_type="patient_search", object_id="x", detail="1 résultat(s): 4",
          now=NOW)
    audit(uow, PHARMACIST, action="read", object_type="patient", object_id="4", now=NOW)
    audit(uow, PHARMACIST, action="write", object_type="outbox", object_id="7",
          detail="renvoi pour 2690599123456", now=NOW)

    shown = read_trail(ADMIN, uow=uow, limit=10, now=NOW)

    assert [e.object_type for e in shown] == ["outbox"]
    assert "2690599123456" not in shown[0].detail
    assert "2690599123456" in uow.audit.entries[2].detail and verify_trail(uow).intact  # the row is untouched


def test_who_may_not_read_the_trail_is_refused() -> None:
    with pytest.raises(PermissionDenied, match="ne le permet pas"):
        read_trail(PREPARATEUR, uow=FakeUnitOfWork(), limit=10, now=NOW)
