"""The rules of operators and their sessions, on the in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from comptoir.domain.operators import Role
from comptoir.errors import AuthenticationFailed, Conflict, RuleViolation, TooManyAttempts
from comptoir.services.platform.operators import (
    Credentials,
    NewOperator,
    create_operator,
    list_operators,
    log_in,
    log_out,
    operator_for_token,
)
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)
PASSWORD = "mot-de-passe-test"


def pharmacy_with(*codes: str) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    for code in codes:
        create_operator(NewOperator(code, f"Opérateur {code}", Role.TITULAIRE, PASSWORD), uow=uow, now=NOW)
    uow.committed = 0
    return uow


def attempt(uow: FakeUnitOfWork, code: str, password: str, *, at: datetime = NOW, address: str = "") -> str:
    return log_in(Credentials(code, password, "poste-1", address), uow=uow, now=at, free_failures=3,
                  session_hours=12)


def fail(uow: FakeUnitOfWork, code: str, times: int, *, address: str = "") -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationFailed):
            attempt(uow, code, "mauvais-mot", address=address)


def test_an_operator_is_created_with_a_hashed_password() -> None:
    uow = pharmacy_with()

    created = create_operator(NewOperator(" PH01 ", "Claire", Role.TITULAIRE, PASSWORD), uow=uow, now=NOW)

    assert created.code == "PH01" and created.password_hash != PASSWORD
    assert uow.committed == 1


def test_a_code_already_taken_is_refused_and_nothing_is_written() -> None:
    uow = pharmacy_with("PH01")

    with pytest.raises(Conflict, match="existe déjà"):
        create_operator(NewOperator("PH01", "Autre", Role.ADJOINT, PASSWORD), uow=uow, now=NOW)

    assert len(uow.operators.accounts) == 1 and uow.committed == 0


def test_a_short_password_is_refused() -> None:
    uow = pharmacy_with()

    with pytest.raises(RuleViolation, match="8 caractères"):
        create_operator(NewOperator("PH01", "Claire", Role.TITULAIRE, "court"), uow=uow, now=NOW)

    assert uow.operators.accounts == []


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
