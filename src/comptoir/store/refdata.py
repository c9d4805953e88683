"""Repository of the refdata capability: every query on its tables lives here."""

from __future__ import annotations

from sqlalchemy.orm import Session


class ReferenceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
