"""Repositories of the identity capability: every query on its tables lives here.

`PatientRepository`: the records, their identity history and the INSi answers kept for them.
`IdentitovigilanceRepository`: the pairs awaiting review and the merges.
Merged records stay in the table; the searches of the counter leave them out (`active`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from comptoir.store import models as m

_ACTIVE = m.Patient.merged_into_id.is_(None)


class PatientRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_id(self, patient_id: int) -> m.Patient | None:
        return self.session.get(m.Patient, patient_id)

    def one(self, patient_id: int) -> m.Patient:
        """A record another row points to (it exists: foreign key)."""
        return self.session.get_one(m.Patient, patient_id)

    def for_change(self, patient_id: int) -> m.Patient | None:
        """The record, locked until the end of the transaction: two counters change it one after the other."""
        return self.session.get(m.Patient, patient_id, with_for_update=True)

    def add(self, patient: m.Patient) -> None:
        self.session.add(patient)
        self.session.flush()

    def find_by_name(self, text: str, *, matricule_prefix: str | None, limit: int = 50) -> list[m.Patient]:
        """Active records whose used name, first name or birth name holds `text`, or whose matricule starts so."""
        pattern = f"%{like_escaped(text)}%"
        matches: list[ColumnElement[bool]] = [m.Patient.last_name.ilike(pattern, escape="\\"),
                                              m.Patient.first_name.ilike(pattern, escape="\\"),
                                              m.Patient.birth_name.ilike(pattern, escape="\\")]
        if matricule_prefix:
            matches.append(m.Patient.nir.startswith(matricule_prefix, autoescape=True))
        return list(self.session.scalars(select(m.Patient).where(_ACTIVE, or_(*matches))
                                         .order_by(m.Patient.last_name, m.Patient.first_name).limit(limit)))

    def active(self) -> Iterable[m.Patient]:
        return self.session.scalars(select(m.Patient).where(_ACTIVE))

    def active_with_matricule(self, matricule: str) -> m.Patient | None:
        return self.session.scalars(select(m.Patient).where(m.Patient.nir == matricule, _ACTIVE)).first()

    def active_born_on(self, birth_date: date) -> Iterable[m.Patient]:
        return self.session.scalars(select(m.Patient).where(m.Patient.birth_date == birth_date, _ACTIVE)
                                    .order_by(m.Patient.id))

    def other_with_matricule(self, matricule: str, *, besides: int) -> int | None:
        """The id of another active record holding this matricule INS (a duplicate or a collision)."""
        return self.session.scalar(select(m.Patient.id).where(m.Patient.nir == matricule, m.Patient.id != besides,
                                                              _ACTIVE))

    def add_event(self, event: m.IdentityEvent) -> None:
        self.session.add(event)
        self.session.flush()

    def history_of(self, patient_id: int) -> list[m.IdentityEvent]:
        """Newest first."""
        return list(self.session.scalars(select(m.IdentityEvent).where(m.IdentityEvent.patient_id == patient_id)
                                         .order_by(m.IdentityEvent.id.desc())))

    def add_insi_answer(self, answer: m.InsiAnswer) -> None:
        self.session.add(answer)
        self.session.flush()

    def insi_answer(self, answer_id: int) -> m.InsiAnswer | None:
        return self.session.get(m.InsiAnswer, answer_id)

    def latest_insi_answer(self, patient_id: int) -> m.InsiAnswer | None:
        return self.session.scalars(select(m.InsiAnswer).where(m.InsiAnswer.patient_id == patient_id)
                                    .order_by(m.InsiAnswer.id.desc()).limit(1)).first()


class IdentitovigilanceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def known_pairs(self) -> set[tuple[int, int]]:
        """Every pair already reviewed or awaiting review, whatever its state."""
        rows = self.session.execute(select(m.DuplicateReview.first_patient_id, m.DuplicateReview.second_patient_id))
        return {(first, second) for first, second in rows}

    def add_review(self, review: m.DuplicateReview) -> None:
        self.session.add(review)

    def review(self, review_id: int) -> m.DuplicateReview | None:
        return self.session.get(m.DuplicateReview, review_id)

    def in_state(self, state: str) -> list[m.DuplicateReview]:
        """The most likely pairs first."""
        return list(self.session.scalars(select(m.DuplicateReview).where(m.DuplicateReview.state == state)
                                         .order_by(m.DuplicateReview.score.desc(), m.DuplicateReview.id)))

    def reviews_of_pair(self, first_id: int, second_id: int) -> list[m.DuplicateReview]:
        return list(self.session.scalars(select(m.DuplicateReview).where(
            m.DuplicateReview.first_patient_id == first_id, m.DuplicateReview.second_patient_id == second_id)))

    def findings_in_state(self, state: str) -> list[str]:
        return list(self.session.scalars(select(m.DuplicateReview.finding).where(m.DuplicateReview.state == state)))

    def add_merge(self, merge: m.PatientMerge) -> None:
        self.session.add(merge)

    def merge_count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(m.PatientMerge)) or 0


def like_escaped(text: str) -> str:
    """`text` matched as typed inside a LIKE pattern: its %, _ and \\ stand for themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
