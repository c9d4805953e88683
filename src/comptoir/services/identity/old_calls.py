"""Transition: the identity use cases other capabilities call still accept the call they made before the
unit of work, `use_case(session, operator, first, **options)`, and then work inside the caller's
transaction (the caller commits or rolls back). Delete this module once no caller passes a session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from comptoir.store.unit_of_work import SqlUnitOfWork

if TYPE_CHECKING:
    from comptoir.services.platform.operators import CurrentOperator
    from comptoir.services.platform.unit_of_work import UnitOfWork


class CallersTransaction(SqlUnitOfWork):
    """The repositories over a session whose transaction belongs to the caller."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._wrote = False
        self.audit_keys = session.info.get("audit_keys")
        self._attach(session)

    def commit(self) -> None:
        self.session.flush()

    def rollback(self) -> None:
        """The caller's transaction decides."""


def either_call(args: tuple[Any, ...], uow: UnitOfWork | None,
                operator: CurrentOperator | None) -> tuple[Any, UnitOfWork, CurrentOperator]:
    """`(first,)` with `uow=` and `operator=`, or the old `(session, operator, first)`."""
    if uow is None:
        session, operator, first = args
        return first, CallersTransaction(session), operator
    (first,) = args
    assert operator is not None, "operator= is required with uow="
    return first, uow, operator
