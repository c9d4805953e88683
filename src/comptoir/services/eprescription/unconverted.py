"""Temporary bridge to the services of other capabilities that still take a SQLAlchemy session: the outbox's
`enqueue`, the analysis reference cache and `analyse_for`. It goes away when they take a unit of work."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from sqlalchemy.orm import Session

from comptoir.store.unit_of_work import SqlUnitOfWork

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


def session_of(uow: UnitOfWork) -> Session:
    return cast(SqlUnitOfWork, uow).session
