"""The rules of operators and their sessions, on the in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from comptoir.domain.operators import Role
from comptoir.errors import AuthenticationFailed, Conflict, PermissionDenied, RuleViolation, TooManyAttempts
from comptoir.services.platform.operators import (
    MACHINE_OWNER,
    Credentials,
    Grantor,
    NewOperator,
    UnknownWorkstation,
    confirm_operator,
    create_operator,
    deactivate_operator,
    list_operators,
    log_in,
    log_out,
    operator_for_token,
)
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)
WORKSTATIONS = ("poste-1", "poste-2")
PASSWORD = "mot-de-passe-test"


def pharmacy_with(*codes: str) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    for code in codes:
        create_operator(NewOperator(code, f"Opérateur {code}", Role.TITULAIRE, PASSWORD), by=MACHINE_OWNER, uow=uow,
                        now=NOW)
    uow.committed = 0
    return uow


def attempt(uow: FakeUnitOfWork, code: str, password: str, *, at: datetime = NOW, address: str = "") -> str:
    return log_in(Credentials(code, password, "poste-1", address), uow=uow, now=at, free_failures=3,
                  session_hours=12, workstations=WORKSTATIONS)


def fail(uow: FakeUnitOfWork, code: str, times: int, *, address: str = "") -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationFailed):
            attempt(uow, code, "mauvais-mot", address=address)


def test_an_operator_is_created_with_a_hashed_password() -> None:
    uow = pharmacy_with()

    created = create_operator(NewOperator(" PH01 ", "Claire", Role.TITULAIRE, PASSWORD), by=MACHINE_OWNER, uow=uow,
                              now=NOW)

    assert created.code == "PH01" and created.password_hash != PASSWORD
    assert uow.committed == 1


def test_a_code_already_taken_is_refused_and_nothing_is_written() -> None:
    uow = pharmacy_with("PH01")

    with pytest.raises(Conflict, match="existe déjà"):
        create_operator(NewOperator("PH01", "Autre", Role.ADJOINT, PASSWORD), by=MACHINE_OWNER, uow=uow, now=NOW)

    assert len(uow.operators.accounts) == 1 and uow.committed == 0


def test_a_short_password_is_refused() -> None:
    uow = pharmacy_with()

    with pytest.raises(RuleViolation, match="8 caractères"):
        create_operator(NewOperator("PH01", "Claire", Role.TITULAIRE, "court"), by=MACHINE_OWNER, uow=uow, now=NOW)

    assert uow.operators.accounts == []


ADMIN = Grantor("ADM1", "poste-1", Role.ADMIN)
TITULAIRE = Grantor("PH01", "poste-1", Role.TITULAIRE)


def test_the_administrator_cannot_make_a_pharmacist_who_logs_in_without_a_titulaire() -> None:
    uow = pharmacy_with()

    created = create_operator(NewOperator("PH02", "Faux", Role.TITULAIRE, PASSWORD), by=ADMIN, uow=uow, now=NOW)

    assert created.awaiting_confirmation and not created.active and created.created_by == "ADM1"
    with pytest.raises(AuthenticationFailed):
        attempt(uow, "PH02", PASSWORD)
    with pytest.raises(PermissionDenied):
        confirm_operator("PH02", by=ADMIN, uow=uow, now=NOW)


def test_a_titulaire_confirms_the_waiting_account_and_it_logs_in() -> None:
    uow = pharmacy_with()
    create_operator(NewOperator("PR01", "Paul", Role.PREPARATEUR, PASSWORD), by=ADMIN, uow=uow, now=NOW)

    confirmed = confirm_operator("PR01", by=TITULAIRE, uow=uow, now=NOW)

    assert confirmed.active and not confirmed.awaiting_confirmation
    assert attempt(uow, "PR01", PASSWORD)
    with pytest.raises(Conflict, match="n'attend pas"):
        confirm_operator("PR01", by=TITULAIRE, uow=uow, now=NOW)


def test_an_account_without_health_data_made_by_the_administrator_is_active_at_once() -> None:
    uow = pharmacy_with()

    created = create_operator(NewOperator("ADM2", "Tech", Role.ADMIN, PASSWORD), by=ADMIN, uow=uow, now=NOW)

    assert created.active and not created.awaiting_confirmation


def test_every_account_change_is_audited_with_its_author() -> None:
    uow = pharmacy_with()
    create_operator(NewOperator("AD01", "Anne", Role.ADJOINT, PASSWORD), by=ADMIN, uow=uow, now=NOW)
    confirm_operator("AD01", by=TITULAIRE, uow=uow, now=NOW)
    deactivate_operator("AD01", by=ADMIN, uow=uow, now=NOW)

    trail = [(e.operator_code, e.action, e.object_type, e.object_id) for e in uow.audit.entries]
    assert trail == [("ADM1", "create", "operator", "AD01"), ("PH01", "confirm", "operator", "AD01"),
                     ("ADM1", "deactivate", "operator", "AD01")]
    assert "en attente" in uow.audit.entries[0].detail
    with pytest.raises(AuthenticationFailed):
        attempt(uow, "AD01", PASSWORD)


def test_the_command_line_bootstrap_is_allowed_and_audited_as_cli() -> None:
    uow = pharmacy_with()

    created = create_operator(NewOperator("PH01", "Claire", Role.TITULAIRE, PASSWORD), by=MACHINE_OWNER, uow=uow,
                              now=NOW)

    assert created.active and uow.audit.entries[-1].operator_code == "cli"


def test_a_role_without_account_management_makes_no_account() -> None:
    with pytest.raises(PermissionDenied):
        create_operator(NewOperator("X1", "X", Role.ETUDIANT, PASSWORD), by=Grantor("AD9", "p", Role.ADJOINT),
                        uow=pharmacy_with(), now=NOW)


def test_the_right_password_opens_a_session_for_the_token() -> None:
    uow = pharmacy_with("PH01")

    token = attempt(uow, " PH01", PASSWORD)
    operator = operator_for_token(token, uow=uow, now=NOW)

    assert operator is not None and (operator.code, operator.workstation) == ("PH01", "poste-1")
    assert uow.committed == 1


def test_an_unknown_code_gets_the_same_answer_as_a_wrong_password() -> None:
    uow = pharmacy_with("PH01")

    with pytest.raises(AuthenticationFailed) as wrong:
        attempt(uow, "PH01", "mauvais-mot")
    with pytest.raises(AuthenticationFailed) as unknown:
        attempt(uow, "NOBODY", "mauvais-mot")

    assert str(wrong.value) == str(unknown.value) == "Code opérateur ou mot de passe incorrect."


def test_a_refused_login_is_recorded_for_the_lockout() -> None:
    uow = pharmacy_with("PH01")

    with pytest.raises(AuthenticationFailed):
        attempt(uow, "PH01", "mauvais-mot")

    assert [f.operator_code for f in uow.operators.failures] == ["PH01"]
    assert uow.committed == 1


def test_a_locked_out_operator_cannot_log_in_even_with_the_right_password() -> None:
    uow = pharmacy_with("PH01")
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            attempt(uow, "PH01", "mauvais-mot")
    uow.committed = 0

    with pytest.raises(TooManyAttempts):
        attempt(uow, "PH01", PASSWORD, at=NOW + timedelta(seconds=1))

    assert uow.committed == 0 and uow.operators.sessions == {}


def test_after_the_wait_the_operator_logs_in_and_the_failures_are_forgotten() -> None:
    uow = pharmacy_with("PH01")
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            attempt(uow, "PH01", "mauvais-mot")

    attempt(uow, "PH01", PASSWORD, at=NOW + timedelta(seconds=3))

    assert uow.operators.failures == []


def test_a_stranger_failing_on_a_code_does_not_lock_its_owner_out_at_another_address() -> None:
    uow = pharmacy_with("PH01")
    fail(uow, "PH01", 4, address="10.0.0.66")

    with pytest.raises(TooManyAttempts):
        attempt(uow, "PH01", PASSWORD, at=NOW + timedelta(seconds=1), address="10.0.0.66")
    token = attempt(uow, "PH01", PASSWORD, at=NOW + timedelta(seconds=1), address="10.0.0.5")

    assert operator_for_token(token, uow=uow, now=NOW) is not None


def test_one_address_failing_on_many_codes_waits_whatever_code_it_tries_next() -> None:
    uow = pharmacy_with("PH01", "PH02")
    for code in ("AA01", "AA02", "AA03", "AA04", "AA05", "AA06", "AA07", "AA08", "AA09", "AA10"):
        fail(uow, code, 1, address="10.0.0.66")

    with pytest.raises(TooManyAttempts):
        attempt(uow, "PH01", PASSWORD, at=NOW + timedelta(seconds=1), address="10.0.0.66")
    attempt(uow, "PH02", PASSWORD, at=NOW + timedelta(seconds=1), address="10.0.0.5")


def test_a_failure_names_its_address() -> None:
    uow = pharmacy_with("PH01")

    fail(uow, "PH01", 1, address="10.0.0.66")

    assert [(f.operator_code, f.address) for f in uow.operators.failures] == [("PH01", "10.0.0.66")]


def test_a_deactivated_operator_cannot_log_in() -> None:
    uow = pharmacy_with("PH01")
    uow.operators.accounts[0].active = False

    with pytest.raises(AuthenticationFailed):
        attempt(uow, "PH01", PASSWORD)


def test_an_expired_session_names_nobody() -> None:
    uow = pharmacy_with("PH01")
    token = attempt(uow, "PH01", PASSWORD)

    assert operator_for_token(token, uow=uow, now=NOW + timedelta(hours=12)) is None


def test_logging_out_forgets_the_session() -> None:
    uow = pharmacy_with("PH01")
    token = attempt(uow, "PH01", PASSWORD)

    log_out(token, uow=uow)

    assert operator_for_token(token, uow=uow, now=NOW) is None


def test_operators_are_listed_by_code() -> None:
    uow = pharmacy_with("PR01", "ADM", "PH01")

    assert [o.code for o in list_operators(uow=uow)] == ["ADM", "PH01", "PR01"]


@pytest.mark.parametrize("workstation", ["poste-9", "x" * 1_000_000])
def test_a_login_from_an_unknown_workstation_is_refused_before_anything_is_written(workstation: str) -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(UnknownWorkstation, match="Poste inconnu") as refused:
        log_in(Credentials("PH01", PASSWORD, workstation), uow=uow, now=NOW, free_failures=3, session_hours=12,
               workstations=WORKSTATIONS)

    assert len(str(refused.value)) < 200 and "poste-1, poste-2" in str(refused.value)
    assert uow.operators.failures == [] and uow.operators.sessions == {}


def test_an_rpps_that_is_not_eleven_digits_is_refused_and_nothing_is_written() -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(RuleViolation, match="RPPS"):
        create_operator(NewOperator("PH09", "Claire", Role.ADJOINT, "mot-de-passe-long", rpps="abc"),
                        by=MACHINE_OWNER, uow=uow, now=NOW)

    assert uow.committed == 0
